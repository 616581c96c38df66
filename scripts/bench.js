// @ts-check
'use strict';

const { spawn, spawnSync } = require('child_process');
const path = require('path');
const Stripe = require('stripe');

const {
	audit,
	boundSeconds,
	compareWithRawSdk,
	connectionsLine,
	fmt,
	itemsFor,
	KEY,
	latencyLine,
	overheadLine,
	runNode,
	sequentialLatencies,
	settings,
	startDouble,
	stopOnExit,
} = require('./benchSupport');
const { compareRules } = require('./benchLatency');

// npm run bench: the node through n8n's engine against the Stripe test double (in its own process),
// with latency L per request and a rate limit R (429 above it); then the key numbers again over HTTPS; then the
// limiter's current rules and those of 0.2.0 side by side (benchLatency.js: the bench-latency, bench-bursts and
// bench-chart lines, and the chart unless BENCH_CHART=0).
// Prints numbers; asserts nothing. The last line is the summary the README quotes.
// BENCH_ONLY=latency runs only the side-by-side part (BENCH_ONLY=bursts: only its bench-bursts lines; BENCH_ONLY=chart:
// only the chart).

const { n: N, latencyMs: LATENCY_MS, rate: RATE, concurrency: CONCURRENCY } = settings;
const chartWanted = process.env.BENCH_CHART !== '0';

/** @returns {Promise<number>} */
async function measureRss() {
	const double = await startDouble([]);
	try {
		const child = spawnSync(
			process.execPath,
			[__filename, '--rss-child', double.url, String(settings.rssN)],
			{ encoding: 'utf8' },
		);
		if (child.status !== 0) throw new Error(`rss child failed: ${child.stderr}`);
		return Number(child.stdout.trim().split('\n').pop());
	} finally {
		double.stop();
	}
}

/**
 * @param {string} url
 * @param {number} count
 */
async function rssChild(url, count) {
	const { output } = await runNode(url, itemsFor(count, 'rss'), {
		concurrency: CONCURRENCY,
		requestsPerSecond: 0,
	});
	if (output.length !== count || output.some((item) => !item.json.customerId))
		throw new Error('rss run lost items');
	console.log(Math.round(process.resourceUsage().maxRSS / 1024));
}

/**
 * The HTTPS measurements, in a child that trusts the double's certificate from its start (NODE_EXTRA_CA_CERTS).
 * @returns {Promise<import('./benchHttps').HttpsReport>}
 */
async function measureHttps() {
	const double = await startDouble(['--https']);
	try {
		const info = JSON.stringify({
			url: double.url,
			port: double.port,
			controlUrl: double.controlUrl,
			caFile: double.caFile,
		});
		const child = stopOnExit(
			spawn(process.execPath, [path.join(__dirname, 'benchHttps.js'), info], {
				env: { ...process.env, NODE_EXTRA_CA_CERTS: double.caFile },
				stdio: ['ignore', 'pipe', 'inherit'],
			}),
		);
		let stdout = '';
		child.stdout.on('data', (/** @type {Buffer} */ chunk) => (stdout += chunk.toString()));
		/** @type {number | null} */
		const code = await new Promise((resolve) => child.once('exit', resolve));
		if (code !== 0) throw new Error(`the HTTPS bench child exited with ${code}`);
		return JSON.parse(stdout.trim().split('\n').pop() ?? '');
	} finally {
		double.stop();
	}
}

