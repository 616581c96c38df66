import { sleep } from 'n8n-workflow';

import { credentialsFor, SECRET_KEY } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import * as thisProcess from '../../support/workflowRunner';
import type { RunOptions, RunResult } from '../../support/workflowRunner';

// One email is one customer: Create's If Email Exists (use, update or fail on the customer with the email) and
// Create or Update never make two customers for one email, whether the two writes come from one run, two executions
// of one n8n process, or two processes that share nothing but the Stripe account (queue-mode workers). A customer
// deleted since is never handed back.

/** Another n8n process: the node's modules loaded afresh, with their own rate limiter and their own turns per email. */
async function anotherProcess(): Promise<typeof thisProcess> {
	let loaded: typeof thisProcess | undefined;
	await jest.isolateModulesAsync(async () => {
		loaded = await import('../../support/workflowRunner');
	});
	return loaded!;
}

const RESTRICTED_KEY = SECRET_KEY.replace(/^sk_test_/, 'rk_test_');
const { double, stripe } = useStripeDouble({ secretKeys: [SECRET_KEY, RESTRICTED_KEY] });
let otherProcess: typeof thisProcess;
beforeAll(async () => {
	otherProcess = await anotherProcess();
});

const parameters = (ifEmailExists: string, extra: Record<string, unknown> = {}) => ({
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.mail }}',
	options: { ifEmailExists },
	...extra,
});

function run(
	ifEmailExists: string,
	items: object[],
	extra: Record<string, unknown> = {},
	continueOnFail = false,
) {
	return thisProcess.runStripeCustomerWorkflow({
		items: items as never,
		node: {
			parameters: parameters(ifEmailExists, extra),
			onError: continueOnFail ? 'continueRegularOutput' : undefined,
		},
		credentials: credentialsFor(double),
	});
}

const lookups = () =>
	double.requests.filter((request) => request.method === 'GET' && request.path === '/v1/customers');

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

test('Use the existing one: outputs its ID and creates nothing; items of one run sharing an email create one customer', async () => {
	const existing = await stripe.customers.create({ email: 'ada@example.com', name: 'Ada' });
	const result = await run('useExisting', [
		{ mail: 'ada@example.com', fullName: 'Ada again' },
		{ mail: 'new@example.com', fullName: 'New' },
		{ mail: ' NEW@example.com ', fullName: 'New, other case' },
		{ mail: 'new@example.com', fullName: 'New, third time' },
	]);
	expect(result.error).toBeUndefined();
	const created = double.customers.find((customer) => customer.params.email === 'new@example.com')!;
	expect(double.customers).toHaveLength(2);
	expect(result.output!.map((item) => item.json)).toEqual([
		{ customerId: existing.id, action: 'existing' },
		{ customerId: created.id, action: 'created' },
		{ customerId: created.id, action: 'existing' },
		{ customerId: created.id, action: 'existing' },
	]);
	expect(result.output!.map((item) => item.pairedItem)).toEqual(
		[0, 1, 2, 3].map((item) => ({ item })),
	);
	// One lookup per distinct email (plus its lower-case form when that differs), never one per item.
	expect(lookups().map((request) => request.query.email)).toEqual([
		'ada@example.com',
		'new@example.com',
	]);
});

test('Update the existing one: the same field rules as create; tax IDs are added to the customer', async () => {
	const existing = await stripe.customers.create({ email: 'ada@example.com', name: 'Old name' });
	const result = await run('update', [{ mail: 'ada@example.com', fullName: 'Ada Lovelace' }], {
		additionalFields: {
			balance: -300,
			taxIds: { taxId: [{ type: 'eu_vat', value: 'DE123456789' }] },
		},
	});
	expect(result.output!.map((item) => item.json)).toEqual([
		{ customerId: existing.id, action: 'updated' },
	]);
	expect(double.customers).toHaveLength(1);
	const updated = await stripe.customers.retrieve(existing.id);
	expect(updated).toMatchObject({ name: 'Ada Lovelace', balance: -300 });
	const taxIdRequest = double.requests.find(
		(request) =>
			request.method === 'POST' && request.path === `/v1/customers/${existing.id}/tax_ids`,
	);
	expect(taxIdRequest?.params).toEqual({ type: 'eu_vat', value: 'DE123456789' });
});

