import Stripe from 'stripe';
import { sleep, type IDataObject, type INodeParameters } from 'n8n-workflow';

import {
	releaseSettings,
	RELEASE_METADATA_KEY,
} from '../nodes/StripeCustomer/trigger/endpointLifecycle';
import { DEFAULT_API_VERSION } from '../nodes/StripeCustomer/transport/stripeRequest';
import { PUBLIC_URL_ADVICE } from '../nodes/StripeCustomer/trigger/webhookUrl';
import type { StripeDouble } from './stripe-double';
import { SECRET_KEY, startDouble } from './support/stripeFixtures';
import { closedPort } from './support/closedPort';
import {
	n8nShows,
	TRIGGER_NAME,
	TriggerHarness,
	type N8nVersion,
	type TriggerWorkflow,
} from './support/triggerRunner';

// The Stripe Customer Trigger in n8n's engine (n8n-core's hook and webhook contexts, WorkflowExecute), with its
// endpoint at the Stripe test double and its URL served over HTTP: what reaches the workflow, what Stripe holds.

let double: StripeDouble;
let harness: TriggerHarness;
let stripe: Stripe;
// A released endpoint's settle time and grace period, shortened so a deactivation shows within a test.
const SETTLE_MS = 150;
const GRACE_MS = 400;
const defaultRelease = { ...releaseSettings };

beforeAll(async () => {
	double = await startDouble();
	harness = await TriggerHarness.start();
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
	Object.assign(releaseSettings, { settleMs: SETTLE_MS, graceMs: GRACE_MS });
});
afterAll(async () => {
	Object.assign(releaseSettings, defaultRelease);
	await harness.close();
	await double.close();
});
beforeEach(() => double.reset());

const credentials = (extra: IDataObject = {}) => ({
	secretKey: SECRET_KEY,
	baseUrl: double.url,
	stripeAccount: '',
	...extra,
});

function newWorkflow(
	parameters: INodeParameters = { events: ['customer.created', 'customer.updated'] },
	extra: IDataObject = {},
): TriggerWorkflow {
	return harness.workflow({ parameters, credentials: credentials(extra) });
}

/** What the trigger node keeps in the workflow's static data. */
const triggerState = (workflow: TriggerWorkflow) =>
	(workflow.staticData[`node:${TRIGGER_NAME}`] ?? {}) as IDataObject;

async function endpointsAtStripe(
	options: Stripe.RequestOptions = {},
): Promise<Stripe.WebhookEndpoint[]> {
	return (await stripe.webhookEndpoints.list({ limit: 100 }, options)).data;
}

/** The requests the trigger sent to /v1/webhook_endpoints, as "METHOD path". */
function endpointCalls(): string[] {
	return double.requests
		.filter((request) => request.path.startsWith('/v1/webhook_endpoints'))
		.map((request) => `${request.method} ${request.path}`);
}

let eventCounter = 0;
function customerEvent(type: string, object: IDataObject, extra: IDataObject = {}): IDataObject {
	eventCounter++;
	return {
		id: `evt_test${String(eventCounter).padStart(6, '0')}`,
		object: 'event',
		api_version: DEFAULT_API_VERSION,
		created: Math.floor(Date.now() / 1000),
		data: { object },
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		type,
		...extra,
	};
}

const ada = { id: 'cus_ada', object: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' };

/** POSTs an event to a URL as Stripe does: the JSON body, signed with `secret` by Stripe's own library. */
async function deliver(
	url: string,
	event: IDataObject,
	secret: string,
	how: { timestamp?: number; header?: string | null; body?: string } = {},
): Promise<{ status: number; body: IDataObject }> {
	const payload = JSON.stringify(event);
	const header =
		how.header !== undefined
			? how.header
			: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: how.timestamp });
	const response = await fetch(url, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
			...(header === null ? {} : { 'Stripe-Signature': header }),
		},
		body: how.body ?? payload,
	});
	return { status: response.status, body: (await response.json()) as IDataObject };
}

/** The endpoint's signing secret as Stripe holds it (Stripe signs with it). */
async function secretAtStripe(endpointId: string): Promise<string> {
	const stored = double.webhookEndpoints.find((w) => w.id === endpointId);
	if (!stored) throw new Error(`the double has no endpoint ${endpointId}`);
	return stored.secret;
}

async function activeWorkflow(
	parameters?: INodeParameters,
	extra?: IDataObject,
	version: N8nVersion = '2.x',
) {
	const workflow = newWorkflow(parameters, extra);
	await workflow.activate(version);
	const [endpoint] = await endpointsAtStripe(
		extra?.stripeAccount ? { stripeAccount: String(extra.stripeAccount) } : {},
	);
	return { workflow, endpoint, secret: await secretAtStripe(endpoint.id) };
}

