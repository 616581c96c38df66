// @ts-check
'use strict';

const { mkdirSync, writeFileSync } = require('fs');
const path = require('path');

const { lineChartSvg } = require('./benchChart');
const { benchSupportOf, CURRENT_RULES, preparePlan, RULES_0_2_0 } = require('./benchRules');
const { audit, fmt, itemsFor, KEY, startDouble } = require('./benchSupport');
const { generatedDir, repoRoot } = require('./checkoutPaths');

// The limiter's rules side by side (issue 18 §3): the current node and the node of 0.2.0 (benchRules.js), each with
// its default options but Requests Per Second where stated, each run against a fresh Stripe double:
// - bench-latency: at the account's limit with a long round trip; bound = items/limit + one round trip;
// - bench-bursts: the double refuses everything in the first burst_ms of every period_ms, on top of its bucket;
//   ideal = (items/limit) / (1 − burst_ms/period_ms);
// - the chart: creates per second against latency, drawn into the checkout's generated folder (checkoutPaths.js), or
//   into BENCH_CHART_FILE (npm run bench:chart: docs/images/bench-latency.svg, the README's).
// Every run is audited (duplicates, lost). The double's per-second counts of each run go to stderr.
// BENCH_LATENCY_ITEMS and BENCH_BURST_ITEMS change the items of the bench-latency and bench-bursts runs.

/** @typedef {import('./benchRules').Rules} Rules */

const RULES = [CURRENT_RULES, RULES_0_2_0];

/**
 * The Stripe account's limit and the latency per request; limit 100 is a raised account. At 100 per second a run is
 * short and busy (its first half second, the node checking all 500 items, is CPU-bound on both rules): in turn.
 */
const LATENCY_CASES = [
	{ latencyMs: 600, limit: 25, inTurn: false },
	{ latencyMs: 300, limit: 100, inTurn: true },
];
const LATENCY_ITEMS = Number(process.env.BENCH_LATENCY_ITEMS ?? 500);
const BURSTS = {
	limit: 25,
	items: Number(process.env.BENCH_BURST_ITEMS ?? 200),
	burstMs: 400,
	periodMs: 2000,
	latencyMs: 50,
};
const CHART = {
	file: process.env.BENCH_CHART_FILE
		? path.resolve(repoRoot, process.env.BENCH_CHART_FILE)
		: path.join(generatedDir(repoRoot), 'bench-latency.svg'),
	latenciesMs: [50, 150, 300, 600, 1000],
	items: 200,
	limit: 25,
	colors: { current: '#1f6fb4', '0.2.0': '#d1495b' },
};
/** Stripe's default limit, and the node's default Requests Per Second: runs at this limit leave the option unset. */
const DEFAULT_LIMIT = 25;
/**
 * The two rules run at the same time, each with its own double and child, to keep `npm run bench` near 6 minutes
 * (at 25 requests per second each uses a few percent of a core); both children load and warm up first, then their
 * timed runs start together. BENCH_RULES_PARALLEL=0 runs every case in turn.
 */
const RULES_IN_PARALLEL = process.env.BENCH_RULES_PARALLEL !== '0';

/**
 * @typedef {object} RunReport
 * @property {number} seconds
 * @property {number} duplicates
 * @property {number} lost
 * @property {number} share429 429s per create request the double received.
 * @property {number} maxInFlight The most requests the double had in flight at once for the account.
 */

/** @typedef {{ latencyMs: number; limit: number; count: number; prefix: string; faults?: object }} Run */

/**
 * A fresh double at the run's latency and limit, and a child ready to run the node of `rules` against it.
 * @param {Rules} rules
 * @param {Run} run
 * @returns {Promise<{ run(): Promise<RunReport> }>}
 */
async function prepareAtLimit(rules, { latencyMs, limit, count, prefix, faults }) {
	const double = await startDouble(['--latency', String(latencyMs), '--rate', String(limit)]);
	/** @type {Record<string, number>} */
	const options = limit === DEFAULT_LIMIT ? {} : { requestsPerSecond: limit };
	/** @type {import('./benchRules').PreparedPlan} */
	let prepared;
	try {
		prepared = await preparePlan(rules, {
			baseUrl: double.url,
			controlUrl: double.controlUrl,
			secretKey: KEY,
			count,
			prefix,
			options,
			faults,
		});
	} catch (error) {
		double.stop();
		throw error;
	}
	return {
		run: async () => {
			try {
				const result = await prepared.run();
				const output = result.customerIds.map((customerId) => ({ json: { customerId } }));
				const { duplicates, lost, stats } = await audit(double, itemsFor(count, prefix), output);
				const { requests } = await double.state();
				const firstRequestMs = requests.length ? requests[0].at - result.startedAt : NaN;
				const perSecond = stats.perSecond
					.map((s) => (s.status429 ? `${s.requests}/${s.status429}` : `${s.requests}`))
					.join(' ');
				process.stderr.write(
					`  ${prefix} rules=${rules.name}: first request after ${firstRequestMs} ms; requests per second (/429s) ${perSecond}` +
						`${result.error ? `; error: ${result.error}` : ''}\n`,
				);
				return {
					seconds: result.seconds,
					duplicates,
					lost,
					share429: (stats.status['429'] ?? 0) / Math.max(1, stats.createRequests),
					maxInFlight: stats.maxInFlight,
				};
			} finally {
				double.stop();
			}
		},
	};
}

/**
 * `run` with each rules, at the same time or in turn; the reports in the order of RULES.
 * @param {Run} run
 * @param {{ inTurn?: boolean }} [how]
 * @returns {Promise<RunReport[]>}
 */
