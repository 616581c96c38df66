#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Checks and benchmark against n8n in queue mode (one main, workers, Redis, PostgreSQL), all started by
 * scripts/n8n/test-queue.sh. Executions start the way users start them in queue mode: HTTP POSTs to an active
 * workflow's production webhook (Webhook → Split Orders (Code) → Create Customer → Pair Output (Set), answering
 * with every output item once the last node finishes). The Stripe test double holds one token bucket for all
 * requests: the account-wide limit every worker shares.
 *
 *   --prepare <dir>   write credentials.json and workflows.json for the import (env STRIPE_DOUBLE_KEY, DOUBLE_URL)
 *   --wait-webhooks   wait until the main has registered every workflow's webhook
 *   (no flag)         the checks; last line "N passed, N failed", exit code 1 on any failure
 *   --bench           the 4 × 250 run with adaptiveRateLimit on, then off; one line each
 *   --hold            keep the cluster up until Ctrl-C (prints the URLs)
 *
 * Env (set by test-queue.sh): QUEUE_HOME, MAIN_URL, DOUBLE_URL, STRIPE_DOUBLE_KEY, PG_PORT, N8N_HOME_DIR,
 * QUEUE_LIB, QUEUE_WORKERS, QUEUE_RATE; QUEUE_VERBOSE=1 prints more.
 */

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const args = process.argv.slice(2);
const VERBOSE = process.env.QUEUE_VERBOSE === '1';

const CREDENTIAL = { id: 'queueStripeCustCred', name: 'Stripe Customer API (queue double)' };
const NODE_NAME = 'Create Customer';
const ORDER_KEY = '={{ "order-" + $json.orderId }}';

// One workflow per case, all from test/queue/workflow.json, each with its own webhook path.
const WORKFLOWS = {
	userKey: {
		id: 'queueUserKey',
		path: 'queue-user-key',
		name: 'Queue: orders → customers (key: order ID)',
		options: { idempotency: 'custom', idempotencyKey: ORDER_KEY, requestsPerSecond: 25 },
	},
	defaultKey: {
		id: 'queueDefaultKey',
		path: 'queue-default-key',
		name: 'Queue: orders → customers (default key)',
		options: { requestsPerSecond: 25 },
	},
	perExecutionKey: {
		id: 'queuePerExecutionKey',
		path: 'queue-per-execution-key',
		name: 'Queue: orders → customers (key per execution)',
		options: { idempotency: 'perExecution', requestsPerSecond: 25 },
	},
	upsert: {
		id: 'queueUpsertByEmail',
		path: 'queue-upsert-by-email',
		name: 'Queue: create or update customers by email',
		parameters: { operation: 'upsert' },
		options: { requestsPerSecond: 25 },
	},
	benchOn: {
		id: 'queueBenchAdaptiveOn',
		path: 'queue-bench-adaptive-on',
		name: 'Queue bench: adaptive on',
		options: {
			idempotency: 'custom',
			idempotencyKey: ORDER_KEY,
			requestsPerSecond: 25,
			adaptiveRateLimit: true,
		},
	},
	benchOff: {
		id: 'queueBenchAdaptiveOff',
		path: 'queue-bench-adaptive-off',
		name: 'Queue bench: adaptive off',
		options: {
			idempotency: 'custom',
			idempotencyKey: ORDER_KEY,
			requestsPerSecond: 25,
			adaptiveRateLimit: false,
		},
	},
};