/** The error of an activation that must fail (n8n 2.x: after its 5 tries). */
async function failedActivation(workflow: TriggerWorkflow, version: N8nVersion = '2.x') {
	const error = await workflow.activate(version).then(
		() => undefined,
		(e: unknown) => e,
	);
	if (!error) throw new Error('the activation succeeded');
	return error;
}

/** Waits until the double has delivered everything it had to (retries included). */
async function deliveriesDone(): Promise<void> {
	expect(await double.webhooks.idle(10_000)).toBe(true);
}

/** The answers the trigger gave the double's deliveries, in order: [event type, HTTP status]. */
const answers = () => double.deliveries.map((attempt) => [attempt.type, attempt.status]);

describe('deliveries', () => {
	test('a customer created, updated and deleted at Stripe starts one execution each; its item is that event', async () => {
		const { workflow } = await activeWorkflow({
			events: ['customer.created', 'customer.updated', 'customer.deleted'],
		});
		const customer = await stripe.customers.create({
			name: 'Ada Lovelace',
			email: 'ada@example.com',
		});
		await stripe.customers.update(customer.id, { email: 'ada@new.example.com' });
		await stripe.customers.del(customer.id);
		await deliveriesDone();
		expect(answers()).toEqual([
			['customer.created', 200],
			['customer.updated', 200],
			['customer.deleted', 200],
		]);
		const executions = await workflow.waitForExecutions(3);
		const events = double.events.map((stored) => stored.event);
		expect(executions.map((execution) => [execution.mode, execution.items])).toEqual([
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.created',
						id: events[0].id,
						created: events[0].created,
						livemode: false,
						customer: events[0].data.object,
					},
				],
			],
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.updated',
						id: events[1].id,
						created: events[1].created,
						livemode: false,
						customer: events[1].data.object,
						previousAttributes: { email: 'ada@example.com' },
					},
				],
			],
			[
				'trigger',
				[
					{
						customerId: customer.id,
						event: 'customer.deleted',
						id: events[2].id,
						created: events[2].created,
						livemode: false,
						customer: events[2].data.object,
					},
				],
			],
		]);
	});

	test(`a delivery signed by Stripe's own library with the endpoint's secret starts the workflow and is answered {"received": true}, as JSON Stripe shows in its Dashboard`, async () => {
		const { workflow, secret } = await activeWorkflow();
		const event = customerEvent('customer.created', ada);
		expect(await deliver(workflow.productionUrl, event, secret)).toEqual({
			status: 200,
			body: { received: true },
		});
		expect((await workflow.waitForExecutions(1))[0].items[0]).toMatchObject({
			customerId: 'cus_ada',
			id: event.id,
		});
	});

	test.each([
		[
			'signed with another secret',
			'wrong-secret',
			"no v1 signature matches the body and this endpoint's signing secret",
		],
		[
			'signed 10 minutes ago (a replay)',
			'old-timestamp',
			"the signature's timestamp is 600 s old (at most 300 s allowed)",
		],
		['without a Stripe-Signature header', 'missing', 'no Stripe-Signature header'],
		[
			'with its body changed after signing',
			'tampered-body',
			"no v1 signature matches the body and this endpoint's signing secret",
		],
	] as const)('a delivery %s gets a 400 and starts nothing', async (_title, signing, reason) => {
		const { workflow, endpoint } = await activeWorkflow();
		double.webhooks.pause(); // the event is stored, its regular delivery held back
		const customer = await stripe.customers.create({ name: 'Ada Lovelace' });
		const [{ id: eventId }] = double.events.map((stored) => stored.event);
		const forged = await double.webhooks.send(endpoint.id, { event: eventId, signing });
		expect([forged.status, JSON.parse(forged.response)]).toEqual([
			400,
			{ error: `Stripe signature check failed: ${reason}` },
		]);
		await sleep(100);
		expect(workflow.executions).toHaveLength(0);
		// The genuine delivery of the same event still runs: a refused forgery does not mark its ID as delivered.
		double.webhooks.resume();
		await deliveriesDone();
		expect(
			(await workflow.waitForExecutions(1)).map((execution) => execution.items[0].customerId),
		).toEqual([customer.id]);
	});

	test('an event Stripe delivers twice, or retries after a refused attempt, runs once', async () => {
		const { workflow } = await activeWorkflow();
		double.webhooks.failNext(1, 'duplicate');
		const first = await stripe.customers.create({ name: 'Twice Delivered' });
		await deliveriesDone();
		double.webhooks.failNext(1, 'wrong-signature');
		const second = await stripe.customers.create({ name: 'Retried' });
		await deliveriesDone();
		expect(
			double.deliveries.map((attempt) => [
				attempt.attempt,
				attempt.duplicate,
				attempt.signing,
				attempt.status,
			]),
		).toEqual([
			[1, false, 'valid', 200],
			[1, true, 'valid', 200],
			[1, false, 'wrong-secret', 400],
			[2, false, 'valid', 200],
		]);
		await workflow.waitForExecutions(2);
		await sleep(200);
		expect(workflow.executions.map((execution) => execution.items[0].customerId)).toEqual([
			first.id,
			second.id,
		]);
		const duplicate = double.deliveries[1];
		expect(JSON.parse(duplicate.response)).toEqual({
			received: true,
			duplicate: `${duplicate.eventId} was already delivered`,
		});
	});

	test('an event type the trigger was not set to is acknowledged and starts nothing; "Any Customer Event" takes tax IDs, not subscriptions', async () => {
		const { workflow, endpoint } = await activeWorkflow({ events: ['anyCustomerEvent'] });
		expect(endpoint.enabled_events).not.toContain('customer.subscription.created');
		// Stripe would not send it to this endpoint; a signed one arrives anyway (an endpoint edited in the Dashboard).
		const subscription = customerEvent('customer.subscription.created', {
			id: 'sub_1',
			object: 'subscription',
			customer: 'cus_ada',
			status: 'active',
		});
		const ignored = await double.webhooks.send(endpoint.id, { payload: subscription });
		expect([ignored.status, JSON.parse(ignored.response)]).toEqual([
			200,
			{
				received: true,
				ignored: "customer.subscription.created is not one of this trigger's events",
			},
		]);
		const customer = await stripe.customers.create({
			name: 'Ada',
			tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
		});
		await deliveriesDone();
		const executions = await workflow.waitForExecutions(2);
		await sleep(100);
		expect(
			executions.map((execution) => [execution.items[0].event, execution.items[0].customerId]),
		).toEqual([
			['customer.created', customer.id],
			['customer.tax_id.created', customer.id],
		]);
		expect(executions[1].items[0].object).toMatchObject({
			object: 'tax_id',
			type: 'eu_vat',
			value: 'DE123456789',
			customer: customer.id,
		});
	});

	test('Include Raw Event adds the event exactly as Stripe sent it', async () => {
		const { workflow } = await activeWorkflow({
			events: ['customer.created'],
			options: { includeRawEvent: true },
		});
		await stripe.customers.create({ name: 'Raw' });
		await deliveriesDone();
		const [execution] = await workflow.waitForExecutions(1);
		expect(execution.items[0].rawEvent).toEqual(JSON.parse(double.deliveries[0].body));
	});
});

