import { OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { spawn, type ChildProcess } from 'child_process';
import diagnosticsChannel from 'diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'http';
import path from 'path';
import { createInterface } from 'readline';
import type Stripe from 'stripe';

import { runStripeCustomerWorkflow } from '../test/support/workflowRunner';

// What the benchmark's parent process (plain HTTP) and its HTTPS child share: the Stripe double in its own
// process, the node run through n8n's engine, the raw SDK loop, the audit and the comparisons.

export const KEY = 'sk_test_bench_0123456789';

/** The knobs (environment variables), the same in the parent and the HTTPS child. */
export const settings = {
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

/** The lower bound of a run of `count` creates: the rate limit, or the latency shared by `concurrency` workers. */
export const boundSeconds = (count: number) => Math.max(count / settings.rate, (count * settings.latencyMs) / 1000 / settings.concurrency);
const doubleCli = path.resolve(__dirname, '../test/stripe-double/cli.js');

export interface DoubleInfo {
	url: string;
	port: number;
	/** Where /_double/* answers over plain HTTP (the API port itself for an HTTP double). */
	controlUrl: string;
	/** HTTPS only: the self-signed certificate to trust. */
	caFile?: string;
}

interface DoubleStats {
	status: Record<string, number>;
	replays: number;
	dropped: number;
	connections: number;
	tlsHandshakes: number;
	tlsResumed: number;
}

export interface Double extends DoubleInfo {
	state(): Promise<{ customers: Array<{ id: string; params: { email?: string } }>; stats: DoubleStats }>;
	setFaults(body: object): Promise<void>;
	/** Forgets customers, requests, stats and idempotency keys; restores latency and rate limit to the start options. */
	reset(): Promise<void>;
	stop(): void;
}

const children = new Set<ChildProcess>();
// A failed or interrupted run must not leave a double (or the HTTPS child) behind.
process.once('exit', () => {
	for (const child of children) child.kill('SIGTERM');
});
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

/** Stops `child` when this process ends, however it ends. */
export function stopOnExit<T extends ChildProcess>(child: T): T {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/** A double started elsewhere (the HTTPS child gets the parent's), driven through its control URL. */
export function controlDouble(info: DoubleInfo, stop: () => void = () => {}): Double {
	const post = async (endpoint: string, body: object) => {
		const response = await fetch(`${info.controlUrl}/_double/${endpoint}`, {
			method: 'POST',
			body: JSON.stringify(body),
			headers: { 'content-type': 'application/json' },
		});
		if (!response.ok) throw new Error(`the double's /_double/${endpoint} answered ${response.status}`);
	};
	return {
		...info,
		state: async () => (await fetch(`${info.controlUrl}/_double/state`)).json() as never,
		setFaults: async (body) => await post('faults', body),
		reset: async () => await post('reset', {}),
		stop,
	};
}

export async function startDouble(args: string[]): Promise<Double> {
	const child = spawn(process.execPath, [doubleCli, '--port', '0', '--key', KEY, '--seed', '1', ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	stopOnExit(child);
	const firstLine = await new Promise<string>((resolve, reject) => {
		createInterface({ input: child.stdout! }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the Stripe double exited with ${code}`)));
	});
	const info = JSON.parse(firstLine) as Omit<DoubleInfo, 'controlUrl'> & { controlUrl?: string };
	return controlDouble({ ...info, controlUrl: info.controlUrl ?? info.url }, () => child.kill('SIGTERM'));
}

export type Item = { mail: string; fullName: string };

export const itemsFor = (count: number, prefix: string): Item[] =>
	Array.from({ length: count }, (_, index) => ({ mail: `${prefix}-${index}@example.com`, fullName: `Customer ${index}` }));

export async function runNode(baseUrl: string, items: Item[], options: Record<string, number | boolean>) {
	const started = performance.now();
	const result = await runStripeCustomerWorkflow({
		items,
		node: {
			parameters: { operation: 'create', name: '={{ $json.fullName }}', email: '={{ $json.mail }}', options },
			onError: 'continueRegularOutput',
		},
		credentials: { stripeCustomerApi: { secretKey: KEY, baseUrl } },
	});
	const seconds = (performance.now() - started) / 1000;
	return { seconds, output: result.output ?? [], error: result.error };
}

/** `concurrency` workers creating one customer per item with the official SDK: the reference client. */
export async function rawLoop(stripe: Stripe, items: Item[], concurrency: number): Promise<number> {
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
 */
export async function helperLoop(baseUrl: string, items: Item[], concurrency: number): Promise<number> {
	const http = Container.get(OutboundHttp).requests();
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < items.length) {
				const item = items[next++];
				const response = (await http.request({
					method: 'POST',
					url: `${baseUrl}/v1/customers`,
					headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({ name: item.fullName, email: item.mail }).toString(),
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as { statusCode: number };
				if (response.statusCode !== 200) throw new Error(`the helper loop got HTTP ${response.statusCode}`);
			}
		}),
	);
	return (performance.now() - started) / 1000;
}

export interface Audit {
	duplicates: number;
	lost: number;
	stats: DoubleStats;
}

/** duplicates: customers beyond one per input email; lost: inputs whose output is not a customer created for that very input. */
export async function audit(double: Double, items: Item[], output: Array<{ json: Record<string, unknown> }>): Promise<Audit> {
	const { customers, stats } = await double.state();
	const emailById = new Map(customers.map((customer) => [customer.id, customer.params.email]));
	const lost = items.filter((item, index) => emailById.get(output[index]?.json.customerId as string) !== item.mail).length;
	const distinctEmails = new Set(customers.map((customer) => customer.params.email)).size;
	return { duplicates: customers.length - distinctEmails, lost, stats };
}

export const fmt = (value: number, digits = 2) => value.toFixed(digits);

/** Client CPU (user + system) of this process while `run` runs, in ms. */
async function withCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
	const before = process.cpuUsage();
	const result = await run();
	const used = process.cpuUsage(before);
	return { result, cpuMs: (used.user + used.system) / 1000 };
}

export interface OverheadComparison {
	rawSeconds: number;
	helperSeconds: number;
	nodeSeconds: number;
	rawCpuMsPerRequest: number;
	nodeCpuMsPerRequest: number;
	/** TCP connections and full TLS handshakes the double saw for `connectionItems` creates by a fresh client. */
	nodeConnections: { tcp: number; tls: number; resumed: number };
	rawConnections: { tcp: number; tls: number; resumed: number };
	duplicates: number;
	lost: number;
}

/**
 * The node vs the raw SDK at the same concurrency, L = 0, no rate limit. First a counted run of `connectionItems`
 * creates by each (a fresh SDK client: its connections are opened in it), which also warms both paths; then
 * `rounds` rounds of timed runs of `n` creates each (raw SDK, n8n's HTTP helper alone, node), the best of each kept
 * (on a shared machine the best run is the one least disturbed by other processes).
 */
export async function compareWithRawSdk(
	double: Double,
	stripe: Stripe,
	plan: { n: number; rounds: number; concurrency: number; connectionItems: number; tag: string },
): Promise<OverheadComparison> {
	const { n, rounds, concurrency, connectionItems, tag } = plan;
	const nodeOptions = { concurrency, requestsPerSecond: 0 };
	let duplicates = 0;
	let lost = 0;
	const connectionsOf = ({ stats }: { stats: DoubleStats }) => ({ tcp: stats.connections, tls: stats.tlsHandshakes, resumed: stats.tlsResumed });

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
		const raw = await withCpu(() => rawLoop(stripe, itemsFor(n, `${tag}-raw-${round}`), concurrency));
		rawSeconds = Math.min(rawSeconds, raw.result);
		rawCpuMs = Math.min(rawCpuMs, raw.cpuMs);

		await double.reset();
		helperSeconds = Math.min(helperSeconds, await helperLoop(double.url, itemsFor(n, `${tag}-helper-${round}`), concurrency));

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
 */
async function httpRequestDurations(run: () => Promise<unknown>): Promise<number[]> {
	const startedAt = new WeakMap<ClientRequest, number>();
	const durations: number[] = [];
	const onStart = (message: unknown) => startedAt.set((message as { request: ClientRequest }).request, performance.now());
	const onResponse = (message: unknown) => {
		const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
		const started = startedAt.get(request);
		if (started !== undefined) response.once('end', () => durations.push(performance.now() - started));
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

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? NaN;

export interface LatencySummary {
	p50: number;
	p95: number;
	/** Wall time of the whole run per create: the request plus everything the client does around it. */
	perItem: number;
}

function summarize(durations: number[], seconds: number, count: number): LatencySummary {
	return { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95), perItem: (seconds * 1000) / count };
}

/** Sequential single creates (concurrency 1, L = 0): the per-request cost of each client's connection handling. */
export async function sequentialLatencies(double: Double, stripe: Stripe, count: number, tag: string) {
	await double.reset();
	let rawSeconds = 0;
	const rawDurations = await httpRequestDurations(async () => {
		rawSeconds = await rawLoop(stripe, itemsFor(count, `${tag}-lat-raw`), 1);
	});
	await double.reset();
	const items = itemsFor(count, `${tag}-lat-node`);
	let node: Awaited<ReturnType<typeof runNode>> | undefined;
	const nodeDurations = await httpRequestDurations(async () => {
		node = await runNode(double.url, items, { concurrency: 1, requestsPerSecond: 0 });
	});
	const nodeAudit = await audit(double, items, node!.output);
	return {
		raw: summarize(rawDurations, rawSeconds, count),
		node: summarize(nodeDurations, node!.seconds, count),
		duplicates: nodeAudit.duplicates,
		lost: nodeAudit.lost,
	};
}

export function latencyLine(label: string, latencies: { raw: LatencySummary; node: LatencySummary }): string {
	const part = (name: string, summary: LatencySummary) =>
		`${name} p50 ${fmt(summary.p50)} ms p95 ${fmt(summary.p95)} ms (${fmt(summary.perItem)} ms per create)`;
	return `${label} ${part('node', latencies.node)}, ${part('raw SDK', latencies.raw)}`;
}

export function overheadLine(label: string, n: number, rounds: number, comparison: OverheadComparison): string {
	const { rawSeconds, helperSeconds, nodeSeconds, rawCpuMsPerRequest, nodeCpuMsPerRequest } = comparison;
	return (
		`${label} raw SDK ${fmt(n / rawSeconds, 0)} req/s, node ${fmt(n / nodeSeconds, 0)} req/s, ratio ${fmt(rawSeconds / nodeSeconds)};` +
		` n8n's HTTP helper alone ${fmt(n / helperSeconds, 0)} req/s, ratio ${fmt(rawSeconds / helperSeconds)};` +
		` client CPU per request: raw SDK ${fmt(rawCpuMsPerRequest)} ms, node ${fmt(nodeCpuMsPerRequest)} ms;` +
		` best of ${rounds}; node runs: duplicates ${comparison.duplicates}, lost ${comparison.lost}`
	);
}

export function connectionsLine(label: string, items: number, comparison: OverheadComparison, tls: boolean): string {
	const part = (name: string, c: OverheadComparison['nodeConnections']) =>
		`${name} ${c.tcp} TCP connections` + (tls ? `, ${c.tls} full TLS handshakes, ${c.resumed} resumed` : '');
	return `${label} for ${items} creates: ${part('node', comparison.nodeConnections)}; ${part('raw SDK', comparison.rawConnections)}`;
}
