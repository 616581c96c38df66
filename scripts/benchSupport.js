// @ts-check
'use strict';

const { OutboundHttp } = require('@n8n/backend-network');
const { Container } = require('@n8n/di');
const { spawn } = require('child_process');
const diagnosticsChannel = require('diagnostics_channel');
const path = require('path');
const { createInterface } = require('readline');

const { runStripeCustomerWorkflow } = require('../test/support/workflowRunner');

// What the benchmark's parent process (plain HTTP) and its HTTPS child share: the Stripe double in its own
// process, the node run through n8n's engine, the raw SDK loop, the audit and the comparisons.

/** @typedef {import('stripe').Stripe} Stripe */
/** @typedef {import('child_process').ChildProcess} ChildProcess */
/** @typedef {import('http').ClientRequest} ClientRequest */
/** @typedef {import('http').IncomingMessage} IncomingMessage */

const KEY = 'sk_test_bench_0123456789';

/** The knobs (environment variables), the same in the parent and the HTTPS child. */
const settings = {
	n: Number(process.env.BENCH_N ?? 500),
	latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 50),
	rate: Number(process.env.BENCH_RATE ?? 100),
	concurrency: Number(process.env.BENCH_CONCURRENCY ?? 10),
	overheadN: Number(process.env.BENCH_OVERHEAD_N ?? 2000),
	httpsOverheadN: Number(process.env.BENCH_HTTPS_OVERHEAD_N ?? 1000),
	rounds: Number(process.env.BENCH_ROUNDS ?? 3),
	/** Creates counted for the connections each client opens (the summary's connections_per_500). */
	connectionItems: 500,
	/** Sequential creates timed one by one. */
	latencyN: Number(process.env.BENCH_SEQUENTIAL_LATENCY_N ?? 200),
	faultN: Number(process.env.BENCH_FAULT_N ?? 1000),
	rssN: Number(process.env.BENCH_RSS_N ?? 10000),
};

/**
 * The lower bound of a run of `count` creates: the rate limit, or the latency shared by `concurrency` workers.
 * @param {number} count
 */
const boundSeconds = (count) =>
	Math.max(count / settings.rate, (count * settings.latencyMs) / 1000 / settings.concurrency);
const doubleCli = path.resolve(__dirname, '../test/stripe-double/cli.js');

/**
 * @typedef {object} DoubleInfo
 * @property {string} url
 * @property {number} port
 * @property {string} controlUrl Where /_double/* answers over plain HTTP (the API port itself for an HTTP double).
 * @property {string} [caFile] HTTPS only: the self-signed certificate to trust.
 */

/**
 * @typedef {object} DoubleStats
 * @property {Record<string, number>} status
 * @property {number} replays
 * @property {number} dropped
 * @property {number} connections
 * @property {number} tlsHandshakes
 * @property {number} tlsResumed
 * @property {number} createRequests
 * @property {number} maxInFlight The most requests of one account in flight at once.
 * @property {Array<{ second: number; requests: number; createRequests: number; status429: number }>} perSecond
 */

/**
 * @typedef {{ customers: Array<{ id: string; params: { email?: string } }>; requests: Array<{ at: number }>; stats: DoubleStats }} DoubleState
 */

/**
 * @typedef {DoubleInfo & {
 *   state(): Promise<DoubleState>;
 *   setFaults(body: object): Promise<void>;
 *   reset(): Promise<void>;
 *   stop(): void;
 * }} Double `reset` forgets customers, requests, stats and idempotency keys, and restores latency and rate limit
 *   to the start options.
 */