describe('Connect', () => {
	test("with the credential's connected account: the endpoint is made on that account and items carry its ID", async () => {
		const { workflow, endpoint } = await activeWorkflow(
			{ events: ['customer.created'] },
			{ stripeAccount: 'acct_1Connected' },
		);
		expect(await endpointsAtStripe()).toEqual([]);
		expect(endpoint.url).toBe(workflow.productionUrl);
		await stripe.customers.create({ name: 'Platform customer' });
		const customer = await stripe.customers.create(
			{ name: 'Connected customer' },
			{ stripeAccount: 'acct_1Connected' },
		);
		await deliveriesDone();
		const [execution] = await workflow.waitForExecutions(1);
		await sleep(100);
		expect(workflow.executions.map((e) => [e.items[0].customerId, e.items[0].account])).toEqual([
			[customer.id, 'acct_1Connected'],
		]);
		expect(execution.mode).toBe('trigger');
	});

	test("Events From Connected Accounts: a Connect endpoint on the platform; each item carries its event's account", async () => {
		const { workflow } = await activeWorkflow({
			events: ['customer.created'],
			options: { connectedAccounts: true },
		});
		const created = double.requests.find(
			(request) => request.method === 'POST' && request.path === '/v1/webhook_endpoints',
		);
		expect([created?.params, created?.account]).toEqual([
			expect.objectContaining({ connect: 'true' }),
			null,
		]);
		await stripe.customers.create({ name: 'Platform customer' });
		const first = await stripe.customers.create(
			{ name: 'Seller one' },
			{ stripeAccount: 'acct_1SellerOne' },
		);
		const second = await stripe.customers.create(
			{ name: 'Seller two' },
			{ stripeAccount: 'acct_1SellerTwo' },
		);
		await deliveriesDone();
		await workflow.waitForExecutions(2);
		await sleep(100);
		expect(workflow.executions.map((e) => [e.items[0].customerId, e.items[0].account])).toEqual([
			[first.id, 'acct_1SellerOne'],
			[second.id, 'acct_1SellerTwo'],
		]);
	});

	test('Events From Connected Accounts with a credential set to one connected account is an error, before any request', async () => {
		const workflow = newWorkflow(
			{ events: ['customer.created'], options: { connectedAccounts: true } },
			{ stripeAccount: 'acct_1Connected' },
		);
		await expect(workflow.activate()).rejects.toThrow(
			"Events From Connected Accounts needs the platform's own key: clear the Connected Account ID (acct_1Connected) of the credential, or turn the option off to receive that account's events",
		);
		expect(endpointCalls()).toEqual([]);
	});
});