/** @param {string} name */
function mustEnv(name) {
	const v = process.env[name];
	if (!v) {
		console.error(
			`run-queue.js: env ${name} is required (run it through scripts/n8n/test-queue.sh)`,
		);
		process.exit(2);
	}
	return v;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const round = (/** @type {number} */ x, digits = 2) => Number(x.toFixed(digits));

// ---------------------------------------------------------------- results

/** @type {{name: string, ok: boolean}[]} */
const results = [];
/** @param {string} title */
function heading(title) {
	console.log(`\n== ${title}`);
}
/**
 * @param {string} name
 * @param {boolean} ok
 * @param {unknown} [detail] shown on failure
 */
function check(name, ok, detail) {
	results.push({ name, ok });
	const d =
		ok || detail === undefined
			? ''
			: `\n      ${(typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 1500)}`;
	console.log(`check ${name} … ${ok ? 'ok' : 'FAIL'}${d}`);
}
/** @param {string} line */
function report(line) {
	console.log(`  ${line}`);
}

// ---------------------------------------------------------------- --prepare

/** @param {string} dir */
function prepare(dir) {
	const key = mustEnv('STRIPE_DOUBLE_KEY');
	const doubleUrl = mustEnv('DOUBLE_URL');
	fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
	const credentials = [
		{
			...CREDENTIAL,
			type: 'stripeCustomerApi',
			data: { secretKey: key, stripeAccount: '', baseUrl: doubleUrl },
		},
	];
	fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(credentials), {
		mode: 0o600,
	});
	const template = JSON.parse(fs.readFileSync(path.join(__dirname, 'workflow.json'), 'utf8'));
	const workflows = Object.values(WORKFLOWS).map((wf) => {
		const copy = structuredClone(template);
		copy.id = wf.id;
		copy.name = wf.name;
		for (const node of copy.nodes) {
			if (node.type === 'n8n-nodes-base.webhook') {
				node.parameters.path = wf.path;
				node.webhookId = `${wf.id}-webhook`;
			}
			if (node.name === NODE_NAME) {
				Object.assign(node.parameters, /** @type {{parameters?: object}} */ (wf).parameters ?? {});
				node.parameters.options = wf.options;
				node.credentials.stripeCustomerApi = CREDENTIAL;
			}
		}
		return copy;
	});
	fs.writeFileSync(path.join(dir, 'workflows.json'), JSON.stringify(workflows, null, 2));
}

// ---------------------------------------------------------------- PostgreSQL (n8n's own `pg` and `flatted`)

/**
 * @param {string} sql
 * @param {unknown[]} [params]
 * @returns {Promise<any[]>}
 */
async function query(sql, params = []) {
	const { Client } = require(path.join(mustEnv('N8N_HOME_DIR'), 'node_modules', 'pg'));
	const client = new Client({
		host: '127.0.0.1',
		port: Number(mustEnv('PG_PORT')),
		user: 'n8n',
		database: 'n8n',
	});
	await client.connect();
	try {
		return (await client.query(sql, params)).rows;
	} finally {
		await client.end();
	}
}

/**
 * Executions of a workflow created since a time, oldest first.
 * @param {string} workflowId
 * @param {number} sinceMs
 * @returns {Promise<{id: string, status: string, mode: string, finished: boolean, startedAt: Date | null, stoppedAt: Date | null}[]>}
 */
async function executionsSince(workflowId, sinceMs) {
	return query(
		`SELECT id::text AS id, status, mode, finished, "startedAt", "stoppedAt" FROM execution_entity
      WHERE "workflowId" = $1 AND "createdAt" >= $2 ORDER BY id::int`,
		[workflowId, new Date(sinceMs - 1000)],
	);
}

/** The error n8n stored with an execution (its run data is kept with `flatted`). @param {string} id */
async function storedError(id) {
	const rows = await query('SELECT data FROM execution_data WHERE "executionId" = $1', [
		Number(id),
	]);
	if (!rows[0]) return undefined;
	const { parse } = require(path.join(mustEnv('N8N_HOME_DIR'), 'node_modules', 'flatted'));
	const data = parse(rows[0].data);
	const error = data?.resultData?.error;
	return error ? `${error.name ?? ''}: ${error.message ?? ''}`.trim() : undefined;
}

async function waitForWebhooks() {
	const wanted = Object.values(WORKFLOWS).map((w) => w.path);
	const deadline = Date.now() + 90_000;
	/** @type {string[]} */
	let registered = [];
	while (Date.now() < deadline) {
		registered = (await query('SELECT "webhookPath" AS p FROM webhook_entity')).map((r) => r.p);
		if (wanted.every((p) => registered.includes(p))) return;
		await sleep(500);
	}
	throw new Error(
		`webhooks not registered after 90 s: have ${JSON.stringify(registered)}, want ${JSON.stringify(wanted)}`,
	);
}

// ---------------------------------------------------------------- the Stripe double

/** @param {string} p @param {unknown} [body] */
async function doubleControl(p, body) {
	const res = await fetch(
		mustEnv('DOUBLE_URL') + p,
		body === undefined
			? {}
			: {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				},
	);
	if (!res.ok) throw new Error(`double ${p}: HTTP ${res.status}`);
	return /** @type {any} */ (await res.json());
}

/**
 * @typedef {{ customers: {id: string, params: Record<string, any>}[],
 *             requests: {method: string, path: string, params: Record<string, any>, status: number, replayed: boolean, idempotencyKey: string | null, at: number}[] }} DoubleState
 */