/** @type {Set<ChildProcess>} */
const children = new Set();
// A failed or interrupted run must not leave a double (or the HTTPS child) behind.
process.once('exit', () => {
	for (const child of children) child.kill('SIGTERM');
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

/**
 * Stops `child` when this process ends, however it ends.
 * @template {ChildProcess} T
 * @param {T} child
 * @returns {T}
 */
function stopOnExit(child) {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/**
 * A double started elsewhere (the HTTPS child gets the parent's), driven through its control URL.
 * @param {DoubleInfo} info
 * @param {() => void} [stop]
 * @returns {Double}
 */
function controlDouble(info, stop = () => {}) {
	/**
	 * @param {string} endpoint
	 * @param {object} body
	 */
	const post = async (endpoint, body) => {
		const response = await fetch(`${info.controlUrl}/_double/${endpoint}`, {
			method: 'POST',
			body: JSON.stringify(body),
			headers: { 'content-type': 'application/json' },
		});
		if (!response.ok)
			throw new Error(`the double's /_double/${endpoint} answered ${response.status}`);
	};
	return {
		...info,
		state: async () =>
			/** @type {DoubleState} */ (await (await fetch(`${info.controlUrl}/_double/state`)).json()),
		setFaults: async (body) => await post('faults', body),
		reset: async () => await post('reset', {}),
		stop,
	};
}

/**
 * @param {string[]} args
 * @returns {Promise<Double>}
 */
async function startDouble(args) {
	const child = spawn(
		process.execPath,
		[doubleCli, '--port', '0', '--key', KEY, '--seed', '1', ...args],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	stopOnExit(child);
	/** @type {string} */
	const firstLine = await new Promise((resolve, reject) => {
		createInterface({ input: child.stdout }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the Stripe double exited with ${code}`)));
	});
	const info = /** @type {Omit<DoubleInfo, 'controlUrl'> & { controlUrl?: string }} */ (
		JSON.parse(firstLine)
	);
	return controlDouble({ ...info, controlUrl: info.controlUrl ?? info.url }, () =>
		child.kill('SIGTERM'),
	);
}

/** @typedef {{ mail: string; fullName: string }} Item */

/**
 * @param {number} count
 * @param {string} prefix
 * @returns {Item[]}
 */
const itemsFor = (count, prefix) =>
	Array.from({ length: count }, (_, index) => ({
		mail: `${prefix}-${index}@example.com`,
		fullName: `Customer ${index}`,
	}));

/**
 * @param {string} baseUrl
 * @param {Item[]} items
 * @param {Record<string, number | boolean>} options
 */
async function runNode(baseUrl, items, options) {
	const started = performance.now();
	const result = await runStripeCustomerWorkflow({
		items,
		node: {
			parameters: {
				operation: 'create',
				name: '={{ $json.fullName }}',
				email: '={{ $json.mail }}',
				options,
			},
			onError: 'continueRegularOutput',
		},
		credentials: { stripeCustomerApi: { secretKey: KEY, baseUrl } },
	});
	const seconds = (performance.now() - started) / 1000;
	return { seconds, output: result.output ?? [], error: result.error };
}

/**
 * `concurrency` workers creating one customer per item with the official SDK: the reference client.
 * @param {Stripe} stripe
 * @param {Item[]} items
 * @param {number} concurrency
 * @returns {Promise<number>}
 */
async function rawLoop(stripe, items, concurrency) {
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) {
				const item = items[next++];
				await stripe.customers.create({ name: item.fullName, email: item.mail });
			}
		}),
	);
	return (performance.now() - started) / 1000;
}

/**
 * The same loop through the call n8n's httpRequestWithAuthentication ends in (after it has added the credential):
 * what n8n's HTTP helper costs by itself, without the engine and the node. A new agent, so a new connection, per request.
 * @param {string} baseUrl
 * @param {Item[]} items
 * @param {number} concurrency
 * @returns {Promise<number>}
 */
async function helperLoop(baseUrl, items, concurrency) {
	const http = Container.get(OutboundHttp).requests();
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) {
				const item = items[next++];
				const response = /** @type {{ statusCode: number }} */ (
					await http.request({
						method: 'POST',
						url: `${baseUrl}/v1/customers`,
						headers: {
							Authorization: `Bearer ${KEY}`,
							'Content-Type': 'application/x-www-form-urlencoded',
						},
						body: new URLSearchParams({ name: item.fullName, email: item.mail }).toString(),
						json: true,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					})
				);
				if (response.statusCode !== 200)
					throw new Error(`the helper loop got HTTP ${response.statusCode}`);
			}
		}),
	);
	return (performance.now() - started) / 1000;
}

/**
 * @typedef {object} Audit
 * @property {number} duplicates
 * @property {number} lost
 * @property {DoubleStats} stats
 */

/**
 * duplicates: customers beyond one per input email; lost: inputs whose output is not a customer created for that very input.
 * @param {Double} double
 * @param {Item[]} items
 * @param {Array<{ json: Record<string, unknown> }>} output
 * @returns {Promise<Audit>}
 */
async function audit(double, items, output) {
	const { customers, stats } = await double.state();
	const emailById = new Map(customers.map((customer) => [customer.id, customer.params.email]));
	const lost = items.filter(
		(item, index) =>
			emailById.get(/** @type {string} */ (output[index]?.json.customerId)) !== item.mail,
	).length;
	const distinctEmails = new Set(customers.map((customer) => customer.params.email)).size;
	return { duplicates: customers.length - distinctEmails, lost, stats };
}

/**
 * @param {number} value
 * @param {number} [digits]
 */
const fmt = (value, digits = 2) => value.toFixed(digits);

/**
 * Client CPU (user + system) of this process while `run` runs, in ms.
 * @template T
 * @param {() => Promise<T>} run
 * @returns {Promise<{ result: T; cpuMs: number }>}
 */
async function withCpu(run) {
	const before = process.cpuUsage();
	const result = await run();
	const used = process.cpuUsage(before);
	return { result, cpuMs: (used.user + used.system) / 1000 };
}

/** @typedef {{ tcp: number; tls: number; resumed: number }} Connections */

/**
 * @typedef {object} OverheadComparison
 * @property {number} rawSeconds
 * @property {number} helperSeconds
 * @property {number} nodeSeconds
 * @property {number} rawCpuMsPerRequest
 * @property {number} nodeCpuMsPerRequest
 * @property {Connections} nodeConnections TCP connections and full TLS handshakes the double saw for
 *   `connectionItems` creates by a fresh client.
 * @property {Connections} rawConnections
 * @property {number} duplicates
 * @property {number} lost
 */

/**
 * The node vs the raw SDK at the same concurrency, L = 0, no rate limit. First a counted run of `connectionItems`
 * creates by each (a fresh SDK client: its connections are opened in it), which also warms both paths; then
 * `rounds` rounds of timed runs of `n` creates each (raw SDK, n8n's HTTP helper alone, node), the best of each kept
 * (on a shared machine the best run is the one least disturbed by other processes).
 * @param {Double} double
 * @param {Stripe} stripe
 * @param {{ n: number; rounds: number; concurrency: number; connectionItems: number; tag: string }} plan
 * @returns {Promise<OverheadComparison>}
 */
async function compareWithRawSdk(double, stripe, plan) {
	const { n, rounds, concurrency, connectionItems, tag } = plan;
	const nodeOptions = { concurrency, requestsPerSecond: 0 };
	let duplicates = 0;
	let lost = 0;
	/**
	 * @param {{ stats: DoubleStats }} state
	 * @returns {Connections}
	 */
	const connectionsOf = ({ stats }) => ({
		tcp: stats.connections,
		tls: stats.tlsHandshakes,
		resumed: stats.tlsResumed,
	});

	await double.reset();
	await rawLoop(stripe, itemsFor(connectionItems, `${tag}-count-raw`), concurrency);
	const rawConnections = connectionsOf(await double.state());

	await double.reset();
	const countItems = itemsFor(connectionItems, `${tag}-count-node`);
	const counted = await runNode(double.url, countItems, nodeOptions);
	const countAudit = await audit(double, countItems, counted.output);
	const nodeConnections = connectionsOf(countAudit);
	duplicates += countAudit.duplicates;
	lost += countAudit.lost;

	let rawSeconds = Infinity;
	let helperSeconds = Infinity;
	let nodeSeconds = Infinity;
	let rawCpuMs = Infinity;
	let nodeCpuMs = Infinity;
	for (let round = 0; round < rounds; round++) {
		await double.reset();
		const raw = await withCpu(() =>
			rawLoop(stripe, itemsFor(n, `${tag}-raw-${round}`), concurrency),
		);
		rawSeconds = Math.min(rawSeconds, raw.result);
		rawCpuMs = Math.min(rawCpuMs, raw.cpuMs);

		await double.reset();
		helperSeconds = Math.min(
			helperSeconds,
			await helperLoop(double.url, itemsFor(n, `${tag}-helper-${round}`), concurrency),
		);

		await double.reset();
		const items = itemsFor(n, `${tag}-node-${round}`);
		const node = await withCpu(() => runNode(double.url, items, nodeOptions));
		nodeSeconds = Math.min(nodeSeconds, node.result.seconds);
		nodeCpuMs = Math.min(nodeCpuMs, node.cpuMs);
		const nodeAudit = await audit(double, items, node.result.output);
		duplicates += nodeAudit.duplicates;
		lost += nodeAudit.lost;
	}
	return {
		rawSeconds,
		helperSeconds,
		nodeSeconds,
		rawCpuMsPerRequest: rawCpuMs / n,
		nodeCpuMsPerRequest: nodeCpuMs / n,
		nodeConnections,
		rawConnections,
		duplicates,
		lost,
	};
}

/**
 * Runs `run` and returns how long each HTTP request it made took, from the moment the request was created (before
 * its connection is opened, so a new TCP/TLS connection counts) to the end of the response body, in ms, sorted.
 * Both clients go through Node's http(s).request, so both are measured at the same place.
 * @param {() => Promise<unknown>} run
 * @returns {Promise<number[]>}
 */
async function httpRequestDurations(run) {
	/** @type {WeakMap<ClientRequest, number>} */
	const startedAt = new WeakMap();
	/** @type {number[]} */
	const durations = [];
	/** @param {unknown} message */
	const onStart = (message) =>
		startedAt.set(/** @type {{ request: ClientRequest }} */ (message).request, performance.now());
	/** @param {unknown} message */
	const onResponse = (message) => {
		const { request, response } =
			/** @type {{ request: ClientRequest; response: IncomingMessage }} */ (message);
		const started = startedAt.get(request);
		if (started !== undefined)
			response.once('end', () => durations.push(performance.now() - started));
	};
	diagnosticsChannel.subscribe('http.client.request.start', onStart);
	diagnosticsChannel.subscribe('http.client.response.finish', onResponse);
	try {
		await run();
	} finally {
		diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
		diagnosticsChannel.unsubscribe('http.client.response.finish', onResponse);
	}
	return durations.sort((a, b) => a - b);
}

/**
 * @param {number[]} sorted
 * @param {number} share
 */
const percentile = (sorted, share) =>
	sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? NaN;

/**
 * @typedef {object} LatencySummary
 * @property {number} p50
 * @property {number} p95
 * @property {number} perItem Wall time of the whole run per create: the request plus everything the client does
 *   around it.
 */

/**
 * @param {number[]} durations
 * @param {number} seconds
 * @param {number} count
 * @returns {LatencySummary}
 */
function summarize(durations, seconds, count) {
	return {
		p50: percentile(durations, 0.5),
		p95: percentile(durations, 0.95),
		perItem: (seconds * 1000) / count,
	};
}

/**
 * Sequential single creates (concurrency 1, L = 0): the per-request cost of each client's connection handling.
 * @param {Double} double
 * @param {Stripe} stripe
 * @param {number} count
 * @param {string} tag
 */
async function sequentialLatencies(double, stripe, count, tag) {
	await double.reset();
	let rawSeconds = 0;
	const rawDurations = await httpRequestDurations(async () => {
		rawSeconds = await rawLoop(stripe, itemsFor(count, `${tag}-lat-raw`), 1);
	});
	await double.reset();
	const items = itemsFor(count, `${tag}-lat-node`);
	/** @type {Awaited<ReturnType<typeof runNode>> | undefined} */
	let node;
	const nodeDurations = await httpRequestDurations(async () => {
		node = await runNode(double.url, items, { concurrency: 1, requestsPerSecond: 0 });
	});
	if (!node) throw new Error('the node run did not finish');
	const nodeAudit = await audit(double, items, node.output);
	return {
		raw: summarize(rawDurations, rawSeconds, count),
		node: summarize(nodeDurations, node.seconds, count),
		duplicates: nodeAudit.duplicates,
		lost: nodeAudit.lost,
	};
}

/**
 * @param {string} label
 * @param {{ raw: LatencySummary; node: LatencySummary }} latencies
 * @returns {string}
 */
function latencyLine(label, latencies) {
	/**
	 * @param {string} name
	 * @param {LatencySummary} summary
	 */
	const part = (name, summary) =>
		`${name} p50 ${fmt(summary.p50)} ms p95 ${fmt(summary.p95)} ms (${fmt(summary.perItem)} ms per create)`;
	return `${label} ${part('node', latencies.node)}, ${part('raw SDK', latencies.raw)}`;
}

/**
 * @param {string} label
 * @param {number} n
 * @param {number} rounds
 * @param {OverheadComparison} comparison
 * @returns {string}
 */
function overheadLine(label, n, rounds, comparison) {
	const { rawSeconds, helperSeconds, nodeSeconds, rawCpuMsPerRequest, nodeCpuMsPerRequest } =
		comparison;
	return (
		`${label} raw SDK ${fmt(n / rawSeconds, 0)} req/s, node ${fmt(n / nodeSeconds, 0)} req/s, ratio ${fmt(rawSeconds / nodeSeconds)};` +
		` n8n's HTTP helper alone ${fmt(n / helperSeconds, 0)} req/s, ratio ${fmt(rawSeconds / helperSeconds)};` +
		` client CPU per request: raw SDK ${fmt(rawCpuMsPerRequest)} ms, node ${fmt(nodeCpuMsPerRequest)} ms;` +
		` best of ${rounds}; node runs: duplicates ${comparison.duplicates}, lost ${comparison.lost}`
	);
}

/**
 * @param {string} label
 * @param {number} items
 * @param {OverheadComparison} comparison
 * @param {boolean} tls
 * @returns {string}
 */
function connectionsLine(label, items, comparison, tls) {
	/**
	 * @param {string} name
	 * @param {Connections} c
	 */
	const part = (name, c) =>
		`${name} ${c.tcp} TCP connections` +
		(tls ? `, ${c.tls} full TLS handshakes, ${c.resumed} resumed` : '');
	return `${label} for ${items} creates: ${part('node', comparison.nodeConnections)}; ${part('raw SDK', comparison.rawConnections)}`;
}

module.exports = {
	KEY,
	settings,
	boundSeconds,
	stopOnExit,
	controlDouble,
	startDouble,
	itemsFor,
	runNode,
	audit,
	fmt,
	compareWithRawSdk,
	sequentialLatencies,
	latencyLine,
	overheadLine,
	connectionsLine,
};