/** Polls until `probe` is truthy or `ms` pass; returns its last value. */
async function until<T>(probe: () => Promise<T>, ms = 5_000): Promise<T> {
	const deadline = Date.now() + ms;
	let value = await probe();
	while (!value && Date.now() < deadline) {
		await sleep(50);
		value = await probe();
	}
	return value;
}

const creates = () => endpointCalls().filter((call) => call === 'POST /v1/webhook_endpoints');

describe("one endpoint at Stripe across n8n's lifecycle", () => {
	test('activation registers one endpoint: the production URL, exactly the chosen events, the pinned API version, a label; ID and secret kept in static data', async () => {
		const workflow = newWorkflow({ events: ['customer.updated', 'customer.created'] });
		await workflow.activate();
		const endpoints = await endpointsAtStripe();
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0]).toMatchObject({
			url: workflow.productionUrl,
			enabled_events: ['customer.created', 'customer.updated'],
			api_version: DEFAULT_API_VERSION,
			status: 'enabled',
			description: `n8n workflow "Stripe Customer Trigger test" (${workflow.id}), node "${TRIGGER_NAME}": n8n-nodes-stripe-customer`,
			metadata: {
				n8n_package: 'n8n-nodes-stripe-customer',
				n8n_instance: expect.stringMatching(/^[0-9a-f]{64}$/),
				n8n_workflow: workflow.id,
				n8n_node: workflow.triggerNode.id,
				n8n_url_kind: 'production',
			},
		});
		expect(triggerState(workflow)).toEqual({
			endpointId: endpoints[0].id,
			endpointSecret: await secretAtStripe(endpoints[0].id),
			endpointUrl: workflow.productionUrl,
			apiVersion: DEFAULT_API_VERSION,
			connect: false,
			account: '',
			kind: 'production',
		});
	});

	test('n8n 2.x: three publishes and a restart call nothing; publishing other events updates the same endpoint in place', async () => {
		const { workflow, endpoint, secret } = await activeWorkflow({ events: ['customer.created'] });
		const afterActivation = endpointCalls().length;
		for (let publish = 0; publish < 3; publish++)
			expect(await workflow.publish()).toBe('unchanged');
		await workflow.restart('2.x');
		expect(endpointCalls().length).toBe(afterActivation);

		workflow.edit({ parameters: { events: ['customer.created', 'customer.deleted'] } });
		expect(await workflow.publish()).toBe('re-registered');
		await sleep(GRACE_MS * 2); // the release n8n's delete made is over: the endpoint was taken back, not deleted
		const endpoints = await endpointsAtStripe();
		expect(
			endpoints.map((e) => [e.id, e.enabled_events, e.metadata[RELEASE_METADATA_KEY]]),
		).toEqual([[endpoint.id, ['customer.created', 'customer.deleted'], undefined]]);
		expect(creates()).toHaveLength(1);
		// Same secret: deliveries Stripe signs keep verifying, and the newly chosen event runs.
		await deliver(workflow.productionUrl, customerEvent('customer.deleted', ada), secret);
		expect((await workflow.waitForExecutions(1))[0].items[0].event).toBe('customer.deleted');
	});

	test('n8n 1.x: every save of an active workflow (delete, then checkExists) and a restart keep the one endpoint; new events are set in place', async () => {
		const { workflow, endpoint, secret } = await activeWorkflow({ events: ['customer.created'] });
		for (let save = 0; save < 3; save++) await workflow.saveWhileActive();
		await workflow.restart('1.x');
		workflow.edit({ parameters: { events: ['anyCustomerEvent'] } });
		await workflow.saveWhileActive();
		await sleep(GRACE_MS * 2);
		const endpoints = await endpointsAtStripe();
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0].id).toBe(endpoint.id);
		expect(endpoints[0].enabled_events).toHaveLength(13);
		expect(endpoints[0].metadata[RELEASE_METADATA_KEY]).toBeUndefined();
		expect(creates()).toHaveLength(1);
		expect(
			(
				await deliver(
					workflow.productionUrl,
					customerEvent('customer.source.created', {
						id: 'card_1',
						object: 'card',
						customer: 'cus_ada',
					}),
					secret,
				)
			).status,
		).toBe(200);
		expect((await workflow.waitForExecutions(1))[0].items[0].customerId).toBe('cus_ada');
	});

	test('renaming the trigger node (a new static-data key) leaves one endpoint: the orphan with its label and URL is removed', async () => {
		const { workflow, endpoint } = await activeWorkflow();
		workflow.edit({ name: 'Customer Changes' });
		expect(await workflow.publish()).toBe('re-registered');
		const endpoints = await endpointsAtStripe();
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0].id).not.toBe(endpoint.id);
		expect(endpoints[0].description).toContain('node "Customer Changes"');
	});

	test('a long workflow name cut for the endpoint description never cuts an emoji in half', async () => {
		const workflow = harness.workflow({
			parameters: { events: ['customer.created'] },
			credentials: credentials(),
			workflowName: `${'x'.repeat(98)}🦄 and more`,
		});
		await workflow.activate();
		const [endpoint] = await endpointsAtStripe();
		expect(endpoint.description).toContain(`n8n workflow "${'x'.repeat(98)}🦄…"`);
	});

	test('deactivation deletes the endpoint after the grace period; activating again within it takes the same endpoint back', async () => {
		const first = await activeWorkflow();
		await first.workflow.deactivate();
		const [released] = await endpointsAtStripe();
		expect(released.metadata[RELEASE_METADATA_KEY]).toMatch(/^[0-9a-f-]{36}$/);
		expect(await until(async () => (await endpointsAtStripe()).length === 0)).toBe(true);

		const second = await activeWorkflow();
		await second.workflow.deactivate();
		await second.workflow.activate();
		await sleep(GRACE_MS * 2);
		const endpoints = await endpointsAtStripe();
		expect(endpoints.map((e) => [e.id, e.metadata[RELEASE_METADATA_KEY]])).toEqual([
			[second.endpoint.id, undefined],
		]);
		expect(triggerState(second.workflow).endpointSecret).toBe(second.secret);
		// After a deactivation that ran its course, a new endpoint: Stripe no longer has the old one.
		await second.workflow.deactivate();
		await until(async () => (await endpointsAtStripe()).length === 0);
		await second.workflow.activate();
		expect((await endpointsAtStripe()).map((e) => e.id)).toEqual([
			expect.not.stringMatching(second.endpoint.id),
		]);
	});

	test('an endpoint deleted at Stripe (in the Dashboard) is made again on the next activation, and only its new secret verifies', async () => {
		const { workflow, endpoint, secret } = await activeWorkflow();
		await stripe.webhookEndpoints.del(endpoint.id);
		await workflow.restart('1.x');
		const endpoints = await endpointsAtStripe();
		expect(endpoints).toHaveLength(1);
		expect(endpoints[0].id).not.toBe(endpoint.id);
		const newSecret = await secretAtStripe(endpoints[0].id);
		expect(
			(await deliver(workflow.productionUrl, customerEvent('customer.created', ada), secret))
				.status,
		).toBe(400);
		expect(
			(await deliver(workflow.productionUrl, customerEvent('customer.created', ada), newSecret))
				.status,
		).toBe(200);
	});

	test("strays with this node's label and URL (a crash between create and saving its ID) are removed; other endpoints are left alone", async () => {
		const { workflow, endpoint } = await activeWorkflow();
		const label = endpoint.metadata;
		const stray = await stripe.webhookEndpoints.create({
			url: workflow.productionUrl,
			enabled_events: ['customer.created'],
			metadata: label,
		});
		const sameUrlNoLabel = await stripe.webhookEndpoints.create({
			url: workflow.productionUrl,
			enabled_events: ['customer.created'],
		});
		const otherNode = await stripe.webhookEndpoints.create({
			url: workflow.productionUrl,
			enabled_events: ['customer.created'],
			metadata: { ...label, n8n_node: 'another-node' },
		});
		const otherUrl = await stripe.webhookEndpoints.create({
			url: `${workflow.productionUrl}-elsewhere`,
			enabled_events: ['customer.created'],
			metadata: label,
		});
		await workflow.restart('1.x');
		expect((await endpointsAtStripe()).map((e) => e.id).sort()).toEqual(
			[endpoint.id, sameUrlNoLabel.id, otherNode.id, otherUrl.id].sort(),
		);
		expect((await endpointsAtStripe()).map((e) => e.id)).not.toContain(stray.id);
	});

	test('an endpoint labelled by another n8n instance (a copy of the database) is left alone: this instance makes its own', async () => {
		const { workflow, endpoint } = await activeWorkflow();
		// Staging restored from production's database: same workflow, same stored endpoint ID, another instance.
		const stored = double.webhookEndpoints.find((w) => w.id === endpoint.id)!;
		stored.endpoint.metadata.n8n_instance = 'another-instance';
		stored.endpoint.url = 'https://production.example.com/webhook/x/webhook';
		await workflow.restart('1.x');
		await workflow.deactivate();
		await sleep(GRACE_MS * 2);
		const endpoints = await endpointsAtStripe();
		expect(endpoints.map((e) => [e.id, e.url, e.metadata[RELEASE_METADATA_KEY]])).toEqual([
			[endpoint.id, 'https://production.example.com/webhook/x/webhook', undefined],
		]);
		expect(creates()).toHaveLength(2);
	});

	test('an endpoint of another API version (made by an earlier release) is replaced: the new one is made before the old one goes', async () => {
		const { workflow, endpoint } = await activeWorkflow();
		// What an earlier release of the package pinned: Stripe keeps an endpoint's version for its whole life.
		const stored = double.webhookEndpoints.find((w) => w.id === endpoint.id)!;
		stored.endpoint.api_version = '2025-03-31.basil';
		await workflow.restart('1.x');
		const calls = endpointCalls();
		const endpoints = await endpointsAtStripe();
		expect(endpoints.map((e) => [e.api_version, e.url])).toEqual([
			[DEFAULT_API_VERSION, workflow.productionUrl],
		]);
		expect(calls.slice(-2)).toEqual([
			'POST /v1/webhook_endpoints',
			`DELETE /v1/webhook_endpoints/${endpoint.id}`,
		]);
	});
});