test('Update: bad input is still refused before any request, naming the item and field', async () => {
	const result = await run('update', [{ mail: 'ada@example.com', fullName: 'Ada' }], {
		additionalFields: { balance: 1.5 },
	});
	expect(result.error?.message).toMatch(/^\[item 0\] Account Balance \(Cents\)/);
	expect(double.requests).toHaveLength(0);
});

test('Fail: an error item for an existing email, the others still created (continue-on-fail)', async () => {
	const existing = await stripe.customers.create({ email: 'ada@example.com' });
	const result = await run(
		'fail',
		[
			{ mail: 'ada@example.com', fullName: 'Ada' },
			{ mail: 'grace@example.com', fullName: 'Grace' },
		],
		{},
		true,
	);
	expect(result.output![0]).toEqual({
		json: {
			error: `[item 0] Email: a customer with email "ada@example.com" already exists (${existing.id}); Options → If Email Exists is "Fail"`,
			field: 'Email',
			fieldErrors: [
				{
					field: 'Email',
					message: `a customer with email "ada@example.com" already exists (${existing.id}); Options → If Email Exists is "Fail"`,
				},
			],
			itemIndex: 0,
		},
		pairedItem: { item: 0 },
	});
	expect(result.output![1].json).toEqual({ customerId: double.customers[1].id, action: 'created' });
	expect(double.customers.map((customer) => customer.params.email)).toEqual([
		'ada@example.com',
		'grace@example.com',
	]);
});

test('several existing customers with the email: the most recent is used, and the output says so', async () => {
	await stripe.customers.create({ email: 'dup@example.com', name: 'older' });
	await sleep(1100); // Stripe's `created` has one-second resolution
	const newer = await stripe.customers.create({ email: 'dup@example.com', name: 'newer' });
	const result = await run('useExisting', [{ mail: 'dup@example.com', fullName: 'x' }]);
	expect(result.output![0].json).toEqual({
		customerId: newer.id,
		action: 'existing',
		note: '2 customers have this email; used the most recent',
	});
});

test('Create another (the default) sends no lookup and reports no action', async () => {
	await stripe.customers.create({ email: 'ada@example.com' });
	const result = await run('create', [{ mail: 'ada@example.com', fullName: 'Ada' }]);
	expect(result.output![0].json).toEqual({ customerId: double.customers[1].id });
	expect(lookups()).toHaveLength(0);
});

test('many items with repeated emails under concurrency and faults: one customer per email, outputs in input order', async () => {
	double.setFaults({ error500Rate: 0.1, dropAfterCreateRate: 0.05 });
	const emails = Array.from({ length: 15 }, (_, index) => `person-${index}@example.com`);
	const items = Array.from({ length: 60 }, (_, index) => ({
		mail: emails[(index * 7) % 15],
		fullName: `n${index}`,
	}));
	const result = await thisProcess.runStripeCustomerWorkflow({
		items,
		node: {
			parameters: {
				...parameters('useExisting'),
				options: { ifEmailExists: 'useExisting', concurrency: 8, maxRetries: 8 },
			},
		},
		credentials: credentialsFor(double),
	});
	expect(result.error).toBeUndefined();
	expect(double.customers).toHaveLength(15);
	const idByEmail = new Map(
		double.customers.map((customer) => [customer.params.email, customer.id]),
	);
	expect(result.output!.map((item) => item.json.customerId)).toEqual(
		items.map((item) => idByEmail.get(item.mail)),
	);
	const firstSeen = new Set<string>();
	expect(result.output!.map((item) => item.json.action)).toEqual(
		items.map((item) =>
			firstSeen.has(item.mail) ? 'existing' : (firstSeen.add(item.mail), 'created'),
		),
	);
});

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
