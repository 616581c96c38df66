#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * End-to-end test of the Stripe Customer Trigger in a real n8n server (started here with `n8n start`; the package is
 * installed from its tarball into $N8N_USER_FOLDER/.n8n/nodes by scripts/n8n/test-e2e.sh first), against the Stripe
 * test double in its own process, which keeps the webhook endpoints and delivers signed events for customer writes.
 * Everything a user does goes through n8n's REST API, as the editor sends it:
 *   1. activate the trigger workflow (n8n 2.x: publish), then publish it twice more (2.x: after an edit each time;
 *      1.x: save the active workflow), restart n8n, change the events and publish;
 *   2. create, update and delete a customer with the Stripe Customer action node (a webhook-started workflow);
 *   3. a delivery Stripe sends twice, and a forged one;
 *   4. switch the trigger to a credential whose API Base URL has nothing listening and make that live (2.x: publish;
 *      1.x: save the active workflow), then back to the working credential;
 *   5. deactivate.
 * Checks: exactly one endpoint at the double all along (the same one, events changed in place, never created
 * again), each event starts exactly one execution whose item is that event and is answered {"received": true}, the
 * forged delivery starts none and gets a 400; the failed publish ends with the trigger's reason (how long it took is
 * printed), n8n keeps the URL routed and the endpoint serves on past its grace period; after deactivation the endpoint
 * is disabled, gets no delivery, and is deleted; no delivery in the whole run was answered 404.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh); E2E_VERBOSE=1 prints n8n's output.
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

const env = runnerEnv('run-trigger-e2e.js', 'trigger-e2e-artifacts');
const { check, checkEqual, heading, finish } = createChecks();
// n8n keeps execution data in the `flatted` format; n8n's own copy reads it.
const flatted = require(require.resolve('flatted', { paths: [env.n8nDir] }));

const SECRET_KEY = `sk_test_e2eTrigger${crypto.randomBytes(12).toString('hex')}`;
const CREDENTIAL = { id: 'e2eTriggerCred', name: 'Stripe Customer API (trigger e2e)' };
/** A credential whose API Base URL has nothing listening (its port is chosen at import). */
const DEAD_CREDENTIAL = { id: 'e2eTriggerDead', name: 'Stripe Customer API (nothing listens)' };
// n8n saves a workflow's static data only when its ID has at most 16 characters (1.x; 2.x: 21): utils.js isWorkflowIdValid.
const TRIGGER_WORKFLOW = 'e2eCustTrigger01';
const ACTIONS_WORKFLOW = 'e2eCustActions01';
const TRIGGER_NODE = 'Customer Changes';
const TRIGGER_WEBHOOK_ID = '5e2e7716-0000-4000-8000-00000000c0de';
/** The node's grace period before a released endpoint is deleted. */
const RELEASE_GRACE_MS = 30_000;
/** How long a deactivated trigger's endpoint may take to go. */
const RELEASE_WAIT_MS = 60_000;

// ---------------------------------------------------------------- the workflows

/** @param {string[]} events @param {{id: string, name: string}} [credential] */
function triggerNode(events, credential = CREDENTIAL) {
	return {
		id: '5e2e7716-0000-4000-8000-000000000001',
		name: TRIGGER_NODE,
		type: 'n8n-nodes-stripe-customer.stripeCustomerTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: TRIGGER_WEBHOOK_ID,
		parameters: { events, options: {} },
		credentials: { stripeCustomerApi: credential },
	};
}

/** @param {number} x */
function receivedNode(x) {
	return {
		id: '5e2e7716-0000-4000-8000-000000000002',
		name: 'Received',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [x, 0],
		parameters: {},
	};
}

