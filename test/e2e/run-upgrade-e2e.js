#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * The update as users make it, in a real n8n (`n8n start`, driven through its REST API and webhooks), against the
 * Stripe double in its own process (Stripe stays up while n8n is stopped and updated):
 *   1. the previous release (0.2.0, built from git at the commit CHANGELOG.md names) installed as n8n installs a
 *      community package; a credential and the workflows users saved with it imported with n8n's CLI
 *      (test/e2e/workflows/upgrade-saved-with-0.2.0.json: node versions 1, 1.1 and 1.2 as n8n 2.41.1's editor saves
 *      them, each started by a webhook, and the trigger); each workflow run twice;
 *   2. n8n stopped, this build installed the same way (what Settings → Community Nodes → Update does, or a Docker or
 *      queue-mode user), n8n started: each workflow run once more, unchanged. Its outputs and the requests Stripe got
 *      must be those of the second run before the update (the same customers, the same idempotency keys, the options
 *      still in effect: 4 requests per second, Max Retries 0); the trigger keeps its endpoint. On n8n 2.x the editor
 *      then opens every saved node: no parameter marked, the saved expressions shown, and saving the workflow keeps
 *      every saved parameter (test/browser/upgrade.browser.js);
 *   3. with the trigger active, this build repacked as the next patch version (the same code, a higher version, what
 *      the next Update brings) installed the same way: events before the stop, while n8n is down and after the
 *      restart each start exactly one execution, and the endpoint at Stripe is the same one all along.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh; the run uses a user folder of its own
 * inside it); E2E_VERBOSE=1; UPGRADE_BROWSER=0 leaves out the editor part.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const {
	REPO_ROOT,
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
const {
	releaseTarball,
	currentTarball,
	repackAs,
	tarballDigest,
	installLikeN8n,
} = require('./packageTarballs');

const env = runnerEnv('run-upgrade-e2e.js', 'upgrade-e2e-artifacts');
const checks = createChecks();
const { check, checkEqual, finish } = checks;
const startedAt = Date.now();
/** A section's title, with when it starts (the runner's phases differ a lot in length). @param {string} title */
const heading = (title) => {
	checks.heading(title);
	console.log(`  (at ${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);
};
// n8n keeps execution data in the `flatted` format; n8n's own copy reads it.
const flatted = require(require.resolve('flatted', { paths: [env.n8nDir] }));

/** The release the saved workflows were made with (the fixture's name says so too). */
const SAVED_WITH = '0.2.0';
const SAVED_WORKFLOWS = /** @type {any[]} */ (
	JSON.parse(
		fs.readFileSync(
			path.join(__dirname, 'workflows', `upgrade-saved-with-${SAVED_WITH}.json`),
			'utf8',
		),
	)
);
// A user folder of this run's own: it starts with the previous release, not with this build.
const HOME = path.join(env.userFolder, 'upgrade-home');
process.env.N8N_USER_FOLDER = HOME;
/** Where the harness caches n8n (<cache>/n8n-<version>/node_modules/n8n); release tarballs are kept beside. */
const CACHE_DIR = path.resolve(env.n8nDir, '../../..');

const SECRET_KEY = `sk_test_e2eUpgrade${crypto.randomBytes(12).toString('hex')}`;
const CREDENTIAL = SAVED_WORKFLOWS.flatMap((w) => w.nodes)
	.map((n) => n.credentials?.stripeCustomerApi)
	.find(Boolean);
const TRIGGER_WORKFLOW = SAVED_WORKFLOWS.find((w) =>
	w.nodes.some((/** @type {any} */ n) => n.type.endsWith('.stripeCustomerTrigger')),
);
const TRIGGER_EVENTS = ['customer.created', 'customer.deleted', 'customer.updated'];
/** Stripe retries a delivery that got no 2xx; here every few seconds for about two minutes, longer than a restart. */
const DELIVERY_RETRIES_MS = [1000, 2000, 3000, ...Array(21).fill(5000)];
/** The saved Requests Per Second is 4; Stripe's limit here is a little above, so only a node that keeps to 4 gets no 429. */
const RATE_LIMIT_AT_STRIPE = 5;
const RATE_ITEMS = 12;

// ---------------------------------------------------------------- what users send to their workflows

const ADA = { name: 'Ada Seed', email: 'ada.seed@example.com' };
const BEA = { name: 'Bea Seed', email: 'bea.seed@example.com' };
/** @param {string} line1 @param {string} city @param {string} postalCode @param {string} country */
const shipping = (line1, city, postalCode, country, extra = {}) => ({
	line1,
	city,
	postalCode,
	country,
	...extra,
});

/**
 * The calls of one round, in order: each a saved workflow (called through its webhook) and what it is sent. `before`
 * prepares Stripe (a fault, a limit) and returns what the body needs; `after` undoes it.
 * @typedef {{ workflow: string, body: (ctx: RoundContext) => any,
 *   before?: (doubleUrl: string) => Promise<Record<string, string>>, after?: (doubleUrl: string) => Promise<void>,
 *   newCustomers?: boolean }} Call
 * @typedef {{ adaId: string, prepared: Record<string, string> }} RoundContext
 */
/** @type {Call[]} */
const CALLS = [
	{
		workflow: 'upgCreateSeedV1',
		body: () => ({
			customers: [
				{
					...ADA,
					phone: '+49 30 1234567',
					description: 'every field of the original spec',
					balance: '-500',
					vat: 'DE123456789',
					source: 'tok_visa',
					coupon: 'SPRING25',
					shipping: shipping('Unter den Linden 1', 'Berlin', '10117', 'DE', {
						name: 'Ada at the office',
						line2: '2nd floor',
						state: 'BE',
					}),
				},
				{
					...BEA,
					phone: '+43 1 2345678',
					defaultSource: 'pm_card_mastercard',
					shipping: shipping('Ring 2', 'Wien', '1010', 'AT'),
				},
			],
		}),
	},
	{
		workflow: 'upgCreateSeedV11',
		body: () => ({
			customers: [
				{
					orderId: 'order-1001',
					name: 'Cleo Keyed',
					email: 'cleo.keyed@example.com',
					description: 'custom idempotency key',
					balance: '1250',
					vat: 'FR12345678901',
					coupon: 'WELCOME',
					shipping: shipping('1 Rue de Rivoli', 'Paris', '75001', 'France'),
				},
				{ orderId: 'order-1002', name: 'Dan Keyed', email: 'dan.keyed@example.com' },
			],
		}),
	},
	{
		workflow: 'upgEmailExists11',
		body: () => ({
			customers: [
				{ ...ADA, phone: '+49 30 7654321' },
				{ name: 'Eve New', email: 'eve.new@example.com' },
			],
		}),
	},
	{
		workflow: 'upgUpsertV1',
		body: () => ({
			customers: [
				{ name: 'Bea Upserted', email: BEA.email },
				{ name: 'Finn Upsert', email: 'finn.upsert@example.com' },
			],
		}),
	},
	{ workflow: 'upgGetManyV11', body: () => ({ email: ADA.email }) },
	{
		workflow: 'upgUpdateV1',
		body: ({ adaId }) => ({
			customerId: adaId,
			name: 'Ada Seed (updated)',
			line1: 'Graben 3',
			city: 'Wien',
			postalCode: '1010',
		}),
	},
	{
		workflow: 'upgDeleteV11',
		// A customer made elsewhere (through Stripe's API) for each round: Delete acts on it.
		before: async (doubleUrl) => ({
			target: (await stripeApi(doubleUrl, 'POST', '/v1/customers', { name: 'To Delete' })).id,
		}),
		body: ({ prepared }) => ({ customerId: prepared.target }),
		newCustomers: true,
	},
	{
		workflow: 'upgRateV12',
		// Stripe's limit just above the saved 4 per second: a node that keeps to it gets no 429.
		before: async (doubleUrl) => {
			await doubleFaults(doubleUrl, { rateLimitPerSecond: RATE_LIMIT_AT_STRIPE });
			return {};
		},
		after: async (doubleUrl) => void (await doubleFaults(doubleUrl, { rateLimitPerSecond: null })),
		body: () => ({
			customers: Array.from({ length: RATE_ITEMS }, (_, i) => ({
				name: `Rate ${i + 1}`,
				email: `rate${i + 1}@example.com`,
			})),
		}),
		newCustomers: true,
	},
	{
		workflow: 'upgNoRetryV11',
		// Stripe answers the create 500 once: with Max Retries 0 the item fails at once, never retried.
		before: async (doubleUrl) => {
			await doubleFaults(doubleUrl, {
				failNext: { n: 1, how: { status: 500 }, on: 'POST /v1/customers' },
			});
			return {};
		},
		body: () => ({ customers: [{ name: 'Gus No Retry', email: 'gus.noretry@example.com' }] }),
		newCustomers: true,
	},
];

// ---------------------------------------------------------------- Stripe's side

/** @param {string} doubleUrl @param {string} method @param {string} p @param {Record<string, string>} [form] @returns {Promise<any>} */
async function stripeApi(doubleUrl, method, p, form) {
	const res = await fetch(doubleUrl + p, {
		method,
		headers: {
			Authorization: `Bearer ${SECRET_KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: form ? new URLSearchParams(form) : undefined,
	});
	if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
	return await res.json();
}

/** @param {string} doubleUrl @param {unknown} body */
async function doubleFaults(doubleUrl, body) {
	const res = await fetch(`${doubleUrl}/_double/faults`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`/_double/faults: HTTP ${res.status} ${await res.text()}`);
}

/** @param {string} doubleUrl @param {string} p @param {unknown} [body] @returns {Promise<any>} */
async function doubleControl(doubleUrl, p, body) {
	const res = await fetch(doubleUrl + p, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
	return await res.json();
}

/** @param {string} doubleUrl @returns {Promise<any[]>} every request the double received, in order */
async function doubleRequests(doubleUrl) {
	return (await doubleControl(doubleUrl, '/_double/state')).requests ?? [];
}

/** @param {string} doubleUrl @returns {Promise<any[]>} */
async function webhookEndpoints(doubleUrl) {
	return (await stripeApi(doubleUrl, 'GET', '/v1/webhook_endpoints?limit=100')).data;
}

/** Waits until the double has nothing to deliver and nothing waiting for a retry. @param {string} doubleUrl */
async function deliveriesSettled(doubleUrl) {
	await doubleControl(doubleUrl, '/_double/webhooks/idle', { timeoutMs: 150_000 });
}

// ---------------------------------------------------------------- one round of calls, as a user sees it

/**
 * What one call gave, comparable across rounds: the output items and the requests Stripe got, with what differs by
 * nature between two runs (the execution's ID, customers made new on purpose, request IDs) named by role.
 * @typedef {{ output: any, requests: string[], raw: { output: any, requests: any[], executionId: string } }} CallResult
 */

/**
 * The requests of one call as comparable lines, sorted (items are sent concurrently). An idempotency key holding the
 * execution's ID is a key per execution: it shows as such.
 * @param {any[]} requests @param {string} executionId @param {(text: string) => string} rename
 */
function requestLines(requests, executionId, rename) {
	return requests
		.map((r) => {
			const key = r.idempotencyKey
				? rename(String(r.idempotencyKey).split(`:${executionId}:`).join(':<execution>:'))
				: '-';
			const query = new URLSearchParams(r.query ?? {}).toString();
			return rename(
				`${r.method} ${r.path}${query ? `?${query}` : ''} [${r.rawBody ?? ''}] key=${key} version=${r.apiVersion ?? '-'} → ${r.status}${r.replayed ? ' (replayed)' : ''}`,
			);
		})
		.sort();
}

/**
 * Names the customers a call made or acted on by their order of appearance (`<new customer 1>`) and request IDs
 * (`<request>`), so two runs compare.
 * @param {string[]} newIds
 */
function renamer(newIds) {
	return (/** @type {string} */ text) => {
		let out = text.replace(/req_[A-Za-z0-9]+/g, '<request>');
		newIds.forEach((id, i) => (out = out.split(id).join(`<new customer ${i + 1}>`)));
		return out;
	};
}

/** @param {N8nServer} n8n @param {string} executionId @returns {Promise<string>} the error n8n stored for a run */
async function executionError(n8n, executionId) {
	const full = await n8n.rest('GET', `/executions/${executionId}`);
	const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
	return String(data?.resultData?.error?.message ?? '(no error stored)');
}

/** @param {N8nServer} n8n @param {string} workflowId @returns {Promise<string>} the workflow's newest execution */
async function newestExecution(n8n, workflowId) {
	const list = await n8n.executions(workflowId);
	return String(list[list.length - 1]?.id ?? '');
}

/**
 * Runs every call once, in order, through the workflows' webhooks.
 * @param {N8nServer} n8n @param {string} doubleUrl @param {string} round e.g. "first run"
 * @returns {Promise<Map<string, CallResult>>}
 */
async function runRound(n8n, doubleUrl, round) {
	/** @type {Map<string, CallResult>} */
	const results = new Map();
	/** @type {RoundContext} */
	const ctx = { adaId: '', prepared: {} };
	for (const call of CALLS) {
		ctx.prepared = call.before ? await call.before(doubleUrl) : {};
		const from = (await doubleRequests(doubleUrl)).length;
		const webhook = SAVED_WORKFLOWS.find((w) => w.id === call.workflow).nodes.find(
			(/** @type {any} */ n) => n.type === 'n8n-nodes-base.webhook',
		);
		const res = await fetch(`${n8n.url}/webhook/${webhook.parameters.path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(call.body(ctx)),
		});
		const text = await res.text();
		if (call.after) await call.after(doubleUrl);
		/** @type {any} */
		let output;
		try {
			output = JSON.parse(text);
		} catch {
			output = { httpStatus: res.status, text: text.slice(0, 500) };
		}
		// The trigger looks after its endpoint whenever n8n (re)activates it: not this call's requests.
		const requests = (await doubleRequests(doubleUrl))
			.slice(from)
			.filter((r) => !r.path.startsWith('/v1/webhook_endpoints'));
		const executionId = await newestExecution(n8n, call.workflow);
		// A failed run answers "Error in workflow": what went wrong is in the execution n8n stored.
		if (!res.ok) output = { httpStatus: res.status, error: await executionError(n8n, executionId) };
		if (call.workflow === 'upgCreateSeedV1') ctx.adaId = output?.[0]?.customerId ?? '';
		const shown = JSON.stringify(output);
		const newIds = call.newCustomers
			? [
					...new Set([
						...(ctx.prepared.target ? [ctx.prepared.target] : []),
						...(shown.match(/cus_[A-Za-z0-9]+/g) ?? []),
					]),
				]
			: [];
		const rename = renamer(newIds);
		results.set(call.workflow, {
			output: JSON.parse(rename(shown)),
			requests: requestLines(requests, executionId, rename),
			raw: { output, requests, executionId },
		});
	}
	fs.writeFileSync(
		path.join(env.artifacts, `round-${round.replace(/\W+/g, '-')}.json`),
		JSON.stringify(Object.fromEntries(results), null, 1),
	);
	return results;
}

// ---------------------------------------------------------------- the trigger's executions

/** @type {Map<string, {id: string, status: string, events: string[]}>} finished executions, read once */
const finishedRuns = new Map();

/** Every execution of the trigger workflow with the events it started with. @param {N8nServer} n8n */
async function triggerRuns(n8n) {
	const runs = [];
	for (const summary of await n8n.executions(TRIGGER_WORKFLOW.id)) {
		const known = finishedRuns.get(String(summary.id));
		if (known) {
			runs.push(known);
			continue;
		}
		const full = await n8n.rest('GET', `/executions/${summary.id}`);
		const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
		const items = data?.resultData?.runData?.Received?.[0]?.data?.main?.[0] ?? [];
		const run = {
			id: String(summary.id),
			status: full.status ?? summary.status,
			events: items.map((/** @type {any} */ i) => i.json?.id),
		};
		if (full.finished || ['success', 'error', 'crashed'].includes(run.status))
			finishedRuns.set(run.id, run);
		runs.push(run);
	}
	return runs;
}

/**
 * Every customer event Stripe made since the endpoint exists started exactly one execution, and no execution
 * started for anything else; every delivery ended with a 2xx.
 * @param {N8nServer} n8n @param {string} doubleUrl @param {string} endpointId @param {string} when
 */
async function checkEventsRanOnce(n8n, doubleUrl, endpointId, when) {
	await deliveriesSettled(doubleUrl);
	const webhooks = await doubleControl(doubleUrl, '/_double/webhooks');
	const delivered = /** @type {any[]} */ (webhooks.deliveries).filter(
		(d) => d.endpointId === endpointId,
	);
	const events = [...new Set(delivered.map((d) => d.eventId))];
	const unanswered = events.filter(
		(id) => !delivered.some((d) => d.eventId === id && d.status >= 200 && d.status < 300),
	);
	checkEqual(`${when}: every event Stripe sent was acknowledged (2xx)`, unanswered, []);
	// n8n runs a received event after answering: wait until every event shows as one execution.
	const expected = events.length;
	const runs =
		(await until(async () => {
			const list = await triggerRuns(n8n);
			return list.flatMap((r) => r.events).length >= expected ? list : undefined;
		}, 60_000)) ?? (await triggerRuns(n8n));
	await sleep(1500); // room for a second run of an event to show
	const ran = (await triggerRuns(n8n)).flatMap((r) => r.events);
	const counts = new Map();
	for (const id of ran) counts.set(id, (counts.get(id) ?? 0) + 1);
	checkEqual(
		`${when}: each of the ${events.length} events started exactly one execution`,
		{
			missing: events.filter((id) => !counts.has(id)),
			twice: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
			unknown: [...counts.keys()].filter((id) => !events.includes(id)),
		},
		{ missing: [], twice: [], unknown: [] },
	);
	check(
		`${when}: those executions succeeded`,
		runs.every((r) => r.status === 'success'),
		runs.filter((r) => r.status !== 'success'),
	);
	return delivered;
}

/**
 * The events of customers changed while n8n was down: Stripe's first attempts found no n8n, a retry after the start
 * was acknowledged (and checkEventsRanOnce saw each run once).
 * @param {any[]} delivered @param {string[]} customerIds @param {string} when
 */
function checkRedelivered(delivered, customerIds, when) {
	const attempts = delivered.filter((d) => customerIds.some((id) => d.body.includes(id)));
	const byEvent = new Map();
	for (const d of attempts) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
	check(
		`${when}: the events of the customers changed while n8n was down failed to arrive, then were delivered after the start`,
		byEvent.size > 0 &&
			[...byEvent.values()].every(
				(list) =>
					list.some((/** @type {any} */ d) => !(d.status >= 200 && d.status < 300)) &&
					list.some((/** @type {any} */ d) => d.status >= 200 && d.status < 300),
			),
		attempts.map((d) => [d.type, d.attempt, d.status, d.error ?? '']),
	);
}

// ---------------------------------------------------------------- the steps

/** @param {string} doubleUrl */
async function importSavedWork(doubleUrl) {
	const c = await importCredentials(env, [
		{ ...CREDENTIAL, data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } },
	]);
	check('the credential imported', c.code === 0, c.output);
	const w = await n8nCli(
		env,
		[
			'import:workflow',
			`--input=${path.join(__dirname, 'workflows', `upgrade-saved-with-${SAVED_WITH}.json`)}`,
		],
		'import-workflows',
	);
	check(`the ${SAVED_WORKFLOWS.length} saved workflows imported`, w.code === 0, w.output);
}

/**
 * Installs a tarball the way n8n does (n8n stopped) and checks that n8n's nodes folder holds that build.
 * @param {string} tgz @param {string} label
 */
function install(tgz, label) {
	const installed = installLikeN8n(HOME, tgz, env.major, env.nodeBin);
	checkEqual(
		`${label} is what n8n's nodes folder holds (version ${installed.version}, build ${installed.digest})`,
		installed.digest,
		tarballDigest(tgz),
	);
	return installed;
}

/**
 * The second run before the update against the run after it: the same outputs and the same requests, call by call.
 * @param {Map<string, CallResult>} before @param {Map<string, CallResult>} after
 */
function compareRounds(before, after) {
	for (const call of CALLS) {
		const a = before.get(call.workflow);
		const b = after.get(call.workflow);
		checkEqual(`${call.workflow}: the same output`, b?.output, a?.output);
		checkEqual(`${call.workflow}: the same requests to Stripe`, b?.requests, a?.requests);
	}
}

/** What the first rounds must show on their own: the options in effect, idempotency as saved. @param {Map<string, CallResult>} first @param {Map<string, CallResult>} again @param {string} when */
function checkSavedOptions(first, again, when) {
	const ids = (/** @type {any} */ r) =>
		(Array.isArray(r?.raw.output) ? r.raw.output : []).map((/** @type {any} */ i) => i.customerId);
	const seed = [again.get('upgCreateSeedV1'), again.get('upgCreateSeedV11')];
	checkEqual(
		`${when}: Per Input and Custom Key: the same customers as the first run, replayed by Stripe`,
		seed.map(ids),
		[first.get('upgCreateSeedV1'), first.get('upgCreateSeedV11')].map(ids),
	);
	checkEqual(
		`${when}: If Email Exists → update and Create or Update: both emails updated`,
		['upgEmailExists11', 'upgUpsertV1'].map((w) =>
			(again.get(w)?.raw.output ?? []).map((/** @type {any} */ i) => i.action),
		),
		[
			['updated', 'updated'],
			['updated', 'updated'],
		],
	);
	const rate = again.get('upgRateV12')?.raw.requests ?? [];
	checkEqual(
		`${when}: Requests Per Second 4: no 429 from Stripe's limit of ${RATE_LIMIT_AT_STRIPE} per second, ${RATE_ITEMS} creates`,
		[rate.filter((r) => r.status === 429).length, rate.filter((r) => r.method === 'POST').length],
		[0, RATE_ITEMS],
	);
	checkEqual(
		`${when}: Per Execution: a new execution made ${RATE_ITEMS} new customers`,
		ids(again.get('upgRateV12')).filter(
			(/** @type {string} */ id) => id && !ids(first.get('upgRateV12')).includes(id),
		).length,
		RATE_ITEMS,
	);
	const noRetry = again.get('upgNoRetryV11');
	checkEqual(
		`${when}: Max Retries 0: the create answered 500 was sent once, and its item is an error item`,
		[
			(noRetry?.raw.requests ?? []).map((r) => `${r.method} ${r.path} → ${r.status}`),
			typeof noRetry?.raw.output?.[0]?.error,
		],
		[['POST /v1/customers → 500'], 'string'],
	);
}

async function main() {
	fs.mkdirSync(HOME, { recursive: true });
	heading(`setup (n8n ${env.version})`);
	const double = await startDoubleProcess(SECRET_KEY);
	await doubleControl(double.url, '/_double/webhooks', { retryDelaysMs: DELIVERY_RETRIES_MS });
	console.log(`  Stripe double on ${double.url}`);
	const n8n = new N8nServer(env, await freePort());
	process.on('exit', () => {
		double.child.kill('SIGTERM');
		n8n.child?.kill('SIGKILL');
	});
	const tarballs = path.join(env.artifacts, 'tarballs');
	const previous = releaseTarball(SAVED_WITH, CACHE_DIR);
	const current = currentTarball(tarballs);
	const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const nextVersion = version.replace(/\d+$/, (patch) => String(Number(patch) + 1));
	const next = repackAs(current, nextVersion, path.join(tarballs, 'next'));
	console.log(
		`  ${SAVED_WITH} built from git at ${previous.commit.slice(0, 12)}; this build as ${version}, and as ${nextVersion}`,
	);

	/** @type {string | undefined} */
	let endpointId;
	try {
		heading(`${SAVED_WITH} installed, workflows saved with it`);
		install(previous.tgz, `${SAVED_WITH} (built from git at ${previous.commit.slice(0, 7)})`);
		await importSavedWork(double.url);
		await n8n.start();
		for (const workflow of SAVED_WORKFLOWS) await n8n.activate(workflow.id);
		const [endpoint, ...others] = await webhookEndpoints(double.url);
		endpointId = endpoint?.id;
		checkEqual(
			'the trigger made one endpoint at Stripe, for its production URL and events',
			[endpoint?.url, [...(endpoint?.enabled_events ?? [])].sort(), others.length],
			[`${n8n.url}/webhook/${TRIGGER_WORKFLOW.nodes[0].webhookId}/webhook`, TRIGGER_EVENTS, 0],
		);
		const first = await runRound(n8n, double.url, 'first run');
		const again = await runRound(n8n, double.url, `${SAVED_WITH} again`);
		checkSavedOptions(first, again, `${SAVED_WITH}, run again`);
		await checkEventsRanOnce(n8n, double.url, String(endpointId), `${SAVED_WITH}`);

		heading(`update to this build (${version}) while n8n is stopped`);
		await n8n.stop();
		const whileDown = await stripeApi(double.url, 'POST', '/v1/customers', {
			name: 'Made while n8n was down',
		});
		install(current, 'this build');
		await n8n.start();
		const after = await runRound(n8n, double.url, 'after the update');
		compareRounds(again, after);
		checkSavedOptions(first, after, 'after the update');
		const delivered = await checkEventsRanOnce(
			n8n,
			double.url,
			String(endpointId),
			'across the update',
		);
		checkRedelivered(delivered, [whileDown.id], 'the update');
		checkEqual(
			'the trigger kept its endpoint: the same one, the same URL and events',
			(await webhookEndpoints(double.url)).map((e) => [e.id, e.url, [...e.enabled_events].sort()]),
			[[endpointId, endpoint?.url, TRIGGER_EVENTS]],
		);

		if (env.major >= 2 && process.env.UPGRADE_BROWSER !== '0') {
			heading('the saved nodes in the editor, after the update');
			const { checkSavedWorkflowsInEditor } = require('../browser/upgrade.browser.js');
			await checkSavedWorkflowsInEditor({
				url: n8n.url,
				email: n8n.owner.email,
				password: n8n.owner.password,
				workflows: SAVED_WORKFLOWS,
				check,
				rest: (/** @type {string} */ method, /** @type {string} */ p) => n8n.rest(method, p),
				artifacts: env.artifacts,
			});
		} else {
			console.log(
				`  (the editor part runs on n8n 2.x: ${env.major < 2 ? `n8n ${env.version}'s editor is not the one the browser tests know` : 'UPGRADE_BROWSER=0'})`,
			);
		}

		heading(`update again, the trigger active: ${version} → ${nextVersion}`);
		await stripeApi(double.url, 'POST', '/v1/customers', { name: 'Made before the stop' });
		// Stopped once its execution is done: n8n answers Stripe before it runs the workflow (see the harness doc).
		await checkEventsRanOnce(n8n, double.url, String(endpointId), 'before the stop');
		await n8n.stop();
		const down = await stripeApi(double.url, 'POST', '/v1/customers', {
			name: 'Made while n8n was down again',
		});
		await stripeApi(double.url, 'POST', `/v1/customers/${down.id}`, { name: 'Renamed while down' });
		const updated = install(next, `this build as ${nextVersion}`);
		checkEqual('the installed version is the next one', updated.version, nextVersion);
		await n8n.start();
		await stripeApi(double.url, 'POST', '/v1/customers', { name: 'Made after the restart' });
		checkRedelivered(
			await checkEventsRanOnce(
				n8n,
				double.url,
				String(endpointId),
				`across ${version} → ${nextVersion}`,
			),
			[down.id],
			`${version} → ${nextVersion}`,
		);
		checkEqual(
			'the same single endpoint at Stripe',
			(await webhookEndpoints(double.url)).map((e) => e.id),
			[endpointId],
		);
		const endpointWrites = (await doubleRequests(double.url)).filter(
			(r) =>
				(r.method === 'POST' && r.path === '/v1/webhook_endpoints') ||
				(r.method === 'DELETE' && r.path.startsWith('/v1/webhook_endpoints/')),
		);
		checkEqual(
			'in all: Stripe was asked to create an endpoint once and to delete none',
			endpointWrites.map((r) => `${r.method} ${r.path} → ${r.status}`),
			['POST /v1/webhook_endpoints → 200'],
		);
	} catch (error) {
		check('the run completed', false, error instanceof Error ? error.stack : String(error));
	} finally {
		await n8n.stop();
		await saveDoubleState(double.url, env.artifacts);
		double.child.kill('SIGTERM');
		heading('the secret key stays secret');
		const database = path.join(HOME, '.n8n');
		const files = [
			...fs.readdirSync(env.artifacts).map((f) => path.join(env.artifacts, f)),
			...fs
				.readdirSync(database)
				.filter((f) => f.startsWith('database.sqlite'))
				.map((f) => path.join(database, f)),
		].filter((f) => fs.statSync(f).isFile());
		const leaks = files.filter((f) => {
			const bytes = fs.readFileSync(f);
			return bytes.includes(SECRET_KEY) || bytes.includes(SECRET_KEY.slice(8));
		});
		checkEqual(
			`in none of n8n's logs, the double's state, the rounds' records or n8n's database (${files.length} files)`,
			leaks,
			[],
		);
		finish(`n8n ${env.version} upgrade e2e`, env.artifacts);
	}
}

main();
