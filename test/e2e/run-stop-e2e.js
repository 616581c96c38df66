#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * End-to-end test of Stop in a real n8n server (started here with `n8n start`; the package is installed from its
 * tarball into $N8N_USER_FOLDER/.n8n/nodes by scripts/n8n/test-e2e.sh first), against the Stripe test double in its
 * own process. A webhook starts a workflow whose Stripe Customer node creates customers while the double answers
 * every create 429 (Rate-Limit Wait 120 s, so the node would go on retrying for two minutes); once the double has
 * seen three 429s, the execution is stopped through n8n's REST API, as the editor's Stop button does.
 * Checks: the execution ends as cancelled, the double receives no request after the stop (watched for longer than
 * the node's longest back-off), and no customer was created. Prints how long the execution took to end.
 * Needs the execution's cancel signal in n8n (IExecuteFunctions.getExecutionCancelSignal); an n8n without it is
 * skipped with the reason printed.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh); E2E_VERBOSE=1 lists the artifacts.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const {
	runnerEnv,
	sleep,
	until,
	createChecks,
	freePort,
	startDoubleProcess,
	saveDoubleState,
	n8nCli,
	importCredentials,
	N8nServer,
} = require('./e2eSupport');

const env = runnerEnv('run-stop-e2e.js', 'stop-e2e-artifacts');
const { check, checkEqual, finish } = createChecks();
const SECRET_KEY = `sk_test_e2eStop${crypto.randomBytes(12).toString('hex')}`;
const CREDENTIAL = { id: 'e2eStopCred', name: 'Stripe Customer API (stop e2e)' };
const WORKFLOW = 'e2eStopHeld01';
const WEBHOOK_PATH = 'e2e-stop-held-create';
/** Longer than the node's longest back-off between two 429 retries (5 s): a node that goes on sending shows here. */
const WATCH_AFTER_STOP_MS = 7_000;

/** Whether this n8n gives nodes the execution's cancel signal (n8n-core's execute context, wherever npm put n8n-core). */
function n8nHasCancelSignal() {
	const core = path.dirname(require.resolve('n8n-core', { paths: [env.n8nDir] }));
	const context = path.join(
		core,
		'execution-engine/node-execution-context/base-execute-context.js',
	);
	return (
		fs.existsSync(context) && fs.readFileSync(context, 'utf8').includes('getExecutionCancelSignal')
	);
}

// ---------------------------------------------------------------- the workflow and Stripe's side

function heldWorkflow() {
	return {
		id: WORKFLOW,
		name: 'E2E: Stop while 429s hold the node back',
		active: false,
		settings: {},
		nodes: [
			{
				id: '5e2e5709-0000-4000-8000-000000000001',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5e2e5709-0000-4000-8000-000000000002',
				// Answers at once: the execution goes on in the background, where Stop finds it.
				parameters: {
					httpMethod: 'POST',
					path: WEBHOOK_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: '5e2e5709-0000-4000-8000-000000000003',
				name: 'Stripe Customer',
				type: 'n8n-nodes-stripe-customer.stripeCustomer',
				typeVersion: 1.1,
				position: [240, 0],
				parameters: {
					resource: 'customer',
					operation: 'create',
					name: '={{ $json.body.name }}',
					email: '={{ $json.body.email }}',
					options: { rateLimitWait: 120, concurrency: 1 },
				},
				credentials: { stripeCustomerApi: CREDENTIAL },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Stripe Customer', type: 'main', index: 0 }]] } },
	};
}

/** @param {string} doubleUrl */
async function importFixtures(doubleUrl) {
	const c = await importCredentials(env, [
		{ ...CREDENTIAL, data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } },
	]);
	check('credential imported', c.code === 0, c.output);
	const workflows = path.join(env.artifacts, 'workflows.json');
	fs.writeFileSync(workflows, JSON.stringify([heldWorkflow()]));
	const w = await n8nCli(env, ['import:workflow', `--input=${workflows}`], 'import-workflows');
	check('workflow imported', w.code === 0, w.output);
}

/** @param {string} doubleUrl @returns {Promise<any>} */
async function doubleState(doubleUrl) {
	return await (await fetch(`${doubleUrl}/_double/state`)).json();
}

/** @param {string} doubleUrl @param {unknown} body */
async function setFaults(doubleUrl, body) {
	const res = await fetch(`${doubleUrl}/_double/faults`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`/_double/faults: HTTP ${res.status} ${await res.text()}`);
}

// ---------------------------------------------------------------- the test

async function main() {
	console.log(`\n== Stop while 429s hold the node back (n8n ${env.version})`);
	if (!n8nHasCancelSignal()) {
		console.log(
			`  skipped: n8n ${env.version} gives nodes no execution cancel signal (getExecutionCancelSignal), so Stop cannot reach the node's waits`,
		);
		console.log('0 passed, 0 failed');
		return;
	}
	const double = await startDoubleProcess(SECRET_KEY);
	const n8n = new N8nServer(env, await freePort());
	process.on('exit', () => {
		double.child.kill('SIGTERM');
		n8n.child?.kill('SIGKILL');
	});
	try {
		await importFixtures(double.url);
		await n8n.start();
		await n8n.activate(WORKFLOW);
		// Every customer create is answered 429 (Stripe's rate limiter: nothing stored) for as long as the test runs.
		await setFaults(double.url, {
			failNext: { n: 10_000, how: { status: 429 }, on: 'POST /v1/customers' },
		});

		const started = await fetch(`${n8n.url}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ name: 'Held Back', email: 'held.back@example.com' }),
		});
		check(
			'the webhook started the workflow',
			started.ok,
			`HTTP ${started.status} ${await started.text()}`,
		);
		const heldBack = await until(
			async () =>
				(await doubleState(double.url)).requests.filter((/** @type {any} */ r) => r.status === 429)
					.length >= 3,
			60_000,
		);
		check('the node is held back by 429s (3 seen at the double)', heldBack === true);
		const running = (await n8n.executions(WORKFLOW)).find(
			(e) => e.status === 'running' || e.finished === false,
		);
		check('its execution is running', running !== undefined, await n8n.executions(WORKFLOW));
		if (!running) throw new Error('no running execution to stop');

		await n8n.rest('POST', `/executions/${running.id}/stop`);
		const stoppedAt = Date.now();
		const ended = await until(
			async () => {
				const execution = (await n8n.executions(WORKFLOW)).find((e) => e.id === running.id);
				return execution && execution.status !== 'running' && execution.status !== 'new'
					? execution
					: undefined;
			},
			30_000,
			100,
		);
		console.log(
			`  the execution ended ${ended ? `${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the stop` : 'not within 30 s'}`,
		);
		checkEqual('the execution ended as cancelled', ended?.status, 'canceled');

		await sleep(Math.max(0, stoppedAt + WATCH_AFTER_STOP_MS - Date.now()));
		const state = await doubleState(double.url);
		const after = state.requests.filter((/** @type {any} */ r) => r.at > stoppedAt);
		checkEqual(
			`the double received no request in the ${WATCH_AFTER_STOP_MS / 1000} s after the stop`,
			after.map((/** @type {any} */ r) => `${r.method} ${r.path} ${r.status}`),
			[],
		);
		checkEqual('no customer was created', state.customers.length, 0);
	} catch (error) {
		check('the run completed', false, error instanceof Error ? error.stack : String(error));
	} finally {
		await n8n.stop();
		await saveDoubleState(double.url, env.artifacts);
		double.child.kill('SIGTERM');
		finish(`n8n ${env.version} stop e2e`, env.artifacts);
		if (env.verbose) console.log(fs.readdirSync(env.artifacts));
	}
}

main();
