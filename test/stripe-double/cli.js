#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Start the Stripe double standalone:
 *   node test/stripe-double/cli.js [--port 12111] [--key sk_test_...]... [--latency 50] [--rate 100] [--seed 1]
 *     [--https] [--retry-after SECONDS] [--search-lag MS] [--concurrency-limit N] [--local-webhooks]
 * Prints one JSON line {"url":"http://127.0.0.1:PORT","port":PORT} (with --https also "caFile" and "controlUrl")
 * and runs until SIGINT/SIGTERM.
 */

const { startStripeDouble } = require('./index');

const USAGE =
	'usage: node test/stripe-double/cli.js [--port N] [--key sk_test_...]... [--latency MS] [--rate PER_SECOND] [--seed N]\n' +
	'       [--https] [--retry-after SECONDS] [--search-lag MS (default 1000)] [--concurrency-limit N]\n' +
	'       [--local-webhooks (accept webhook endpoint URLs on loopback and private networks)]';

/** @param {string[]} argv */
function parseArgs(argv) {
	/** @type {import('./index').StartStripeDoubleOptions & { secretKeys: string[] }} */
	const opts = { secretKeys: [] };
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		/** @type {string | undefined} */
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq !== -1) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const next = () => {
			if (value !== undefined) return value;
			const v = argv[++i];
			if (v === undefined) throw new Error(`${arg} needs a value`);
			return v;
		};
		/** @param {string} v */
		const num = (v) => {
			const n = Number(v);
			if (!Number.isFinite(n) || n < 0) throw new Error(`${arg}: not a number >= 0: ${v}`);
			return n;
		};
		switch (arg) {
			case '--port':
				opts.port = num(next());
				break;
			case '--key':
				opts.secretKeys.push(next());
				break;
			case '--latency':
				opts.latencyMs = num(next());
				break;
			case '--rate':
				opts.rateLimitPerSecond = num(next());
				break;
			case '--seed':
				opts.seed = num(next());
				break;
			case '--https':
				opts.https = true;
				break;
			case '--retry-after':
				opts.retryAfterSeconds = num(next());
				break;
			case '--search-lag':
				opts.searchLagMs = num(next());
				break;
			case '--concurrency-limit':
				opts.concurrencyLimit = num(next());
				break;
			case '--local-webhooks':
				opts.localWebhookUrls = true;
				break;
			case '-h':
			case '--help':
				process.stdout.write(USAGE + '\n');
				process.exit(0);
				break;
			default:
				throw new Error(`unknown argument ${arg}`);
		}
	}
	return opts;
}

async function main() {
	let opts;
	try {
		opts = parseArgs(process.argv.slice(2));
	} catch (err) {
		process.stderr.write(`${err instanceof Error ? err.message : err}\n${USAGE}\n`);
		process.exit(2);
	}
	const double = await startStripeDouble(opts);
	const info = double.caFile
		? { url: double.url, port: double.port, caFile: double.caFile, controlUrl: double.controlUrl }
		: { url: double.url, port: double.port };
	process.stdout.write(JSON.stringify(info) + '\n');
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		double.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((err) => {
	process.stderr.write(`stripe double failed to start: ${err && err.stack ? err.stack : err}\n`);
	process.exit(1);
});