/** @param {string[]} events @param {number} x @param {{id: string, name: string}} [credential] */
function triggerWorkflowContent(events, x, credential) {
	return {
		nodes: [triggerNode(events, credential), receivedNode(x)],
		connections: { [TRIGGER_NODE]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
	};
}

const ACTIONS = ['create', 'update', 'delete'];

function actionsWorkflow() {
	/** @type {any[]} */
	const nodes = [];
	/** @type {Record<string, any>} */
	const connections = {};
	const customerId = { __rl: true, mode: 'id', value: '={{ $json.body.customerId }}' };
	const parameters = {
		create: {
			resource: 'customer',
			operation: 'create',
			name: '={{ $json.body.name }}',
			email: '={{ $json.body.email }}',
		},
		update: {
			resource: 'customer',
			operation: 'update',
			customerId,
			name: '={{ $json.body.name }}',
		},
		delete: { resource: 'customer', operation: 'delete', customerId },
	};
	ACTIONS.forEach((action, i) => {
		const hook = `Webhook ${action}`;
		const stripe = `Stripe ${action}`;
		nodes.push({
			id: `5e2e7716-0000-4000-8000-0000000001${i}0`,
			name: hook,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, i * 200],
			webhookId: `5e2e7716-0000-4000-8000-0000000001${i}1`,
			parameters: {
				httpMethod: 'POST',
				path: `e2e-trigger-${action}-customer`,
				responseMode: 'lastNode',
				options: {},
			},
		});
		nodes.push({
			id: `5e2e7716-0000-4000-8000-0000000001${i}2`,
			name: stripe,
			type: 'n8n-nodes-stripe-customer.stripeCustomer',
			typeVersion: 1.1,
			position: [240, i * 200],
			parameters: parameters[/** @type {'create' | 'update' | 'delete'} */ (action)],
			credentials: { stripeCustomerApi: CREDENTIAL },
		});
		connections[hook] = { main: [[{ node: stripe, type: 'main', index: 0 }]] };
	});
	return {
		id: ACTIONS_WORKFLOW,
		name: 'E2E: customer writes with the action node',
		active: false,
		nodes,
		connections,
		settings: {},
	};
}

/** @param {string} doubleUrl @param {number} deadPort */
async function importFixtures(doubleUrl, deadPort) {
	const c = await importCredentials(env, [
		{ ...CREDENTIAL, data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } },
		{
			...DEAD_CREDENTIAL,
			data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: `http://127.0.0.1:${deadPort}` },
		},
	]);
	check('credential imported', c.code === 0, c.output);
	const workflows = path.join(env.artifacts, 'workflows.json');
	const trigger = {
		id: TRIGGER_WORKFLOW,
		name: 'E2E: Stripe Customer Trigger',
		active: false,
		...triggerWorkflowContent(['customer.created', 'customer.updated'], 240),
		settings: {},
	};
	fs.writeFileSync(workflows, JSON.stringify([trigger, actionsWorkflow()]));
	const w = /** @type {any} */ (
		await n8nCli(env, ['import:workflow', `--input=${workflows}`], 'import-workflows')
	);
	check('workflows imported', w.code === 0, w.output);
}

// ---------------------------------------------------------------- n8n's UI actions, per major version

/**
 * The user edits the trigger workflow and makes the edit live: n8n 2.x saves a new version and publishes it;
 * n8n 1.x saves the active workflow (which re-registers its webhooks).
 * @param {N8nServer} n8n @param {{nodes: any[], connections: any}} content
 */
async function saveAndPublish(n8n, content) {
	const current = await n8n.rest('GET', `/workflows/${TRIGGER_WORKFLOW}`);
	const saved = await n8n.rest('PATCH', `/workflows/${TRIGGER_WORKFLOW}`, {
		...content,
		versionId: current.versionId,
	});
	if (env.major < 2) return;
	await n8n.rest('POST', `/workflows/${TRIGGER_WORKFLOW}/activate`, { versionId: saved.versionId });
	await n8n.publicationApplied(TRIGGER_WORKFLOW, saved.versionId);
}

/**
 * The same edit made live when the trigger's activation fails: what n8n tells the person publishing (2.x: the trigger's
 * publication status, final after n8n's own tries; 1.x: the save's error), and how long it took.
 * @param {N8nServer} n8n @param {{nodes: any[], connections: any}} content
 * @returns {Promise<{shown: string, seconds: number}>}
 */