/** @returns {Promise<DoubleState>} */
async function doubleState() {
	return doubleControl('/_double/state');
}

// ---------------------------------------------------------------- orders and webhook calls

/** @typedef {{orderId: string, name: string, email: string}} Order */

/** @param {string} prefix @param {number} count @returns {Order[]} */
function makeOrders(prefix, count) {
	return Array.from({ length: count }, (_, i) => {
		const n = String(i + 1).padStart(4, '0');
		return {
			orderId: `${prefix}-${n}`,
			name: `Customer ${prefix}-${n}`,
			email: `${prefix.toLowerCase()}-${n}@queue.example.com`,
		};
	});
}

/** @template T @param {T[]} list @param {number} parts @returns {T[][]} */
function split(list, parts) {
	const size = Math.ceil(list.length / parts);
	return Array.from({ length: parts }, (_, i) => list.slice(i * size, (i + 1) * size));
}

/**
 * @typedef {{ orders: Order[], status: number, body: any, text: string, startedAt: number, endedAt: number }} Call
 */
/** @param {string} webhookPath @param {Order[]} orders @returns {Promise<Call>} */
async function callWebhook(webhookPath, orders) {
	const startedAt = Date.now();
	try {
		const res = await fetch(`${mustEnv('MAIN_URL')}/webhook/${webhookPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ orders }),
			signal: AbortSignal.timeout(300_000),
		});
		const text = await res.text();
		let body;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return { orders, status: res.status, body, text, startedAt, endedAt: Date.now() };
	} catch (err) {
		return {
			orders,
			status: 0,
			body: undefined,
			text: String(err),
			startedAt,
			endedAt: Date.now(),
		};
	}
}

// ---------------------------------------------------------------- what n8n's logs say about workers

/**
 * "Worker started/finished execution N (job M)" lines from every worker's log (JSON lines; a restarted
 * worker appends to the same file).
 * @returns {{worker: string, event: 'started' | 'finished', executionId: string, at: number}[]}
 */
function workerEvents() {
	const logs = path.join(mustEnv('QUEUE_HOME'), 'logs');
	const events = [];
	for (const file of fs.readdirSync(logs).filter((f) => /^worker-\d+\.log$/.test(f))) {
		const worker = file.replace(/\.log$/, '');
		for (const line of fs.readFileSync(path.join(logs, file), 'utf8').split('\n')) {
			if (!line.startsWith('{')) continue;
			let entry;
			try {
				entry = JSON.parse(line);
			} catch {
				continue;
			}
			const m = /^Worker (started|finished) execution (\d+) /.exec(entry.message ?? '');
			if (!m) continue;
			events.push({
				worker,
				event: /** @type {'started' | 'finished'} */ (m[1]),
				executionId: m[2],
				at: Date.parse(entry.metadata?.timestamp),
			});
		}
	}
	return events;
}

/**
 * Per execution: which worker ran it, from when to when (finished = undefined if it never finished).
 * @param {string[]} executionIds
 */
function executionsByWorker(executionIds) {
	/** @type {Map<string, {worker: string, started: number, finished?: number}[]>} */
	const runs = new Map(executionIds.map((id) => [id, []]));
	for (const e of workerEvents()) {
		const list = runs.get(e.executionId);
		if (!list) continue;
		if (e.event === 'started') list.push({ worker: e.worker, started: e.at });
		else {
			const open = list.find((r) => r.worker === e.worker && r.finished === undefined);
			if (open) open.finished = e.at;
		}
	}
	return runs;
}

// ---------------------------------------------------------------- worker processes

/** @param {number} n */
function workerPid(n) {
	return Number(
		fs.readFileSync(path.join(mustEnv('QUEUE_HOME'), 'pids', `worker-${n}.pid`), 'utf8').trim(),
	);
}

/** Starts worker n again (same user folder and ports) through queue-lib.sh; resolves once it is ready. @param {number} n */
function restartWorker(n) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			'bash',
			[mustEnv('QUEUE_LIB'), 'start-worker', mustEnv('QUEUE_HOME'), String(n)],
			{ stdio: ['ignore', 'inherit', 'inherit'] },
		);
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolve(undefined)
				: reject(new Error(`restarting worker-${n} failed (exit ${code})`)),
		);
	});
}

// ---------------------------------------------------------------- analysis

/**
 * What the double holds for a set of orders, and how the webhook answers pair with it.
 * @param {Order[]} orders
 * @param {DoubleState} state
 */
function tally(orders, state) {
	const expected = new Set(orders.map((o) => o.email));
	/** @type {Map<string, string[]>} */
	const idsByEmail = new Map();
	/** @type {Map<string, string>} */
	const emailById = new Map();
	for (const c of state.customers) {
		const email = c.params?.email;
		emailById.set(c.id, email);
		if (!idsByEmail.has(email)) idsByEmail.set(email, []);
		/** @type {string[]} */ (idsByEmail.get(email)).push(c.id);
	}
	let duplicates = 0;
	let lost = 0;
	for (const email of expected) {
		const n = idsByEmail.get(email)?.length ?? 0;
		if (n === 0) lost++;
		else duplicates += n - 1;
	}
	const unexpected = state.customers.filter((c) => !expected.has(c.params?.email)).length;
	const creates = state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
	const rateLimited = creates.filter((r) => r.status === 429).length;
	const all429 = state.requests.filter((r) => r.status === 429).length;
	const replays = creates.filter((r) => r.replayed).length;
	return {
		customers: state.customers.length,
		duplicates,
		lost,
		unexpected,
		createRequests: creates.length,
		rateLimited,
		all429,
		share429: creates.length ? rateLimited / creates.length : 0,
		replays,
		emailById,
		idsByEmail,
	};
}

/**
 * Problems with one webhook answer: every input order answered, in order, with the customer made for its email.
 * @param {Call} call
 * @param {Map<string, string>} emailById
 * @returns {string[]}
 */
function pairingProblems(call, emailById) {
	if (call.status !== 200) return [`HTTP ${call.status}: ${call.text.slice(0, 300)}`];
	if (!Array.isArray(call.body)) return [`answer is not a list: ${call.text.slice(0, 300)}`];
	if (call.body.length !== call.orders.length)
		return [`${call.body.length} items answered for ${call.orders.length} orders`];
	/** @type {string[]} */
	const problems = [];
	call.orders.forEach((order, i) => {
		const item = call.body[i] ?? {};
		if (item.orderId !== order.orderId || item.email !== order.email) {
			problems.push(
				`item ${i}: order ${item.orderId}/${item.email}, expected ${order.orderId}/${order.email}`,
			);
		} else if (!/^cus_/.test(String(item.customerId))) {
			problems.push(`item ${i}: customerId ${JSON.stringify(item.customerId)}`);
		} else if (emailById.get(item.customerId) !== order.email) {
			problems.push(
				`item ${i}: ${item.customerId} is the customer of ${emailById.get(item.customerId) ?? 'nobody'}, not ${order.email}`,
			);
		}
	});
	return problems;
}

/** @param {number} a0 @param {number} a1 @param {number} b0 @param {number} b1 */
const overlaps = (a0, a1, b0, b1) => a0 < b1 && b0 < a1;

// ---------------------------------------------------------------- scenarios

const RATE = Number(process.env.QUEUE_RATE || 25);
const WORKERS = Number(process.env.QUEUE_WORKERS || 2);

/**
 * N executions at once (one webhook call each), both workers taking some.
 * @param {keyof typeof WORKFLOWS} workflow
 * @param {string} prefix
 * @param {number} calls
 * @param {number} itemsPerCall
 */
async function concurrentRun(workflow, prefix, calls, itemsPerCall) {
	await doubleControl('/_double/reset', {});
	const orders = makeOrders(prefix, calls * itemsPerCall);
	const t0 = Date.now();
	const answers = await Promise.all(
		split(orders, calls).map((part) => callWebhook(WORKFLOWS[workflow].path, part)),
	);
	const wallMs = Math.max(...answers.map((a) => a.endedAt)) - t0;
	const state = await doubleState();
	const counts = tally(orders, state);
	const executions = await executionsSince(WORKFLOWS[workflow].id, t0);
	return { orders, answers, wallMs, counts, executions, t0 };
}

async function scenarioConcurrent() {
	const calls = 4;
	const items = 250;
	heading(
		`${calls} webhook calls × ${items} items at once, ${WORKERS} workers, account limit ${RATE}/s (key: order ID)`,
	);
	const run = await concurrentRun('userKey', 'A', calls, items);
	const { counts } = run;
	check(
		`${calls} webhook calls answered HTTP 200`,
		run.answers.every((a) => a.status === 200),
		run.answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`),
	);
	const problems = run.answers.flatMap((a, i) =>
		pairingProblems(a, counts.emailById).map((p) => `call ${i}: ${p}`),
	);
	check(
		`every answer pairs each order with the customer created for its email (${calls * items} items)`,
		problems.length === 0,
		problems.slice(0, 10),
	);
	check(
		`${calls * items} customers in Stripe, 0 duplicates, 0 lost`,
		counts.customers === calls * items &&
			counts.duplicates === 0 &&
			counts.lost === 0 &&
			counts.unexpected === 0,
		{
			customers: counts.customers,
			duplicates: counts.duplicates,
			lost: counts.lost,
			unexpected: counts.unexpected,
		},
	);
	const ids = run.executions.map((e) => e.id);
	check(
		`n8n stored ${calls} executions, all status success`,
		ids.length === calls && run.executions.every((e) => e.status === 'success'),
		run.executions.map((e) => `${e.id}:${e.status}`),
	);
	const byExecution = executionsByWorker(ids);
	/** @type {Record<string, string[]>} */
	const perWorker = {};
	for (const [id, runs] of byExecution) for (const r of runs) (perWorker[r.worker] ??= []).push(id);
	report(
		`executions per worker (from "Worker started execution" in each worker's log): ${JSON.stringify(perWorker)}`,
	);
	check(
		`all ${WORKERS} workers ran some of the executions`,
		Object.keys(perWorker).length === WORKERS &&
			[...byExecution.values()].every((r) => r.length === 1),
		{ perWorker, byExecution: [...byExecution] },
	);
	const spans = [...byExecution.values()].flat().filter((r) => r.finished !== undefined);
	const busyTogether = spans.some((a) =>
		spans.some(
			(b) =>
				a.worker !== b.worker &&
				overlaps(
					a.started,
					/** @type {number} */ (a.finished),
					b.started,
					/** @type {number} */ (b.finished),
				),
		),
	);
	check(
		'the workers ran executions at the same time (overlapping started…finished in their logs)',
		busyTogether,
		spans,
	);
	const boundS = (calls * items) / RATE;
	report(
		`429 answers: ${counts.rateLimited} of ${counts.createRequests} create requests (share ${(counts.share429 * 100).toFixed(1)} %; all requests: ${counts.all429} × 429)`,
	);
	report(
		`wall time ${(run.wallMs / 1000).toFixed(1)} s for ${calls * items} customers; bound ${calls * items} / ${RATE} per s = ${boundS.toFixed(0)} s; ratio ${(run.wallMs / 1000 / boundS).toFixed(2)}`,
	);
	return run;
}

