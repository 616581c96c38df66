import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow, type RunResult } from '../../support/workflowRunner';

// Balance Transaction → Get Many through n8n's engine against the Stripe double.

let double: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	double = await startDouble();
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
});
afterAll(() => double.close());
beforeEach(() => double.reset());

function run(items: object[], parameters: object = {}, timezone?: string): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		timezone,
		items: items as never,
		node: {
			parameters: {
				resource: 'balanceTransaction',
				operation: 'getMany',
				customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
				...parameters,
			} as never,
			onError: 'continueRegularOutput',
		},
		credentials: credentialsFor(double),
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

async function customerWith(amounts: number[]): Promise<string> {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	for (const amount of amounts)
		await stripe.customers.createBalanceTransaction(customer.id, { amount, currency: 'usd' });
	return customer.id;
}

test('Return All reads every page: one item per transaction, newest first, each paired to the customer asked for', async () => {
	const amounts = Array.from({ length: 102 }, (_, index) => -(index + 1));
	const ada = await customerWith(amounts);
	const grace = await customerWith([250]);
	const result = await run([{ customer: ada }, { customer: grace }], { returnAll: true });
	const outputs = jsonOf(result)!;
	expect(outputs).toHaveLength(103);
	expect(
		outputs
			.slice(0, 102)
			.map((json) => (json.balanceTransaction as Stripe.CustomerBalanceTransaction).amount),
	).toEqual([...amounts].reverse());
	expect(outputs[0]).toMatchObject({
		customerId: ada,
		balanceTransactionId: expect.stringMatching(/^cbtxn_/),
	});
	expect(outputs[102]).toMatchObject({
		customerId: grace,
		balanceTransaction: expect.objectContaining({ amount: 250, ending_balance: 250 }),
	});
	expect(result.output?.map((item) => item.pairedItem)).toEqual([
		...amounts.map(() => ({ item: 0 })),
		{ item: 1 },
	]);
	const pages = double.requests.filter(
		(request) =>
			request.method === 'GET' && request.path === `/v1/customers/${ada}/balance_transactions`,
	);
	expect(pages.map((request) => request.query.limit)).toEqual(['100', '100']);
});

test('Limit, and a customer that does not exist as an error item', async () => {
	const ada = await customerWith([-1, -2, -3, -4, -5]);
	const result = await run([{ customer: ada }, { customer: 'cus_missing' }], { limit: 2 });
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			customerId: ada,
			balanceTransaction: expect.objectContaining({ amount: -5 }),
		}),
		expect.objectContaining({
			customerId: ada,
			balanceTransaction: expect.objectContaining({ amount: -4 }),
		}),
		expect.objectContaining({
			itemIndex: 1,
			statusCode: 404,
			error: "[item 1] Stripe: No such customer: 'cus_missing'",
		}),
	]);
});

test('the created filter reaches Stripe in the workflow’s time zone; a date that is not one is refused before any request', async () => {
	const ada = await customerWith([-1]);
	await run(
		[{ customer: ada }],
		{
			returnAll: true,
			filters: { createdAfter: '2025-01-01T00:00:00', invoice: 'in_123' },
		},
		'Asia/Tokyo',
	);
	const list = double.requests.at(-1)!;
	expect(list.query).toMatchObject({
		created: { gte: String(Date.UTC(2024, 11, 31, 15) / 1000) },
		invoice: 'in_123',
	});
	const before = double.requests.length;
	const refused = await run([{ customer: ada }], { filters: { createdBefore: 'yesterday-ish' } });
	expect(jsonOf(refused)).toEqual([
		expect.objectContaining({ itemIndex: 0, field: 'Filters → Created Before' }),
	]);
	expect(double.requests).toHaveLength(before);
});
