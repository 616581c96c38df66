import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow, type RunResult } from '../../support/workflowRunner';

// Balance Transaction → Get through n8n's engine against the Stripe double.

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

function run(items: object[], onError?: 'continueRegularOutput'): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: {
			parameters: {
				resource: 'balanceTransaction',
				operation: 'get',
				customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
				balanceTransactionId: '={{ $json.transaction }}',
			} as never,
			onError,
		},
		credentials: credentialsFor(double),
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

test("each item gets the transaction it names, with the customer's balance after it", async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const credit = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: -500,
		currency: 'usd',
		description: 'Goodwill',
	});
	const debit = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: 200,
		currency: 'usd',
	});
	const result = await run([
		{ customer: customer.id, transaction: debit.id },
		{ customer: customer.id, transaction: credit.id },
	]);
	expect(jsonOf(result)).toEqual([
		{
			customerId: customer.id,
			balanceTransactionId: debit.id,
			balanceTransaction: expect.objectContaining({ amount: 200, ending_balance: -300 }),
		},
		{
			customerId: customer.id,
			balanceTransactionId: credit.id,
			balanceTransaction: expect.objectContaining({
				amount: -500,
				description: 'Goodwill',
				ending_balance: -500,
			}),
		},
	]);
	expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});

test('an ID that is not a transaction ID is refused before any request; an unknown one is an error item', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const before = double.requests.length;
	const refused = await run([{ customer: customer.id, transaction: 'txn_123' }]);
	expect(refused.error?.message).toBe(
		'[item 0] Balance Transaction ID: "txn_123" is not a balance transaction ID: one is cbtxn_ followed by letters and digits',
	);
	expect(double.requests).toHaveLength(before);
	const unknown = await run(
		[{ customer: customer.id, transaction: 'cbtxn_unknown' }],
		'continueRegularOutput',
	);
	expect(jsonOf(unknown)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			statusCode: 404,
			error: "[item 0] Stripe: No such customer balance transaction: 'cbtxn_unknown'",
		}),
	]);
});