/** @param {DoubleState} state */
const createRequests = (state) =>
	state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');

/**
 * A worker is SIGKILLed (with its task runner: its whole process group, as when its container dies) while it
 * runs executions; then the user sends the failed webhook calls again, unchanged (new executions).
 * restart 'at-kill': the worker is started again right away, as a supervisor (Docker, Kubernetes) would;
 * 'after-answers': it stays down until the failed calls have been answered.
 * @param {keyof typeof WORKFLOWS} workflow
 * @param {string} prefix
 * @param {string} keyLabel
 * @param {'at-kill' | 'after-answers'} restart
 */
async function scenarioKilledWorker(workflow, prefix, keyLabel, restart) {
	const calls = 4;
	const items = 150;
	const victim = WORKERS; // the last worker
	const victimName = `worker-${victim}`;
	heading(
		`${victimName} killed (SIGKILL) in the middle of ${calls} × ${items} items, restarted ${restart === 'at-kill' ? 'at once' : 'after the calls were answered'}; ` +
			`the failed calls sent again (idempotency: ${keyLabel})`,
	);
	await doubleControl('/_double/reset', {});
	const orders = makeOrders(prefix, calls * items);
	const t0 = Date.now();
	const pending = split(orders, calls).map((part) => callWebhook(WORKFLOWS[workflow].path, part));

	// Kill once the victim runs executions of this run and a third of the customers exist.
	let killedAt = 0;
	/** @type {string[]} */
	let killedIds = [];
	const deadline = Date.now() + 120_000;
	while (Date.now() < deadline) {
		await sleep(200);
		const byExecution = executionsByWorker(
			(await executionsSince(WORKFLOWS[workflow].id, t0)).map((e) => e.id),
		);
		killedIds = [...byExecution]
			.filter(([, runs]) => runs.some((r) => r.worker === victimName && r.finished === undefined))
			.map(([id]) => id);
		const created = (await doubleState()).customers.length;
		if (killedIds.length > 0 && created >= orders.length / 3) {
			process.kill(-workerPid(victim), 'SIGKILL');
			killedAt = Date.now();
			report(
				`SIGKILL to ${victimName}'s process group at ${((killedAt - t0) / 1000).toFixed(1)} s, ${created} customers created so far; it was running executions ${killedIds.join(', ')}`,
			);
			break;
		}
	}
	check(
		`${victimName} was killed while running executions of this run`,
		killedAt > 0,
		'it never ran an execution of this run',
	);
	if (!killedAt) {
		await Promise.all(pending);
		throw new Error(`${victimName} was not killed: the remaining scenarios cannot run`);
	}
	let restarted = restart === 'at-kill' ? restartWorker(victim) : undefined;

	// What the user sees, and what n8n does with the killed executions.
	const answers = await Promise.all(pending);
	const failed = answers.filter((a) => a.status !== 200);
	for (const a of answers) {
		report(
			`webhook call ${a.orders[0].orderId}…: HTTP ${a.status} ${((a.endedAt - killedAt) / 1000).toFixed(1)} s after the kill${a.status === 200 ? '' : `: ${a.text.slice(0, 200)}`}`,
		);
	}
	let executions = await executionsSince(WORKFLOWS[workflow].id, t0);
	const settleDeadline = Date.now() + 120_000;
	while (
		executions.some((e) => killedIds.includes(e.id) && ['new', 'running'].includes(e.status)) &&
		Date.now() < settleDeadline
	) {
		await sleep(500);
		executions = await executionsSince(WORKFLOWS[workflow].id, t0);
	}
	for (const id of killedIds) {
		report(
			`killed execution ${id}: status "${executions.find((x) => x.id === id)?.status}", error "${await storedError(id)}"`,
		);
	}
	const byExecution = executionsByWorker(killedIds);
	const startedAgain = killedIds.filter((id) => (byExecution.get(id) ?? []).length > 1);
	report(
		`killed executions started again by any worker: ${startedAgain.length ? startedAgain.join(', ') : 'none'}`,
	);

	const stateAfterKill = await doubleState();
	const before = tally(orders, stateAfterKill);
	const failedOrders = failed.flatMap((a) => a.orders);
	const createdBeforeRerun = failedOrders.filter(
		(o) => (before.idsByEmail.get(o.email)?.length ?? 0) > 0,
	).length;
	report(
		`${failed.length} webhook calls failed (${failedOrders.length} orders), ${createdBeforeRerun} of their orders already have a customer`,
	);
	check(
		'the kill left failed calls with some but not all of their customers created',
		failed.length > 0 && createdBeforeRerun > 0 && createdBeforeRerun < failedOrders.length,
		{ failed: failed.length, createdBeforeRerun, failedOrders: failedOrders.length },
	);

	// The user sends the failed calls again (while the worker comes back, if it is not back yet).
	restarted ??= restartWorker(victim);
	const keysOfFirstRun = new Set(createRequests(stateAfterKill).map((r) => r.idempotencyKey));
	const rerunStart = Date.now();
	const rerun = await Promise.all(
		failed.map((a) => callWebhook(WORKFLOWS[workflow].path, a.orders)),
	);
	const rerunMs = Date.now() - rerunStart;
	await restarted;
	executions = await executionsSince(WORKFLOWS[workflow].id, t0);
	report(
		`${victimName} is back; killed executions now: ${killedIds.map((id) => `${id} "${executions.find((x) => x.id === id)?.status}"`).join(', ')}`,
	);

	const state = await doubleState();
	const after = tally(orders, state);
	const rerunCreates = createRequests(state)
		.slice(createRequests(stateAfterKill).length)
		.filter((r) => r.status === 200);
	const rerunNew = rerunCreates.filter((r) => !r.replayed).length;
	const rerunReplayed = rerunCreates.filter((r) => r.replayed).length;
	const reusedKeys = rerunCreates.filter((r) => keysOfFirstRun.has(r.idempotencyKey)).length;
	check(
		`the ${rerun.length} re-sent calls answered HTTP 200`,
		rerun.every((a) => a.status === 200),
		rerun.map((a) => `${a.status} ${a.text.slice(0, 200)}`),
	);
	const problems = rerun.flatMap((a, i) =>
		pairingProblems(a, after.emailById).map((p) => `re-sent call ${i}: ${p}`),
	);
	check(
		'the re-sent answers pair each order with a customer of its email',
		problems.length === 0,
		problems.slice(0, 10),
	);
	check(`no order lost: all ${orders.length} orders have a customer`, after.lost === 0, {
		lost: after.lost,
	});
	report(
		`re-sent calls (${(rerunMs / 1000).toFixed(1)} s): ${rerunNew} customers created, ${rerunReplayed} answered from the idempotency store; ${reusedKeys} successful requests reused a key of the killed run; missing before: ${failedOrders.length - createdBeforeRerun}`,
	);
	const resent = await executionsSince(WORKFLOWS[workflow].id, rerunStart);
	const resentOn = [...executionsByWorker(resent.map((e) => e.id))].map(
		([id, runs]) => `${id} on ${runs.map((r) => r.worker).join('+') || '?'}`,
	);
	report(
		`re-sent executions: ${resentOn.join(', ')}; idempotency key example: ${createRequests(state)[0]?.idempotencyKey}`,
	);
	report(
		`RESULT (idempotency: ${keyLabel}): ${after.customers} customers for ${orders.length} orders, duplicates ${after.duplicates}, lost ${after.lost}`,
	);
	return { after, state, orders, failedOrders, createdBeforeRerun, rerunNew };
}

