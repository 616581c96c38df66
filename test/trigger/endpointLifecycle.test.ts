import { sleep } from 'n8n-workflow';

import {
	releaseSettings,
	RELEASE_METADATA_KEY,
} from '../../nodes/StripeCustomer/trigger/endpointLifecycle';
import { DEFAULT_API_VERSION } from '../../nodes/StripeCustomer/transport/stripeRequest';
import { closedPort } from '../support/closedPort';
import { useTriggerHarness } from '../support/testSetup';
import { n8nShows, TRIGGER_NAME } from '../support/triggerRunner';

// The trigger's webhook endpoint at Stripe across n8n's lifecycle, in n8n's engine (n8n-core's hook context, the call
// sequences n8n 1.x and 2.x make) against the Stripe double: one endpoint per trigger, kept across publishes, saves
// and restarts, disabled once a release settles and deleted after a grace period on deactivation, serving on while
// n8n keeps its URL routed after a failed activation; Connect; the errors activation tells, as n8n shows them; Listen
// for test event.

const {
	double,
	stripe,
	harness,
	credentials,
	newWorkflow,
	triggerState,
	endpointsAtStripe,
	endpointCalls,
	customerEvent,
	deliver,
	secretAtStripe,
	activeWorkflow,
	failedActivation,
	deliveriesDone,
	answers,
} = useTriggerHarness();

// A released endpoint's settle time and grace period, shortened so a deactivation shows within a test.
const SETTLE_MS = 150;
const GRACE_MS = 400;
const defaultRelease = { ...releaseSettings };
beforeAll(() => {
	Object.assign(releaseSettings, { settleMs: SETTLE_MS, graceMs: GRACE_MS });
});
afterAll(() => {
	Object.assign(releaseSettings, defaultRelease);
});

const ada = { id: 'cus_ada', object: 'customer', name: 'Ada Lovelace', email: 'ada@example.com' };

/** What the trigger says when nothing listens at the credential's API Base URL (127.0.0.1:`port`). */
const refusedAt = (port: number) =>
	`Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL). Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running. No request of this run got any answer, so the run stopped at once instead of retrying.`;

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
			expect(n8nShows(error, '2.x')).toBe(refusedAt(port));
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
			expect(n8nShows(error, '1.x')).toBe(refusedAt(port));
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
		const expected = refusedAt(port);
		const error = await failedActivation(workflow);
		expect([n8nShows(error, '1.x'), n8nShows(error, '2.x')]).toEqual([expected, expected]);
		await expect(workflow.listenForTestEvent()).rejects.toMatchObject({ message: expected });
	});

	test('an API Base URL where nothing listens: activation fails at its first request, naming the host, without retrying', async () => {
		const port = await closedPort();
		// n8n 1.x tries an activation once: the trigger's first request is all of it.
		const workflow = newWorkflow(undefined, { baseUrl: `http://127.0.0.1:${port}` });
		const shown = n8nShows(await failedActivation(workflow, '1.x'), '1.x');
		expect(shown).toContain(
			`Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL).`,
		);
		expect(shown).toContain(
			'No request of this run got any answer, so the run stopped at once instead of retrying.',
		);
		expect(shown).not.toMatch(/Tried \d+ times/);
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
