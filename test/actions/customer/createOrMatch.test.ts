import { sleep } from 'n8n-workflow';
import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow } from '../../support/workflowRunner';

// Options → If a Customer With This Email Exists: never a second customer for one email unless the user wants one.

let double: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	double = await startDouble();
	stripe = new Stripe(SECRET_KEY, { host: '127.0.0.1', port: double.port, protocol: 'http' });
});
afterAll(() => double.close());
beforeEach(() => double.reset());

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
	return runStripeCustomerWorkflow({
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
	const result = await runStripeCustomerWorkflow({
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