/**
 * Webhook calls at the same moment, each upserting the same new email (Create or Update), with Stripe answering
 * slowly so the executions overlap, on both workers: one customer for the email, whichever worker creates it.
 */
async function scenarioUpsertOneEmail() {
	const calls = 6;
	heading(
		`${calls} webhook calls at once, each a Create or Update of one new email (two names), ${WORKERS} workers`,
	);
	await doubleControl('/_double/reset', {});
	await doubleControl('/_double/faults', { latencyMs: 400 });
	const email = 'upsert-race@queue.example.com';
	/** @type {Order[][]} */
	const orders = Array.from({ length: calls }, (_, i) => [
		{ orderId: `U-${i}`, name: i % 2 ? 'Name B' : 'Name A', email },
	]);
	const t0 = Date.now();
	const answers = await Promise.all(orders.map((part) => callWebhook(WORKFLOWS.upsert.path, part)));
	await doubleControl('/_double/faults', { latencyMs: 0 });
	const state = await doubleState();
	const forEmail = state.customers.filter((c) => c.params?.email === email);
	check(
		`${calls} webhook calls answered HTTP 200`,
		answers.every((a) => a.status === 200),
		answers.map((a) => `${a.status} ${a.text.slice(0, 200)}`),
	);
	check(
		'one customer for the email in Stripe',
		forEmail.length === 1,
		forEmail.map((c) => c.id),
	);
	const ids = answers.map((a) => (Array.isArray(a.body) ? a.body[0]?.customerId : undefined));
	check(
		'every call answered with that customer',
		forEmail.length === 1 && ids.every((id) => id === forEmail[0].id),
		ids,
	);
	const executions = await executionsSince(WORKFLOWS.upsert.id, t0);
	const byWorker = executionsByWorker(executions.map((e) => e.id));
	/** @type {Record<string, number>} */
	const perWorker = {};
	for (const runs of byWorker.values())
		for (const r of runs) perWorker[r.worker] = (perWorker[r.worker] ?? 0) + 1;
	const creates = state.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
	report(
		`executions per worker: ${JSON.stringify(perWorker)}; create requests ${creates.length} (${creates.map((r) => r.status).join(', ')}), all with key ${[...new Set(creates.map((r) => r.idempotencyKey))].join(', ')}`,
	);
}

