import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { createInterface } from 'readline';
import path from 'path';
import Stripe from 'stripe';

import { runStripeCustomerWorkflow } from '../test/support/workflowRunner';

// npm run bench: the node through n8n's engine against the Stripe test double (in its own process),
// with latency L per request and a rate limit R (429 above it). Prints numbers; asserts nothing.

const KEY = 'sk_test_bench_0123456789';
const N = Number(process.env.BENCH_N ?? 500);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const OVERHEAD_N = Number(process.env.BENCH_OVERHEAD_N ?? 2000);
const FAULT_N = Number(process.env.BENCH_FAULT_N ?? 1000);
const RSS_N = Number(process.env.BENCH_RSS_N ?? 10000);

const doubleCli = path.resolve(__dirname, '../test/stripe-double/cli.js');

interface Double {
	url: string;
	port: number;
	process: ChildProcess;
	state(): Promise<{ customers: Array<{ id: string; params: { email?: string } }>; stats: { status: Record<string, number>; replays: number; dropped: number } }>;
	setFaults(body: object): Promise<void>;
	stop(): void;
}

async function startDouble(args: string[]): Promise<Double> {
	const child = spawn(process.execPath, [doubleCli, '--port', '0', '--key', KEY, '--seed', '1', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const firstLine = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the Stripe double exited with ${code}`)));
	});
	const { url, port } = JSON.parse(firstLine) as { url: string; port: number };
	return {
		url,
		port,
		process: child,
		state: async () => (await fetch(`${url}/_double/state`)).json() as never,
		setFaults: async (body) => {
			await fetch(`${url}/_double/faults`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
		},
		stop: () => child.kill('SIGTERM'),
	};
}

const itemsFor = (count: number, prefix: string) =>
	Array.from({ length: count }, (_, index) => ({ mail: `${prefix}-${index}@example.com`, fullName: `Customer ${index}` }));

async function runNode(double: Double, items: Array<{ mail: string }>, options: Record<string, number>) {
	const started = performance.now();
	const result = await runStripeCustomerWorkflow({
		items,
		node: {
			parameters: { operation: 'create', name: '={{ $json.fullName }}', email: '={{ $json.mail }}', options },
			onError: 'continueRegularOutput',
		},
		credentials: { stripeCustomerApi: { secretKey: KEY, baseUrl: double.url } },
	});
	const seconds = (performance.now() - started) / 1000;
	return { seconds, output: result.output ?? [], error: result.error };
}

/** duplicates: customers beyond one per input email; lost: inputs whose output is not a customer created for that very input. */
async function audit(double: Double, items: Array<{ mail: string }>, output: Array<{ json: Record<string, unknown> }>) {
	const { customers, stats } = await double.state();
	const emailById = new Map(customers.map((customer) => [customer.id, customer.params.email]));
	const lost = items.filter((item, index) => emailById.get(output[index]?.json.customerId as string) !== item.mail).length;
	const distinctEmails = new Set(customers.map((customer) => customer.params.email)).size;
	return { duplicates: customers.length - distinctEmails, lost, stats };
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);

async function measureRss(): Promise<number> {
	const double = await startDouble([]);
	try {
		const child = spawnSync(process.execPath, [__filename, '--rss-child', double.url, String(RSS_N)], { encoding: 'utf8' });
		if (child.status !== 0) throw new Error(`rss child failed: ${child.stderr}`);
		return Number(child.stdout.trim().split('\n').pop());
	} finally {
		double.stop();
	}
}

async function rssChild(url: string, count: number) {
	const double = { url } as Double;
	const { output } = await runNode(double, itemsFor(count, 'rss'), { concurrency: CONCURRENCY, requestsPerSecond: 0 });
	if (output.length !== count || output.some((item) => !item.json.customerId)) throw new Error('rss run lost items');
	console.log(Math.round(process.resourceUsage().maxRSS / 1024));
}

async function main() {
	console.log(`bench: N=${N} L=${LATENCY_MS}ms R=${RATE}/s C=${CONCURRENCY}; overhead N=${OVERHEAD_N}; faults N=${FAULT_N}; rss N=${RSS_N}`);
	const bound = Math.max(N / RATE, (N * LATENCY_MS) / 1000 / CONCURRENCY);

	// 1. The node at the rate limit.
	let double = await startDouble(['--latency', String(LATENCY_MS), '--rate', String(RATE)]);
	const items = itemsFor(N, 'node');
	const node = await runNode(double, items, { concurrency: CONCURRENCY, requestsPerSecond: RATE });
	const nodeAudit = await audit(double, items, node.output);
	double.stop();
	console.log(
		`node:       ${fmt(node.seconds)} s, ${fmt(N / node.seconds, 1)} req/s, bound ${fmt(bound)} s, ratio ${fmt(node.seconds / bound)}, 429s ${nodeAudit.stats.status['429'] ?? 0}, duplicates ${nodeAudit.duplicates}, lost ${nodeAudit.lost}`,
	);

	// 2. The sequential baseline on the same work: one request at a time, as n8n's built-in Stripe node sends them.
	double = await startDouble(['--latency', String(LATENCY_MS), '--rate', String(RATE)]);
	const sequential = await runNode(double, itemsFor(N, 'seq'), { concurrency: 1, requestsPerSecond: RATE });
	double.stop();
	console.log(`sequential: ${fmt(sequential.seconds)} s, ${fmt(N / sequential.seconds, 1)} req/s`);

	// 3. Overhead: a raw SDK loop at the same concurrency vs the node, both with L = 0 and no rate limit.
	double = await startDouble([]);
	const stripe = new Stripe(KEY, { host: '127.0.0.1', port: double.port, protocol: 'http', telemetry: false });
	const rawLoop = async (items: Array<{ mail: string; fullName: string }>) => {
		let next = 0;
		const started = performance.now();
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (next < items.length) {
					const item = items[next++];
					await stripe.customers.create({ name: item.fullName, email: item.mail });
				}
			}),
		);
		return (performance.now() - started) / 1000;
	};
	// Warm both paths (JIT, sockets) before timing either.
	await rawLoop(itemsFor(200, 'warm-raw'));
	await runNode(double, itemsFor(200, 'warm-node'), { concurrency: CONCURRENCY, requestsPerSecond: 0 });
	const rawSeconds = await rawLoop(itemsFor(OVERHEAD_N, 'raw'));
	const overhead = await runNode(double, itemsFor(OVERHEAD_N, 'ovh'), { concurrency: CONCURRENCY, requestsPerSecond: 0 });
	double.stop();
	const overheadRatio = rawSeconds / overhead.seconds;
	console.log(
		`overhead:   raw SDK ${fmt(OVERHEAD_N / rawSeconds, 0)} req/s, node ${fmt(OVERHEAD_N / overhead.seconds, 0)} req/s, ratio ${fmt(overheadRatio)}`,
	);

	// 4. Faults: 10% 500s, 5% connections dropped after the customer was created, bursts of 429.
	double = await startDouble([]);
	await double.setFaults({ faults: { error500Rate: 0.1, dropAfterCreateRate: 0.05, rateLimitBurstEvery: 100, rateLimitBurstLength: 5 } });
	const faultItems = itemsFor(FAULT_N, 'fault');
	const faults = await runNode(double, faultItems, { concurrency: CONCURRENCY, requestsPerSecond: 0, maxRetries: 8 });
	const faultAudit = await audit(double, faultItems, faults.output);
	double.stop();
	const statuses = faultAudit.stats.status;
	console.log(
		`faults:     ${fmt(faults.seconds)} s, 500s ${statuses['500'] ?? 0}, 429s ${statuses['429'] ?? 0}, dropped ${faultAudit.stats.dropped}, replays ${faultAudit.stats.replays}, duplicates ${faultAudit.duplicates}, lost ${faultAudit.lost}`,
	);

	// 5. Memory: peak RSS of a process that runs the node over RSS_N items.
	const rssMb = await measureRss();
	console.log(`memory:     peak RSS ${rssMb} MB for ${RSS_N} items`);

	const duplicates = nodeAudit.duplicates + faultAudit.duplicates;
	const lost = nodeAudit.lost + faultAudit.lost;
	console.log(
		`bench: ratio_to_bound=${fmt(node.seconds / bound)} speedup_vs_sequential=${fmt(sequential.seconds / node.seconds)} overhead_ratio=${fmt(overheadRatio)} duplicates=${duplicates} lost=${lost} rss_mb_10k=${rssMb}`,
	);
}

if (process.argv[2] === '--rss-child') {
	rssChild(process.argv[3], Number(process.argv[4])).catch((error) => {
		console.error(error);
		process.exit(1);
	});
} else {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
