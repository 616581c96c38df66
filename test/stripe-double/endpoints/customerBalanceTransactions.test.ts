import Stripe from 'stripe';

import { DEFAULT_SECRET_KEYS, startStripeDouble, type StripeDouble } from '../index';

// The double's customer balance transactions, driven by the official `stripe` client: each rule of the README's
// "As strict as Stripe" table for these endpoints, as Stripe's API reference states it.

let double: StripeDouble;
let stripe: Stripe;

beforeAll(async () => {
	double = await startStripeDouble({ seed: 3 });
	stripe = new Stripe(DEFAULT_SECRET_KEYS[0], {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
		telemetry: false,
	});
});
afterAll(() => double.close());
beforeEach(() => double.reset());

async function failure(request: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await request;
	} catch (error) {
		return error as Stripe.errors.StripeError;
	}
	throw new Error('expected the request to fail');
}

const balanceOf = async (customerId: string) =>
	((await stripe.customers.retrieve(customerId)) as Stripe.Customer).balance;

test('a transaction moves the balance by its amount (negative credits) and carries the balance after it', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const credit = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: -500,
		currency: 'usd',
		description: 'Goodwill',
		metadata: { order: '42' },
	});
	expect(credit).toMatchObject({
		object: 'customer_balance_transaction',
		amount: -500,
		currency: 'usd',
		customer: customer.id,
		description: 'Goodwill',
		ending_balance: -500,
		metadata: { order: '42' },
		type: 'adjustment',
	});
	expect(credit.id).toMatch(/^cbtxn_[A-Za-z0-9]+$/);
	const debit = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: 200,
		currency: 'usd',
	});
	expect(debit.ending_balance).toBe(-300);
	expect(await balanceOf(customer.id)).toBe(-300);
});

test("the first transaction gives a customer without a currency its currency; another currency (in any case) moves only that currency's balance", async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	expect(customer.currency).toBeNull();
	await stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'usd' });
	const euros = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: -700,
		currency: 'EUR',
	});
	expect([euros.currency, euros.ending_balance]).toEqual(['eur', -700]);
	const again = await stripe.customers.createBalanceTransaction(customer.id, {
		amount: 100,
		currency: 'eur',
	});
	expect(again.ending_balance).toBe(-600);
	const now = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
	expect([now.currency, now.balance]).toEqual(['usd', -500]);
});

test('the same idempotency key replays the transaction: the balance moves once', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const params = { amount: -500, currency: 'usd' };
	const first = await stripe.customers.createBalanceTransaction(customer.id, params, {
		idempotencyKey: 'refund-7',
	});
	const second = await stripe.customers.createBalanceTransaction(customer.id, params, {
		idempotencyKey: 'refund-7',
	});
	expect(second.id).toBe(first.id);
	expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
	expect(await balanceOf(customer.id)).toBe(-500);
	expect(double.balanceTransactions).toHaveLength(1);
	const other = await failure(
		stripe.customers.createBalanceTransaction(
			customer.id,
			{ amount: -600, currency: 'usd' },
			{ idempotencyKey: 'refund-7' },
		),
	);
	expect(other.type).toBe('StripeIdempotencyError');
});

test('what Stripe refuses: amount and currency are required, a currency must be a supported one, the customer must exist', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const noCurrency = await failure(
		stripe.customers.createBalanceTransaction(customer.id, { amount: -500 } as never),
	);
	expect([noCurrency.statusCode, noCurrency.code, noCurrency.param]).toEqual([
		400,
		'parameter_missing',
		'currency',
	]);
	const notWhole = await failure(
		stripe.customers.createBalanceTransaction(customer.id, {
			amount: 12.5,
			currency: 'usd',
		}),
	);
	expect([notWhole.code, notWhole.param]).toEqual(['parameter_invalid_integer', 'amount']);
	const unsupported = await failure(
		stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'xyz' }),
	);
	expect([unsupported.statusCode, unsupported.param]).toEqual([400, 'currency']);
	expect(unsupported.message).toMatch(/^Invalid currency: xyz\. Stripe currently supports/);
	const unknown = await failure(
		stripe.customers.createBalanceTransaction('cus_missing', { amount: -500, currency: 'usd' }),
	);
	expect([unknown.statusCode, unknown.code, unknown.message]).toEqual([
		404,
		'resource_missing',
		"No such customer: 'cus_missing'",
	]);
	await stripe.customers.del(customer.id);
	const deleted = await failure(
		stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'usd' }),
	);
	expect(deleted.statusCode).toBe(404);
	expect(double.balanceTransactions).toHaveLength(0);
});

test('list: newest first, page by page; retrieve one; an unknown one is a 404', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const made = [];
	for (let amount = 1; amount <= 5; amount++)
		made.push(
			await stripe.customers.createBalanceTransaction(customer.id, { amount, currency: 'usd' }),
		);
	const page = await stripe.customers.listBalanceTransactions(customer.id, { limit: 2 });
	expect(page.data.map((t) => t.amount)).toEqual([5, 4]);
	expect(page.has_more).toBe(true);
	const all = await stripe.customers.listBalanceTransactions(customer.id).autoPagingToArray({
		limit: 100,
	});
	expect(all.map((t) => t.id)).toEqual(made.map((t) => t.id).reverse());
	const one = await stripe.customers.retrieveBalanceTransaction(customer.id, made[2].id);
	expect(one).toMatchObject({ id: made[2].id, amount: 3 });
	const missing = await failure(
		stripe.customers.retrieveBalanceTransaction(customer.id, 'cbtxn_missing'),
	);
	expect([missing.statusCode, missing.code]).toEqual([404, 'resource_missing']);
	// Another customer's transactions are not this one's.
	const other = await stripe.customers.create({ email: 'grace@example.com' });
	expect((await stripe.customers.listBalanceTransactions(other.id)).data).toEqual([]);
});

test('the transactions of a connected account are its own', async () => {
	const onAccount = { stripeAccount: 'acct_connected' };
	const customer = await stripe.customers.create({ email: 'ada@example.com' }, onAccount);
	await stripe.customers.createBalanceTransaction(
		customer.id,
		{ amount: -500, currency: 'usd' },
		onAccount,
	);
	const elsewhere = await failure(
		stripe.customers.createBalanceTransaction(customer.id, { amount: -500, currency: 'usd' }),
	);
	expect(elsewhere.statusCode).toBe(404);
	expect(
		((await stripe.customers.retrieve(customer.id, {}, onAccount)) as Stripe.Customer).balance,
	).toBe(-500);
});
