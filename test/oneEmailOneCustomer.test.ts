import Stripe from 'stripe';

import type { StripeDouble } from './stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from './support/stripeFixtures';
import * as thisProcess from './support/workflowRunner';
import type { RunOptions, RunResult } from './support/workflowRunner';

// One email is one customer: Create or Update (and Create's If Email Exists) never make two customers for one email,
// whether the two writes come from one run, two executions of one n8n process, or two processes that share nothing
// but the Stripe account (queue-mode workers). A customer deleted since is never handed back.

/** Another n8n process: the node's modules loaded afresh, with their own rate limiter and their own turns per email. */
async function anotherProcess(): Promise<typeof thisProcess> {
	let loaded: typeof thisProcess | undefined;
	await jest.isolateModulesAsync(async () => {
		loaded = await import('./support/workflowRunner');
	});
	return loaded!;
}

const RESTRICTED_KEY = SECRET_KEY.replace(/^sk_test_/, 'rk_test_');

let double: StripeDouble;
let stripe: Stripe;
let otherProcess: typeof thisProcess;
beforeAll(async () => {
	double = await startDouble({ secretKeys: [SECRET_KEY, RESTRICTED_KEY] });
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
	otherProcess = await anotherProcess();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

type Runner = typeof thisProcess.runStripeCustomerWorkflow;

function upsert(
	runner: Runner,
	name: string,
	options: Partial<RunOptions> = {},
	parameters: Record<string, unknown> = {},
): Promise<RunResult> {
	return runner({
		items: [{ name, email: 'ada@example.com' }],
		node: {
			parameters: {
				operation: 'upsert',
				name: '={{ $json.name }}',
				email: '={{ $json.email }}',
				...parameters,
			} as never,
		},
		credentials: credentialsFor(double),
		...options,
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const actionsOf = (results: RunResult[]) =>
	results.map((result) => jsonOf(result)?.[0]?.action).sort();
const liveCustomers = () => double.customers.filter((customer) => !customer.deleted);

describe('two executions upserting one new email at the same time make one customer', () => {
	beforeEach(() => double.setLatency(150));

	test('in one n8n process: the second waits for the first and updates what it created', async () => {
		const results = await Promise.all([
			upsert(thisProcess.runStripeCustomerWorkflow, 'A'),
			upsert(thisProcess.runStripeCustomerWorkflow, 'B'),
		]);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(liveCustomers()).toHaveLength(1);
		expect(actionsOf(results)).toEqual(['created', 'updated']);
		expect(results.map((result) => jsonOf(result)?.[0].customerId)).toEqual([
			liveCustomers()[0].id,
			liveCustomers()[0].id,
		]);
	});

	test('in two n8n processes with other values: Stripe lets one create (same key by email); the other looks again and updates', async () => {
		const results = await Promise.all([
			upsert(thisProcess.runStripeCustomerWorkflow, 'A'),
			upsert(otherProcess.runStripeCustomerWorkflow, 'B'),
		]);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(liveCustomers()).toHaveLength(1);
		expect(actionsOf(results)).toEqual(['created', 'updated']);
		// Both create requests carried the email's key; one of them was refused.
		const creates = double.requests.filter(
			(request) => request.method === 'POST' && request.path === '/v1/customers',
		);
		expect(new Set(creates.map((request) => request.idempotencyKey)).size).toBe(1);
	});

	test('in two n8n processes with the same values: both get the one customer, the second as a replay', async () => {
		const results = await Promise.all([
			upsert(thisProcess.runStripeCustomerWorkflow, 'A'),
			upsert(otherProcess.runStripeCustomerWorkflow, 'A'),
		]);
		expect(liveCustomers()).toHaveLength(1);
		const outputs = results.map((result) => jsonOf(result)?.[0]);
		expect(outputs.map((json) => json?.customerId)).toEqual([
			liveCustomers()[0].id,
			liveCustomers()[0].id,
		]);
		expect(outputs.filter((json) => json?.replayed === true)).toHaveLength(1);
	});

	test('Create with If Email Exists "Use the Existing One", in two processes: one customer, the other run uses it', async () => {
		const results = await Promise.all(
			[thisProcess, otherProcess].map((runner, index) =>
				upsert(
					runner.runStripeCustomerWorkflow,
					`N${index}`,
					{},
					{ operation: 'create', options: { ifEmailExists: 'useExisting' } },
				),
			),
		);
		expect(liveCustomers()).toHaveLength(1);
		expect(actionsOf(results)).toEqual(['created', 'existing']);
	});

	test('a secret key and a restricted key of one account at once: Stripe scopes idempotency keys to the account, so one customer', async () => {
		const results = await Promise.all([
			upsert(thisProcess.runStripeCustomerWorkflow, 'A'),
			upsert(thisProcess.runStripeCustomerWorkflow, 'B', {
				credentials: credentialsFor(double, { secretKey: RESTRICTED_KEY }),
			}),
		]);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(liveCustomers()).toHaveLength(1);
	});
});

test('Per Input keys are per Stripe account, not per API key: the same values sent with a restricted key of the account return the customer', async () => {
	const create = (secretKey: string) =>
		thisProcess.runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: {
				parameters: { operation: 'create', name: '={{ $json.name }}', email: '={{ $json.email }}' },
			},
			credentials: credentialsFor(double, { secretKey }),
		});
	const first = await create(SECRET_KEY);
	const again = await create(RESTRICTED_KEY);
	expect(double.customers).toHaveLength(1);
	expect(jsonOf(again)).toEqual([{ customerId: jsonOf(first)?.[0].customerId, replayed: true }]);
});

describe('a replay of a deleted customer is never the result', () => {
	const createAda = () =>
		thisProcess.runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: {
				parameters: { operation: 'create', name: '={{ $json.name }}', email: '={{ $json.email }}' },
			},
			credentials: credentialsFor(double),
		});

	test('Create (Per Input): created, deleted, run again within 24 hours → a new customer; a further re-run returns that one, as a replay', async () => {
		const first = jsonOf(await createAda())?.[0].customerId as string;
		await stripe.customers.del(first);
		const second = jsonOf(await createAda());
		expect(second).toEqual([{ customerId: expect.stringMatching(/^cus_/) }]);
		expect(second?.[0].customerId).not.toBe(first);
		const third = jsonOf(await createAda());
		expect(third).toEqual([{ customerId: second?.[0].customerId, replayed: true }]);
		expect(liveCustomers().map((customer) => customer.id)).toEqual([second?.[0].customerId]);
	});

	test('Create or Update: deleted and upserted again within 24 hours → a new customer, with the same values or others', async () => {
		const run = (name: string) => upsert(thisProcess.runStripeCustomerWorkflow, name);
		const first = jsonOf(await run('A'))?.[0];
		expect(first).toMatchObject({ action: 'created' });
		await stripe.customers.del(first?.customerId as string);

		const sameValues = jsonOf(await run('A'))?.[0];
		expect(sameValues).toEqual({ customerId: expect.stringMatching(/^cus_/), action: 'created' });
		expect(sameValues?.customerId).not.toBe(first?.customerId);
		expect(jsonOf(await run('A'))?.[0]).toEqual({
			customerId: sameValues?.customerId,
			action: 'updated',
		});

		await stripe.customers.del(sameValues?.customerId as string);
		const otherValues = jsonOf(await run('B'))?.[0];
		expect(otherValues).toEqual({ customerId: expect.stringMatching(/^cus_/), action: 'created' });
		expect([first?.customerId, sameValues?.customerId]).not.toContain(otherValues?.customerId);
		expect(liveCustomers().map((customer) => [customer.id, customer.customer.name])).toEqual([
			[otherValues?.customerId, 'B'],
		]);
	});
});