async function main() {
	console.log(
		`bench: N=${N} L=${LATENCY_MS}ms R=${RATE}/s C=${CONCURRENCY}; overhead N=${settings.overheadN} (HTTPS ${settings.httpsOverheadN}), best of ${settings.rounds}; ` +
			`sequential latency N=${settings.latencyN}; faults N=${settings.faultN}; rss N=${settings.rssN}`,
	);
	const bound = boundSeconds(N);

	// 1. The node at the rate limit (its own limiter at R, adapting to 429s as by default).
	let double = await startDouble(['--latency', String(LATENCY_MS), '--rate', String(RATE)]);
	const items = itemsFor(N, 'node');
	const node = await runNode(double.url, items, {
		concurrency: CONCURRENCY,
		requestsPerSecond: RATE,
	});
	const nodeAudit = await audit(double, items, node.output);
	double.stop();
	console.log(
		`node:       ${fmt(node.seconds)} s, ${fmt(N / node.seconds, 1)} req/s, bound ${fmt(bound)} s, ratio ${fmt(node.seconds / bound)}, 429s ${nodeAudit.stats.status['429'] ?? 0}, duplicates ${nodeAudit.duplicates}, lost ${nodeAudit.lost}`,
	);

	// 2. The sequential baseline on the same work: one request at a time, as n8n's built-in Stripe node sends them.
	double = await startDouble(['--latency', String(LATENCY_MS), '--rate', String(RATE)]);
	const sequential = await runNode(double.url, itemsFor(N, 'seq'), {
		concurrency: 1,
		requestsPerSecond: RATE,
	});
	double.stop();
	console.log(`sequential: ${fmt(sequential.seconds)} s, ${fmt(N / sequential.seconds, 1)} req/s`);

	// 3. Overhead: a raw SDK loop at the same concurrency vs the node, both with L = 0 and no rate limit;
	// then single creates one after another, to see what each request costs each client.
	double = await startDouble([]);
	const stripe = new Stripe(KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		telemetry: false,
	});
	const overhead = await compareWithRawSdk(double, stripe, {
		n: settings.overheadN,
		rounds: settings.rounds,
		concurrency: CONCURRENCY,
		connectionItems: settings.connectionItems,
		tag: 'http',
	});
	const latencies = await sequentialLatencies(double, stripe, settings.latencyN, 'http');
	double.stop();
	const overheadRatio = overhead.rawSeconds / overhead.nodeSeconds;
	console.log(overheadLine('overhead:  ', settings.overheadN, settings.rounds, overhead));
	console.log(connectionsLine('connections', settings.connectionItems, overhead, false));
	console.log(latencyLine(`sequential (C=1, L=0, ${settings.latencyN} creates):`, latencies));

	// 4. Faults: 10% 500s, 5% connections dropped after the customer was created, bursts of 429.
	double = await startDouble([]);
	await double.setFaults({
		faults: {
			error500Rate: 0.1,
			dropAfterCreateRate: 0.05,
			rateLimitBurstEvery: 100,
			rateLimitBurstLength: 5,
		},
	});
	const faultItems = itemsFor(settings.faultN, 'fault');
	const faults = await runNode(double.url, faultItems, {
		concurrency: CONCURRENCY,
		requestsPerSecond: 0,
		maxRetries: 8,
	});
	const faultAudit = await audit(double, faultItems, faults.output);
	double.stop();
	const statuses = faultAudit.stats.status;
	console.log(
		`faults:     ${fmt(faults.seconds)} s, 500s ${statuses['500'] ?? 0}, 429s ${statuses['429'] ?? 0}, dropped ${faultAudit.stats.dropped}, replays ${faultAudit.stats.replays}, duplicates ${faultAudit.duplicates}, lost ${faultAudit.lost}`,
	);

	// 5. Memory: peak RSS of a process that runs the node over RSS_N items.
	const rssMb = await measureRss();
	console.log(`memory:     peak RSS ${rssMb} MB for ${settings.rssN} items`);

	// 6. HTTPS: at the rate limit, overhead, connections, sequential latency.
	const https = await measureHttps();
	for (const line of https.lines) console.log(line);

	// 7. The limiter's rules side by side: current and 0.2.0.
	const rules = await compareRules({ latency: true, bursts: true, chart: chartWanted });

	const duplicates = nodeAudit.duplicates + faultAudit.duplicates + rules.duplicates;
	const lost = nodeAudit.lost + faultAudit.lost + rules.lost;
	console.log(
		`bench-https: ratio_to_bound=${fmt(https.ratioToBound)} overhead_ratio=${fmt(https.overheadRatio)} connections_per_500=${https.nodeConnectionsPer500} raw_connections_per_500=${https.rawConnectionsPer500} duplicates=${https.duplicates} lost=${https.lost}`,
	);
	console.log(
		`bench: ratio_to_bound=${fmt(node.seconds / bound)} speedup_vs_sequential=${fmt(sequential.seconds / node.seconds)} overhead_ratio=${fmt(overheadRatio)} duplicates=${duplicates} lost=${lost} rss_mb_10k=${rssMb}`,
	);
}

/** @param {unknown} error */
function fail(error) {
	console.error(error);
	process.exit(1);
}

if (process.argv[2] === '--rss-child') {
	rssChild(process.argv[3], Number(process.argv[4])).catch(fail);
} else if (process.env.BENCH_ONLY === 'latency') {
	compareRules({ latency: true, bursts: true, chart: chartWanted }).catch(fail);
} else if (process.env.BENCH_ONLY === 'bursts') {
	compareRules({ latency: false, bursts: true, chart: false }).catch(fail);
} else if (process.env.BENCH_ONLY === 'chart') {
	compareRules({ latency: false, bursts: false, chart: true }).catch(fail);
} else if (process.env.BENCH_ONLY) {
	console.error(`BENCH_ONLY=${process.env.BENCH_ONLY}: expected latency, bursts or chart`);
	process.exit(2);
} else {
	main().catch(fail);
}