describe('a released endpoint, and what n8n keeps live after a failed activation', () => {
	/** Runs `test` with a grace period long enough for the steps between a release and its end. */
	async function withGrace<T>(graceMs: number, test: () => Promise<T>): Promise<T> {
		releaseSettings.graceMs = graceMs;
		try {
			return await test();
		} finally {
			releaseSettings.graceMs = GRACE_MS;
		}
	}

	const statusAtStripe = async (endpointId: string) =>
		(await endpointsAtStripe()).find((e) => e.id === endpointId)?.status ?? 'deleted';

	test('after a deactivation the endpoint is disabled once the release settles, so Stripe sends it nothing (nothing answered 404), then deleted; activated again before that, the same endpoint is enabled and delivers', async () => {
		await withGrace(1_500, async () => {
			const { workflow, endpoint, secret } = await activeWorkflow();
			await workflow.deactivate();
			expect(await until(async () => (await statusAtStripe(endpoint.id)) === 'disabled')).toBe(
				true,
			);
			await stripe.customers.create({ name: 'While deactivated' });
			await deliveriesDone();
			expect(double.deliveries).toEqual([]);

			await workflow.activate();
			const [back] = await endpointsAtStripe();
			expect([back.id, back.status, back.metadata[RELEASE_METADATA_KEY]]).toEqual([
				endpoint.id,
				'enabled',
				undefined,
			]);
			expect(triggerState(workflow).endpointSecret).toBe(secret);
			const customer = await stripe.customers.create({ name: 'Active again' });
			await deliveriesDone();
			expect(answers()).toEqual([['customer.created', 200]]);
			expect((await workflow.waitForExecutions(1))[0].items[0].customerId).toBe(customer.id);

			await workflow.deactivate();
			expect(await until(async () => (await endpointsAtStripe()).length === 0)).toBe(true);
			expect(double.deliveries.filter((attempt) => attempt.status !== 200)).toEqual([]);
		});
	});

	test("n8n 2.x: publishing the trigger with a credential whose API Base URL has nothing listening fails at n8n's first tries with the reason; n8n keeps the URL routed, so the endpoint it had serves on, and publishing with a working credential takes it back", async () => {
		await withGrace(800, async () => {
			const { workflow, endpoint, secret } = await activeWorkflow();
			const port = await closedPort();
			workflow.edit({ credentials: credentials({ baseUrl: `http://127.0.0.1:${port}` }) });
			const error = await workflow.publish().then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(n8nShows(error, '2.x')).toBe(
				`Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL). Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running.`,
			);
			expect(workflow.routed).toBe(true);
			await sleep(1_000); // past the release's grace period
			const [kept] = await endpointsAtStripe();
			expect([kept?.id, kept?.status, kept?.metadata[RELEASE_METADATA_KEY]]).toEqual([
				endpoint.id,
				'enabled',
				undefined,
			]);
			const customer = await stripe.customers.create({ name: 'During the failed publish' });
			await deliveriesDone();
			expect(answers()).toEqual([['customer.created', 200]]);
			expect((await workflow.waitForExecutions(1))[0].items[0].customerId).toBe(customer.id);

			workflow.edit({ credentials: credentials() });
			expect(await workflow.publish()).toBe('re-registered');
			expect((await endpointsAtStripe()).map((e) => [e.id, e.status])).toEqual([
				[endpoint.id, 'enabled'],
			]);
			expect(triggerState(workflow).endpointSecret).toBe(secret);
			expect(creates()).toHaveLength(1);
		});
	});

	test('n8n 1.x: saving the active workflow with that credential fails at once with the reason and deactivates it; n8n leaves its URL routed, so the endpoint serves on until it is activated again', async () => {
		await withGrace(800, async () => {
			const { workflow, endpoint } = await activeWorkflow(undefined, {}, '1.x');
			const port = await closedPort();
			workflow.edit({ credentials: credentials({ baseUrl: `http://127.0.0.1:${port}` }) });
			const error = await workflow.saveWhileActive().then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(n8nShows(error, '1.x')).toBe(
				`Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL). Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running.`,
			);
			expect(workflow.routed).toBe(true);
			await sleep(1_000); // past the release's grace period
			expect((await endpointsAtStripe()).map((e) => [e.id, e.status])).toEqual([
				[endpoint.id, 'enabled'],
			]);
			workflow.edit({ credentials: credentials() });
			await workflow.activate('1.x');
			expect((await endpointsAtStripe()).map((e) => e.id)).toEqual([endpoint.id]);
			expect(creates()).toHaveLength(1);
		});
	});

	test('a failed publish whose cleanup reaches Stripe (the 16-endpoint limit when the trigger must make a new endpoint): n8n unroutes the URL, and the endpoint it had is disabled, then deleted', async () => {
		const { workflow, endpoint } = await activeWorkflow();
		for (let i = 0; i < 15; i++)
			await stripe.webhookEndpoints.create({
				url: `https://other.example.com/hook/${i}`,
				enabled_events: ['charge.succeeded'],
			});
		// A Connect endpoint cannot be made from an account endpoint: the trigger must create one.
		workflow.edit({
			parameters: { events: ['customer.created'], options: { connectedAccounts: true } },
		});
		const error = await workflow.publish().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(n8nShows(error, '2.x')).toMatch(/^Stripe allows 16 webhook endpoints per account/);
		expect(workflow.routed).toBe(false);
		expect(await until(async () => (await statusAtStripe(endpoint.id)) === 'deleted')).toBe(true);
	});
});