async function failingPublish(n8n, content) {
	const startedAt = Date.now();
	const seconds = () => Math.round((Date.now() - startedAt) / 100) / 10;
	const current = await n8n.rest('GET', `/workflows/${TRIGGER_WORKFLOW}`);
	/** @type {any} */
	let saved;
	try {
		saved = await n8n.rest('PATCH', `/workflows/${TRIGGER_WORKFLOW}`, {
			...content,
			versionId: current.versionId,
		});
	} catch (error) {
		if (env.major >= 2) throw error;
		const body = String(error instanceof Error ? error.message : error).replace(/^[^{]*/, '');
		return { shown: JSON.parse(body).message, seconds: seconds() };
	}
	if (env.major < 2)
		return { shown: `the save succeeded: ${JSON.stringify(saved.active)}`, seconds: seconds() };
	await n8n.rest('POST', `/workflows/${TRIGGER_WORKFLOW}/activate`, { versionId: saved.versionId });
	/** @type {any} */
	let status;
	await until(async () => {
		status = await n8n.rest('GET', `/workflows/${TRIGGER_WORKFLOW}/publication-status`);
		return status.status !== 'in_progress' && status.status !== 'pending';
	}, 120_000);
	const failed = status?.triggers?.find((/** @type {any} */ t) => t.status === 'failed');
	return { shown: failed?.errorMessage ?? JSON.stringify(status), seconds: seconds() };
}

// ---------------------------------------------------------------- Stripe's side

/** @param {string} doubleUrl @returns {Promise<any[]>} the webhook endpoints at the double */
async function endpoints(doubleUrl) {
	const res = await fetch(`${doubleUrl}/v1/webhook_endpoints?limit=100`, {
		headers: { Authorization: `Bearer ${SECRET_KEY}` },
	});
	if (!res.ok) throw new Error(`GET /v1/webhook_endpoints: HTTP ${res.status} ${await res.text()}`);
	return /** @type {any} */ (await res.json()).data;
}

/** @param {string} doubleUrl @returns {Promise<any[]>} the requests the double received */
async function doubleRequests(doubleUrl) {
	const state = /** @type {any} */ (await (await fetch(`${doubleUrl}/_double/state`)).json());
	return state.requests ?? [];
}

/** @param {string} doubleUrl @param {string} p @param {unknown} [body] @returns {Promise<any>} a control call of the double */
async function control(doubleUrl, p, body) {
	const res = await fetch(
		doubleUrl + p,
		body === undefined
			? {}
			: {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify(body),
				},
	);
	if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
	return await res.json();
}

/** @param {N8nServer} n8n @param {string} action @param {Record<string, string>} body */
async function customerWrite(n8n, action, body) {
	const res = await fetch(`${n8n.url}/webhook/e2e-trigger-${action}-customer`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${action} customer: HTTP ${res.status} ${text.slice(0, 500)}`);
	return JSON.parse(text);
}

/** The trigger workflow's executions, oldest first, each with the item the trigger emitted. @param {N8nServer} n8n */
async function triggerExecutions(n8n) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: TRIGGER_WORKFLOW }));
	const list = await n8n.rest('GET', `/executions?filter=${filter}&limit=100`);
	const summaries = /** @type {any[]} */ (list.results ?? list).sort(
		(a, b) => Number(a.id) - Number(b.id),
	);
	const executions = [];
	for (const summary of summaries) {
		const full = await n8n.rest('GET', `/executions/${summary.id}`);
		const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
		const items = data?.resultData?.runData?.Received?.[0]?.data?.main?.[0] ?? [];
		executions.push({
			id: summary.id,
			status: full.status ?? summary.status,
			mode: full.mode,
			items: items.map((/** @type {any} */ i) => i.json),
		});
	}
	return executions;
}

// ---------------------------------------------------------------- the test

async function main() {
	fs.mkdirSync(path.join(env.userFolder, 'logs'), { recursive: true });
	heading(`setup (n8n ${env.version})`);
	const double = await startDoubleProcess(SECRET_KEY);
	console.log(`  Stripe double on ${double.url}`);
	const n8n = new N8nServer(env, await freePort());
	const stopAll = () => {
		double.child.kill('SIGTERM');
		n8n.child?.kill('SIGKILL');
	};
	process.on('exit', stopAll);
	/** @type {number[]} how many endpoints the double held after each step */
	const counts = [];
	const countEndpoints = async () => {
		const list = await endpoints(double.url);
		counts.push(list.length);
		return list;
	};

	try {
		const deadPort = await freePort();
		await importFixtures(double.url, deadPort);
		await n8n.start();
		console.log(`  n8n on ${n8n.url}`);
		await n8n.activate(ACTIONS_WORKFLOW);

		heading(
			env.major >= 2
				? 'publish three times, restart'
				: 'activate, save the active workflow twice, restart',
		);
		await n8n.activate(TRIGGER_WORKFLOW);
		const [first] = await countEndpoints();
		const productionUrl = `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
		check(
			'activation registered one endpoint for the production URL',
			!!first && first.url === productionUrl,
			await endpoints(double.url),
		);
		checkEqual('with the chosen events', first?.enabled_events, [
			'customer.created',
			'customer.updated',
		]);
		for (const x of [480, 720]) {
			await saveAndPublish(
				n8n,
				triggerWorkflowContent(['customer.created', 'customer.updated'], x),
			);
			await countEndpoints();
		}
		await n8n.stop();
		await n8n.start();
		const afterRestart = await countEndpoints();
		checkEqual(
			'after 3 publishes and a restart: still that one endpoint',
			afterRestart.map((e) => e.id),
			[first?.id],
		);

		heading('change the events');
		await saveAndPublish(
			n8n,
			triggerWorkflowContent(['customer.created', 'customer.deleted', 'customer.updated'], 720),
		);
		const changed = await until(async () => {
			const list = await countEndpoints();
			return list.length === 1 && list[0].enabled_events.length === 3 ? list : undefined;
		});
		checkEqual(
			'the same endpoint, its events updated in place',
			changed?.map((e) => [e.id, e.enabled_events]),
			[[first?.id, ['customer.created', 'customer.deleted', 'customer.updated']]],
		);
		const created = (await doubleRequests(double.url)).filter(
			(r) => r.method === 'POST' && r.path === '/v1/webhook_endpoints',
		);
		checkEqual('Stripe was asked to create an endpoint once in all', created.length, 1);

		heading(
			'customer writes with the action node; Stripe delivers one event twice and signs one wrongly first',
		);
		await control(double.url, '/_double/webhooks', { failNext: { n: 1, how: 'duplicate' } });
		const made = await customerWrite(n8n, 'create', {
			name: 'Trigger E2E',
			email: 'trigger.e2e@example.com',
		});
		const customerId = made.customerId;
		check(
			'the action node created a customer',
			typeof customerId === 'string' && customerId.startsWith('cus_'),
			made,
		);
		await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
		await control(double.url, '/_double/webhooks', { failNext: { n: 1, how: 'wrong-signature' } });
		await customerWrite(n8n, 'update', { customerId, name: 'Trigger E2E (renamed)' });
		await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
		await customerWrite(n8n, 'delete', { customerId });
		await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
		const attempts = /** @type {any[]} */ (
			(await control(double.url, '/_double/webhooks')).deliveries
		).sort((a, b) => a.seq - b.seq);
		checkEqual(
			"Stripe's deliveries and the trigger's answers",
			attempts.map((a) => [a.type, a.attempt, a.duplicate, a.signing, a.status]),
			[
				['customer.created', 1, false, 'valid', 200],
				['customer.created', 1, true, 'valid', 200],
				['customer.updated', 1, false, 'wrong-secret', 400],
				['customer.updated', 2, false, 'valid', 200],
				['customer.deleted', 1, false, 'valid', 200],
			],
		);
		const runs = await until(async () => {
			const list = await triggerExecutions(n8n);
			return list.length >= 3 ? list : undefined;
		}, 30_000);
		await sleep(2_000); // room for a duplicate run to show
		const executions = await triggerExecutions(n8n);
		checkEqual(
			'each event started exactly one execution, with its customer',
			executions.map((e) => [e.status, e.items.length, e.items[0]?.event, e.items[0]?.customerId]),
			[
				['success', 1, 'customer.created', customerId],
				['success', 1, 'customer.updated', customerId],
				['success', 1, 'customer.deleted', customerId],
			],
		);
		check(
			'the update event carries what changed',
			executions[1]?.items[0]?.previousAttributes?.name === 'Trigger E2E',
			executions[1]?.items[0],
		);
		if (!runs) console.log('  (waited 30 s for 3 executions)');

		heading('a forged delivery');
		const forged = JSON.stringify({
			id: 'evt_forged',
			object: 'event',
			type: 'customer.created',
			created: Math.floor(Date.now() / 1000),
			livemode: false,
			data: { object: { id: 'cus_forged', object: 'customer' } },
		});
		const timestamp = Math.floor(Date.now() / 1000);
		const signature = crypto
			.createHmac('sha256', 'whsec_guessed')
			.update(`${timestamp}.${forged}`)
			.digest('hex');
		const forgedAnswer = await fetch(productionUrl, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				'Stripe-Signature': `t=${timestamp},v1=${signature}`,
			},
			body: forged,
		});
		checkEqual('is answered 400', forgedAnswer.status, 400);
		await sleep(1_000);
		checkEqual('and starts no execution', (await triggerExecutions(n8n)).length, 3);

		heading(
			`${env.major >= 2 ? 'publish' : 'save the active workflow'} with a credential whose API Base URL has nothing listening`,
		);
		const failed = await failingPublish(
			n8n,
			triggerWorkflowContent(
				['customer.created', 'customer.deleted', 'customer.updated'],
				720,
				DEAD_CREDENTIAL,
			),
		);
		console.log(`  the failure was final after ${failed.seconds} s`);
		checkEqual(
			`n8n shows the trigger's reason (${env.major >= 2 ? 'the publication status' : "the save's error"})`,
			failed.shown,
			`Could not reach Stripe: connection refused by 127.0.0.1:${deadPort} (the credential's API Base URL). Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running. No request of this run got any answer, so the run stopped at once instead of retrying.`,
		);
		const routed = await fetch(productionUrl, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: '{}',
		});
		check(
			"n8n still routes the production URL to the workflow (the trigger answers, not n8n's 404)",
			routed.status === 400,
			`${routed.status} ${await routed.text()}`,
		);
		await sleep(RELEASE_GRACE_MS + 5_000);
		const kept = await countEndpoints();
		checkEqual(
			'past the grace period the endpoint is still there, enabled, not released',
			kept.map((e) => [e.id, e.status, e.metadata.n8n_release ?? '']),
			[[first?.id, 'enabled', '']],
		);
		const servedFrom = (await control(double.url, '/_double/webhooks')).deliveries.length;
		const during = await customerWrite(n8n, 'create', {
			name: 'During the failed publish',
			email: 'trigger.e2e.failed@example.com',
		});
		await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
		const servedTo = /** @type {any[]} */ (
			(await control(double.url, '/_double/webhooks')).deliveries
		).slice(servedFrom);
		checkEqual(
			'and a new event is delivered to n8n and accepted',
			servedTo.map((a) => [a.type, a.status, a.response && JSON.parse(a.response)]),
			[['customer.created', 200, { received: true }]],
		);
		if (env.major >= 2)
			checkEqual(
				'…and runs the published workflow',
				await until(async () => {
					const list = await triggerExecutions(n8n);
					const run = list.find((e) => e.items[0]?.customerId === during.customerId);
					return run ? [run.status, run.items[0].event] : undefined;
				}, 15_000),
				['success', 'customer.created'],
			);

		heading('back to the working credential');
		const working = triggerWorkflowContent(
			['customer.created', 'customer.deleted', 'customer.updated'],
			720,
		);
		if (env.major >= 2) await saveAndPublish(n8n, working);
		else {
			// n8n 1.x saved the edit and deactivated the workflow: the working credential and Active on again.
			const current = await n8n.rest('GET', `/workflows/${TRIGGER_WORKFLOW}`);
			await n8n.rest('PATCH', `/workflows/${TRIGGER_WORKFLOW}`, {
				...working,
				active: true,
				versionId: current.versionId,
			});
		}
		const fixed = await countEndpoints();
		checkEqual(
			'the trigger takes the same endpoint back',
			fixed.map((e) => [e.id, e.status]),
			[[first?.id, 'enabled']],
		);

		heading('deactivate');
		checkEqual(
			'one endpoint at the double at every step until now',
			counts.filter((n) => n !== 1),
			[],
		);
		await n8n.deactivate(TRIGGER_WORKFLOW);
		const disabled = await until(
			async () => (await endpoints(double.url))[0]?.status === 'disabled',
			RELEASE_WAIT_MS,
		);
		check(
			'the released endpoint is disabled once its release settles',
			disabled === true,
			await endpoints(double.url),
		);
		const before = (await control(double.url, '/_double/webhooks')).deliveries.length;
		await customerWrite(n8n, 'create', {
			name: 'While released',
			email: 'trigger.e2e.released@example.com',
		});
		await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
		checkEqual(
			'Stripe delivers it nothing while it is released',
			(await control(double.url, '/_double/webhooks')).deliveries.slice(before),
			[],
		);
		const gone = await until(
			async () => (await endpoints(double.url)).length === 0,
			RELEASE_WAIT_MS,
		);
		check(
			`no endpoint left at the double (after the trigger's grace period)`,
			gone === true,
			await endpoints(double.url),
		);
		const all = /** @type {any[]} */ ((await control(double.url, '/_double/webhooks')).deliveries);
		checkEqual(
			'no delivery in the whole run was answered 404',
			all.filter((a) => a.status === 404).map((a) => [a.type, a.url]),
			[],
		);
		checkEqual(
			'every accepted delivery was answered {"received": true} (JSON Stripe shows in its Dashboard)',
			[
				...new Set(
					all
						.filter((a) => a.status === 200 && !a.duplicate)
						.map((a) => a.response.replace(/\s/g, '')),
				),
			],
			['{"received":true}'],
		);
	} catch (error) {
		check('the run completed', false, error instanceof Error ? error.stack : String(error));
	} finally {
		await n8n.stop();
		// What the double received and delivered, for a failed run.
		await saveDoubleState(double.url, env.artifacts);
		double.child.kill('SIGTERM');
		finish(`n8n ${env.version} trigger e2e`, env.artifacts);
		if (env.verbose) console.log(fs.readdirSync(env.artifacts));
	}
}

main();