async function runChecks() {
	await scenarioConcurrent();
	await scenarioUpsertOneEmail();

	const custom = await scenarioKilledWorker(
		'userKey',
		'B',
		'custom key = order ID',
		'after-answers',
	);
	const orderIdByEmail = new Map(custom.orders.map((o) => [o.email, o.orderId]));
	const wrongKeys = createRequests(custom.state).filter(
		(r) => r.idempotencyKey !== `order-${orderIdByEmail.get(r.params?.email)}`,
	);
	check(
		'every create request carried its order ID as idempotency key',
		wrongKeys.length === 0,
		wrongKeys.slice(0, 3).map((r) => ({ key: r.idempotencyKey, email: r.params?.email })),
	);
	check(
		'with the order ID as key: 0 duplicates, and the re-sent calls created only the missing customers',
		custom.after.duplicates === 0 &&
			custom.rerunNew === custom.failedOrders.length - custom.createdBeforeRerun,
		{
			duplicates: custom.after.duplicates,
			createdByResend: custom.rerunNew,
			missing: custom.failedOrders.length - custom.createdBeforeRerun,
		},
	);

	// What the node's derived keys do when the user re-sends a failed call: the README states these as guarantees.
	const byDefault = await scenarioKilledWorker(
		'defaultKey',
		'C',
		"not set (the node's default)",
		'at-kill',
	);
	const perExecution = await scenarioKilledWorker(
		'perExecutionKey',
		'D',
		'perExecution',
		'at-kill',
	);
	heading('duplicates after re-sending the calls of a killed worker');
	for (const [label, r] of /** @type {const} */ ([
		['custom key (order ID)', custom],
		["not set (node's default)", byDefault],
		['perExecution', perExecution],
	])) {
		report(
			`idempotency ${label}: ${r.createdBeforeRerun} of the failed orders had a customer before the re-send → duplicates ${r.after.duplicates}, lost ${r.after.lost}`,
		);
	}
	check(
		'Per Input (the default): 0 duplicates, and the re-sent calls created only the missing customers',
		byDefault.after.duplicates === 0 &&
			byDefault.rerunNew === byDefault.failedOrders.length - byDefault.createdBeforeRerun,
		{
			duplicates: byDefault.after.duplicates,
			createdByResend: byDefault.rerunNew,
			missing: byDefault.failedOrders.length - byDefault.createdBeforeRerun,
		},
	);
	check(
		'Per Execution: every customer the killed execution had created is created again (duplicates = created before the re-send > 0)',
		perExecution.createdBeforeRerun > 0 &&
			perExecution.after.duplicates === perExecution.createdBeforeRerun,
		{
			duplicates: perExecution.after.duplicates,
			createdBefore: perExecution.createdBeforeRerun,
		},
	);

	heading('secret');
	const key = mustEnv('STRIPE_DOUBLE_KEY');
	const logs = path.join(mustEnv('QUEUE_HOME'), 'logs');
	const leaks = fs
		.readdirSync(logs)
		.filter((f) => f !== 'stripe-double.log')
		.filter((f) => {
			const text = fs.readFileSync(path.join(logs, f), 'utf8');
			return text.includes(key) || text.includes(key.replace(/^sk_test_/, ''));
		});
	check(
		"the secret key appears in none of n8n's logs (main, workers, imports)",
		leaks.length === 0,
		leaks,
	);
}