describe('activation errors say what to do', () => {
	test('a restricted key without the webhook permission (403): the error names the permission to give, in what n8n 1.x and 2.x show', async () => {
		double.failNext(5, { status: 403 }, 'POST /v1/webhook_endpoints');
		const error = await failedActivation(newWorkflow());
		for (const version of ['1.x', '2.x'] as const) {
			expect(n8nShows(error, version)).toMatch(
				/^The key of the credential "Stripe Customer account" may not manage webhook endpoints: The provided key .*a restricted key \(rk_…\) needs the permission "Webhook Endpoints: Write" \(Stripe Dashboard, Developers → API keys → edit the key → "Webhook Endpoints", under "All webhook resources" → Write\), or use a secret key \(sk_…\)\.$/,
			);
		}
		expect(await endpointsAtStripe()).toEqual([]);
	});

	test("nothing listens at the credential's API Base URL: activation fails without retries of the trigger's own, saying where and what to check, in what n8n 1.x and 2.x show and in Listen for test event", async () => {
		const port = await closedPort();
		const workflow = newWorkflow(undefined, { baseUrl: `http://127.0.0.1:${port}` });
		// A retried request would add "Tried N times." to the message.
		const expected = `Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL). Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running.`;
		const error = await failedActivation(workflow);
		expect([n8nShows(error, '1.x'), n8nShows(error, '2.x')]).toEqual([expected, expected]);
		await expect(workflow.listenForTestEvent()).rejects.toMatchObject({ message: expected });
	});

	test("n8n on this machine, with the credential of Stripe's own API: the error names n8n's URL and how to give n8n a public one, before any request", async () => {
		const workflow = newWorkflow(undefined, { baseUrl: 'https://api.stripe.com' });
		const host = new URL(workflow.productionUrl).hostname;
		const why = `its host ${host} is a loopback address (this machine only), which Stripe cannot reach from the internet. ${PUBLIC_URL_ADVICE}`;
		const error = await failedActivation(workflow);
		expect(n8nShows(error, '2.x')).toBe(
			`Stripe cannot send events to n8n's production webhook URL ${workflow.productionUrl}: ${why}`,
		);
		expect(n8nShows(error, '1.x')).toBe(n8nShows(error, '2.x'));
		await expect(workflow.listenForTestEvent()).rejects.toMatchObject({
			message: `Stripe cannot send events to n8n's test webhook URL ${workflow.testUrl}: ${why}`,
		});
	});

	test("a Stripe that refuses n8n's URL as not publicly accessible: the error gives Stripe's words and how to give n8n a public URL", async () => {
		const strict = await startDouble({ localWebhookUrls: false });
		try {
			const error = await failedActivation(newWorkflow(undefined, { baseUrl: strict.url }));
			expect(n8nShows(error, '2.x')).toBe(
				`Stripe refused n8n's webhook URL: Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally. ${PUBLIC_URL_ADVICE}`,
			);
			expect(strict.webhookEndpoints).toEqual([]);
		} finally {
			await strict.close();
		}
	});

	test('no event chosen: an error that names the field, nothing sent to Stripe', async () => {
		await expect(newWorkflow({ events: [] }).activate()).rejects.toThrow(
			'Events: choose at least one event',
		);
		expect(endpointCalls()).toEqual([]);
	});

	test("16 endpoints: the error says Stripe's limit is reached and lists the endpoints this package made", async () => {
		const ours = [];
		for (let i = 0; i < 2; i++) {
			ours.push(
				await stripe.webhookEndpoints.create({
					url: `https://old.example.com/webhook/${i}/webhook`,
					enabled_events: ['customer.created'],
					description: `n8n workflow "Old ${i}" (wfOld${i}), node "Stripe Customer Trigger": n8n-nodes-stripe-customer`,
					metadata: { n8n_package: 'n8n-nodes-stripe-customer' },
				}),
			);
		}
		for (let i = 0; i < 14; i++)
			await stripe.webhookEndpoints.create({
				url: `https://other.example.com/hook/${i}`,
				enabled_events: ['charge.succeeded'],
			});
		const error = await failedActivation(newWorkflow());
		for (const version of ['1.x', '2.x'] as const) {
			const shown = n8nShows(error, version);
			expect(shown).toMatch(
				/^Stripe allows 16 webhook endpoints per account and this account has 16: remove one in the Stripe Dashboard \(Developers → Webhooks\), then try again\. Endpoints this package \(n8n-nodes-stripe-customer\) made, which you can remove if their workflows no longer need them: /,
			);
			for (const endpoint of ours)
				expect(shown).toContain(`${endpoint.id} (${endpoint.description}; ${endpoint.url})`);
			expect(shown).not.toContain('other.example.com');
		}
		expect(await endpointsAtStripe()).toHaveLength(16);
	});
});