async function runEachRules(run, how = {}) {
	if (RULES_IN_PARALLEL && !how.inTurn) {
		const prepared = await Promise.all(RULES.map((rules) => prepareAtLimit(rules, run)));
		return await Promise.all(prepared.map((p) => p.run()));
	}
	/** @type {RunReport[]} */
	const reports = [];
	for (const rules of RULES) reports.push(await (await prepareAtLimit(rules, run)).run());
	return reports;
}

/** @param {RunReport} report */
const auditPart = (report) => `duplicates=${report.duplicates} lost=${report.lost}`;

/**
 * @typedef {object} Totals
 * @property {number} duplicates
 * @property {number} lost
 */

/**
 * @param {(line: string) => void} print
 * @param {Totals} totals
 */
async function latencyLines(print, totals) {
	for (const { latencyMs, limit, inTurn } of LATENCY_CASES) {
		const bound = LATENCY_ITEMS / limit + latencyMs / 1000;
		const reports = await runEachRules(
			{ latencyMs, limit, count: LATENCY_ITEMS, prefix: `latency-${latencyMs}` },
			{ inTurn },
		);
		for (const [index, report] of reports.entries()) {
			const rules = RULES[index];
			totals.duplicates += report.duplicates;
			totals.lost += report.lost;
			print(
				`bench-latency: rules=${rules.name} latency_ms=${latencyMs} limit=${limit} items=${LATENCY_ITEMS} seconds=${fmt(report.seconds)} ` +
					`ratio_to_bound=${fmt(report.seconds / bound)} max_in_flight=${report.maxInFlight} share_429=${fmt(report.share429, 3)} ${auditPart(report)}`,
			);
		}
	}
}

/**
 * @param {(line: string) => void} print
 * @param {Totals} totals
 */
async function burstLines(print, totals) {
	const { limit, items, burstMs, periodMs, latencyMs } = BURSTS;
	const ideal = items / limit / (1 - burstMs / periodMs);
	const faults = { faults: { rateLimitWindow: { everyMs: periodMs, forMs: burstMs } } };
	const reports = await runEachRules({ latencyMs, limit, count: items, prefix: 'bursts', faults });
	for (const [index, report] of reports.entries()) {
		const rules = RULES[index];
		totals.duplicates += report.duplicates;
		totals.lost += report.lost;
		print(
			`bench-bursts: rules=${rules.name} limit=${limit} items=${items} burst_ms=${burstMs} period_ms=${periodMs} seconds=${fmt(report.seconds)} ` +
				`ratio_to_ideal=${fmt(report.seconds / ideal)} share_429=${fmt(report.share429, 3)} ${auditPart(report)}`,
		);
	}
}

/**
 * @param {(line: string) => void} print
 * @param {Totals} totals
 */
async function latencyChart(print, totals) {
	/** @type {Record<string, number[]>} */
	const createsPerSecond = Object.fromEntries(RULES.map((rules) => [rules.name, []]));
	let duplicates = 0;
	let lost = 0;
	for (const latencyMs of CHART.latenciesMs) {
		const reports = await runEachRules({
			latencyMs,
			limit: CHART.limit,
			count: CHART.items,
			prefix: `chart-${latencyMs}`,
		});
		for (const [index, report] of reports.entries()) {
			createsPerSecond[RULES[index].name].push(CHART.items / report.seconds);
			duplicates += report.duplicates;
			lost += report.lost;
		}
	}
	totals.duplicates += duplicates;
	totals.lost += lost;
	const svg = lineChartSvg({
		title: `Creates per second against latency (limit ${CHART.limit}/s)`,
		xLabel: `latency per request (ms); ${CHART.items} creates per point, default options`,
		yLabel: 'customers created per second',
		xs: CHART.latenciesMs,
		series: RULES.map((rules) => ({
			name: rules.commit
				? `rules ${rules.name} (${rules.commit.slice(0, 7)})`
				: `rules ${rules.name}`,
			values: createsPerSecond[rules.name],
			color: CHART.colors[/** @type {keyof typeof CHART.colors} */ (rules.name)] ?? '#333',
		})),
		limit: { value: CHART.limit, label: `limit ${CHART.limit}/s` },
	});
	mkdirSync(path.dirname(CHART.file), { recursive: true });
	writeFileSync(CHART.file, svg);
	const perRules = RULES.map(
		(rules) => `${rules.name}=${createsPerSecond[rules.name].map((v) => fmt(v, 1)).join(',')}`,
	).join(' ');
	print(
		`bench-chart: ${path.relative(repoRoot, CHART.file)} limit=${CHART.limit} items=${CHART.items} latency_ms=${CHART.latenciesMs.join(',')} ` +
			`creates_per_s: ${perRules} duplicates=${duplicates} lost=${lost}`,
	);
}

/**
 * Runs the selected parts and prints their lines as they come.
 * @param {{ latency: boolean; bursts: boolean; chart: boolean }} parts
 * @param {(line: string) => void} [print]
 * @returns {Promise<Totals>}
 */
async function compareRules(parts, print = (line) => console.log(line)) {
	/** @type {Totals} */
	const totals = { duplicates: 0, lost: 0 };
	// Built before anything is timed (once per commit).
	for (const rules of RULES) benchSupportOf(rules);
	if (parts.latency) await latencyLines(print, totals);
	if (parts.bursts) await burstLines(print, totals);
	if (parts.chart) await latencyChart(print, totals);
	return totals;
}

module.exports = { compareRules };