async function runBench() {
	const calls = 4;
	const items = 250;
	for (const [workflow, adaptive] of /** @type {const} */ ([
		['benchOn', 'on'],
		['benchOff', 'off'],
	])) {
		const run = await concurrentRun(workflow, `Q${adaptive.toUpperCase()}`, calls, items);
		const failedCalls = run.answers.filter((a) => a.status !== 200).length;
		const wallRatio = run.wallMs / 1000 / ((calls * items) / RATE);
		console.log(
			`queue: workers=${WORKERS} items=${calls * items} limit=${RATE} adaptive=${adaptive} wall_ratio=${round(wallRatio)} share_429=${round(run.counts.share429, 3)} duplicates=${run.counts.duplicates} lost=${run.counts.lost}` +
				(failedCalls ? ` failed_calls=${failedCalls}` : ''),
		);
		if (VERBOSE)
			console.log(
				`  wall ${(run.wallMs / 1000).toFixed(1)} s, 429: ${run.counts.rateLimited}/${run.counts.createRequests}`,
			);
	}
}

async function main() {
	if (args[0] === '--prepare') return prepare(args[1]);
	if (args[0] === '--wait-webhooks') return waitForWebhooks();
	if (args[0] === '--hold') {
		console.log(
			`main: ${mustEnv('MAIN_URL')}  double: ${mustEnv('DOUBLE_URL')}  home: ${mustEnv('QUEUE_HOME')}`,
		);
		for (const wf of Object.values(WORKFLOWS))
			console.log(`  POST ${process.env.MAIN_URL}/webhook/${wf.path}`);
		setInterval(() => {}, 60_000);
		return new Promise(() => {});
	}
	if (args[0] === '--bench') return runBench();
	try {
		await runChecks();
	} catch (err) {
		check(
			'the run finished without an exception',
			false,
			err instanceof Error ? err.stack : String(err),
		);
	}
	const failed = results.filter((r) => !r.ok).length;
	console.log(`\n${results.length - failed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