describe('Listen for test event', () => {
	test('a temporary endpoint at the test URL beside the production one; the next event runs once in each, then the test endpoint is removed', async () => {
		const { workflow, endpoint } = await activeWorkflow();
		await workflow.listenForTestEvent();
		const endpoints = await endpointsAtStripe();
		const testEndpoint = endpoints.find((e) => e.id !== endpoint.id)!;
		expect(endpoints).toHaveLength(2);
		expect(testEndpoint).toMatchObject({
			url: workflow.testUrl,
			metadata: { n8n_url_kind: 'test' },
		});
		expect(testEndpoint.description).toContain(', test URL:');

		// A forgery to the test URL gets a 400 and does not end the listening.
		double.webhooks.pause();
		const customer = await stripe.customers.create({ name: 'Listened For' });
		const forged = await double.webhooks.send(testEndpoint.id, {
			event: double.events[0].event.id,
			signing: 'wrong-secret',
		});
		expect(forged.status).toBe(400);
		double.webhooks.resume();
		await deliveriesDone();
		await workflow.testListeningEnded();
		await workflow.waitForExecutions(2);
		expect(
			workflow.executions
				.map((execution) => [execution.mode, execution.items[0].customerId])
				.sort(),
		).toEqual([
			['manual', customer.id],
			['trigger', customer.id],
		]);
		expect((await endpointsAtStripe()).map((e) => e.id)).toEqual([endpoint.id]);
	});

	test("listening that ends without an event (n8n's timeout, or the user stops it) removes the test endpoint at once", async () => {
		const workflow = newWorkflow();
		await workflow.listenForTestEvent();
		expect((await endpointsAtStripe()).map((e) => e.url)).toEqual([workflow.testUrl]);
		await workflow.stopListening();
		expect(await endpointsAtStripe()).toEqual([]);
	});
});
