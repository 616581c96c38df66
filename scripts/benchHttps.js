// @ts-check
'use strict';

const { readFileSync } = require('fs');
const https = require('https');
const Stripe = require('stripe');

const {
	audit,
	boundSeconds,
	compareWithRawSdk,
	connectionsLine,
	controlDouble,
	fmt,
	itemsFor,
	KEY,
	latencyLine,
	overheadLine,
	runNode,
	sequentialLatencies,
	settings,
} = require('./benchSupport');

// The HTTPS part of npm run bench. bench.js starts the double with --https and runs this file in a child process
// with NODE_EXTRA_CA_CERTS=<the double's certificate>: n8n's HTTP helper trusts only the default CAs and that file,
// which Node reads when the process starts. Prints its report lines and numbers as one JSON line.

/**
 * @typedef {object} HttpsReport
 * @property {string[]} lines
 * @property {number} ratioToBound
 * @property {number} overheadRatio
 * @property {number} nodeConnectionsPer500
 * @property {number} rawConnectionsPer500
 * @property {number} duplicates
 * @property {number} lost
 */

/**
 * @param {import('./benchSupport').DoubleInfo} info
 * @returns {Promise<HttpsReport>}
 */
async function main(info) {
	const double = controlDouble(info);
	const { n, rate, latencyMs, concurrency } = settings;
	/** @type {string[]} */
	const lines = [];

	// 1. The node at the rate limit, first: the node's limiter for this double's URL starts fresh.
	await double.reset();
	await double.setFaults({ latencyMs, rateLimitPerSecond: rate });
	const items = itemsFor(n, 'https-node');
	const node = await runNode(double.url, items, { concurrency, requestsPerSecond: rate });
	const nodeAudit = await audit(double, items, node.output);
	const bound = boundSeconds(n);
	lines.push(
		`https node:       ${fmt(node.seconds)} s, ${fmt(n / node.seconds, 1)} req/s, bound ${fmt(bound)} s, ratio ${fmt(node.seconds / bound)}, 429s ${nodeAudit.stats.status['429'] ?? 0}, duplicates ${nodeAudit.duplicates}, lost ${nodeAudit.lost}`,
	);

	// 2. Overhead and connections vs the official SDK with a keep-alive agent (reset: L = 0, no rate limit again).
	if (!info.caFile) throw new Error('the HTTPS double gave no certificate file');
	const stripe = new Stripe(KEY, {
		host: '127.0.0.1',
		port: info.port,
		protocol: 'https',
		httpAgent: new https.Agent({ ca: readFileSync(info.caFile), keepAlive: true }),
		telemetry: false,
	});
	const comparison = await compareWithRawSdk(double, stripe, {
		n: settings.httpsOverheadN,
		rounds: settings.rounds,
		concurrency,
		connectionItems: settings.connectionItems,
		tag: 'https',
	});
	lines.push(
		overheadLine('https overhead:  ', settings.httpsOverheadN, settings.rounds, comparison),
	);
	lines.push(connectionsLine('https connections', settings.connectionItems, comparison, true));

	// 3. What a new TLS connection per request costs one request.
	const latencies = await sequentialLatencies(double, stripe, settings.latencyN, 'https');
	lines.push(latencyLine(`https sequential (C=1, L=0, ${settings.latencyN} creates):`, latencies));

	return {
		lines,
		ratioToBound: node.seconds / bound,
		overheadRatio: comparison.rawSeconds / comparison.nodeSeconds,
		nodeConnectionsPer500: comparison.nodeConnections.tcp,
		rawConnectionsPer500: comparison.rawConnections.tcp,
		duplicates: nodeAudit.duplicates + comparison.duplicates + latencies.duplicates,
		lost: nodeAudit.lost + comparison.lost + latencies.lost,
	};
}

main(JSON.parse(process.argv[2])).then(
	(report) => console.log(JSON.stringify(report)),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
