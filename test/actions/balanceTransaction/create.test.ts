import Stripe from 'stripe';
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { StripeCustomer } from '../../../nodes/StripeCustomer/StripeCustomer.node';
import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
	type StripeNodeSettings,
} from '../../support/workflowRunner';

// Balance Transaction → Create through n8n's engine against the strict Stripe double. Money moves once: a retry
// after a lost answer, Retry On Fail, a re-run of the execution and a redelivered event leave every balance as one
// run would; a failing item leaves the others done; bad input is refused before anything is sent.

const ROUTE = 'POST /v1/customers/:id/balance_transactions';

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

/** Create's fields, each from the input item. */
const fromInput = {
	resource: 'balanceTransaction',
	operation: 'create',
	customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
	amount: '={{ $json.amount }}',
	currency: '={{ $json.currency ?? "usd" }}',
};

function run(
	items: object[],
	node: Partial<StripeNodeSettings> & { options?: object; additionalFields?: object } = {},
	options: Partial<RunOptions> = {},
): Promise<RunResult> {
	const { options: nodeOptions, additionalFields, ...settings } = node;
	return runStripeCustomerWorkflow({
		items: items as never,
		node: {
			...settings,
			parameters: {
				...fromInput,
				...(additionalFields ? { additionalFields } : {}),
				...(nodeOptions ? { options: nodeOptions } : {}),
				...settings.parameters,
			} as never,
		},
		credentials: credentialsFor(double),
		...options,
	});
}

const continueOnFail = { onError: 'continueRegularOutput' as const };
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
/** The balance transaction requests the node sent. */
const posts = () =>
	double.requests.filter(
		(request) => request.method === 'POST' && request.path.endsWith('/balance_transactions'),
	);

async function customers(count: number): Promise<string[]> {
	const ids = [];
	for (let index = 0; index < count; index++)
		ids.push((await stripe.customers.create({ email: `c${index}@example.com` })).id);
	return ids;
}

async function balanceOf(customerId: string): Promise<number> {
	return ((await stripe.customers.retrieve(customerId)) as Stripe.Customer).balance;
}

test('a credit: the balance moves by the amount once, and the output says the balance after it', async () => {
	const [customer] = await customers(1);
	const result = await run([{ customer, amount: -500 }]);
	expect(result.error).toBeUndefined();
	const [transaction] = double.balanceTransactions;
	expect(jsonOf(result)).toEqual([
		{
			customerId: customer,
			balanceTransactionId: transaction.id,
			amount: -500,
			currency: 'usd',
			endingBalance: -500,
		},
	]);
	expect(await balanceOf(customer)).toBe(-500);
	// What it sends: the amount and the currency, under an idempotency key of the node's own.
	expect(posts().map((request) => [request.path, request.rawBody])).toEqual([
		[`/v1/customers/${customer}/balance_transactions`, 'amount=-500&currency=usd'],
	]);
	expect(posts()[0].idempotencyKey).toMatch(/^n8n-sc:/);
});

test('a debit with a description and metadata, the currency in any case: everything reaches Stripe', async () => {
	const [customer] = await customers(1);
	await stripe.customers.createBalanceTransaction(customer, { amount: -800, currency: 'eur' });
	const result = await run([{ customer, amount: '300', currency: 'EUR' }], {
		additionalFields: {
			transactionDescription: 'Late fee, order 1042',
			metadata: { entry: [{ key: 'order', value: '1042' }] },
		},
	});
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({ amount: 300, currency: 'eur', endingBalance: -500 }),
	]);
	expect(double.balanceTransactions[1]).toMatchObject({
		description: 'Late fee, order 1042',
		metadata: { order: '1042' },
	});
	expect(await balanceOf(customer)).toBe(-500);
});

test('the editor says which sign credits', () => {
	const description = new StripeCustomer().description;
	const parameters = { resource: 'balanceTransaction', operation: 'create' };
	const node = {
		id: 'n',
		name: 'Stripe Customer',
		type: 'n8n-nodes-stripe-customer.stripeCustomer',
		typeVersion: 1.2,
		position: [0, 0] as [number, number],
		parameters,
	};
	const shown = description.properties.filter((property: INodeProperties) =>
		NodeHelpers.displayParameter(parameters, property, node, description),
	);
	expect(shown.find((property) => property.name === 'amount')?.hint).toMatch(
		/-500 is a 5\.00 credit the customer can spend on the next invoices; 500 is a 5\.00 debit added to what they owe/,
	);
	expect(shown.map((property) => property.displayName)).toEqual([
		'Resource',
		'Operation',
		'Customer',
		'Amount',
		'Currency',
		'Additional Fields',
		'Options',
		'Request Options',
	]);
});

describe('checks before any request', () => {
	test('every problem of every item is named by item and field, and nothing is sent', async () => {
		const [customer] = await customers(1);
		const result = await run([
			{ customer, amount: '12.5' },
			{ customer, amount: 0, currency: 'us dollars' },
			{ customer: 'cus_ bad', amount: '' },
			{ customer, amount: -500 },
		]);
		expect(result.output).toBeUndefined();
		expect(result.error?.message).toBe(
			'[item 0] Amount: must be a whole number in the smallest currency unit (e.g. -500 for a 5.00 credit; 12.50 is 1250); got "12.5"',
		);
		expect(result.error?.description).toContain('Nothing was sent to Stripe, for any item');
		expect(result.error?.description).toContain(
			'- [item 1] 2 fields are invalid: Amount: 0 moves no balance: give a negative amount to credit the customer, a positive one to debit them; Currency: "us dollars" is not a currency code',
		);
		expect(result.error?.description).toContain(
			'- [item 2] 2 fields are invalid: Customer: "cus_ bad" is not a Stripe customer ID: after cus_ come only letters and digits, and it holds a space; Amount: required',
		);
		expect(posts()).toEqual([]);
	});

	test('with continue-on-fail, an invalid item is an error item naming its field; the valid items go through', async () => {
		const [customer] = await customers(1);
		const longKey = 'k'.repeat(41);
		const result = await run(
			[
				{ customer, amount: -500, key: 'order' },
				{ customer, amount: -700, key: longKey },
			],
			{
				...continueOnFail,
				additionalFields: { metadata: { entry: [{ key: '={{ $json.key }}', value: 'v' }] } },
			},
		);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({ customerId: customer, amount: -500 }),
			expect.objectContaining({
				itemIndex: 1,
				field: `Metadata → "${longKey}"`,
				error: `[item 1] Metadata → "${longKey}": a key may have at most 40 characters`,
			}),
		]);
		expect(posts()).toHaveLength(1);
		expect(await balanceOf(customer)).toBe(-500);
	});
});

describe('money moves once', () => {
	test('a retry after a lost answer (Stripe applied the credit, the connection dropped) is answered with the same transaction', async () => {
		const [customer] = await customers(1);
		double.failNext(1, { drop: 'after-create' }, ROUTE);
		const result = await run([{ customer, amount: -500 }]);
		expect(result.error).toBeUndefined();
		expect(await balanceOf(customer)).toBe(-500);
		expect(double.balanceTransactions).toHaveLength(1);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				balanceTransactionId: double.balanceTransactions[0].id,
				endingBalance: -500,
				replayed: true,
				note: expect.stringContaining('its amount was applied once, then, and not again now'),
			}),
		]);
		expect(posts().map((request) => [request.status, request.replayed])).toEqual([
			[0, false],
			[200, true],
		]);
	});

	test("n8n's Retry On Fail runs the node again in the same execution: the items done on the first try are not applied again", async () => {
		const ids = await customers(3);
		// The first request fails with a 500 (nothing done); the other two are applied; the node fails; n8n runs it again.
		double.failNext(1, { status: 500 }, ROUTE);
		const result = await run(
			ids.map((customer) => ({ customer, amount: -500 })),
			{ options: { maxRetries: 0, concurrency: 1 }, retryOnFail: true, maxTries: 2 },
		);
		expect(result.error).toBeUndefined();
		expect(await Promise.all(ids.map(balanceOf))).toEqual([-500, -500, -500]);
		expect(double.balanceTransactions).toHaveLength(3);
		expect(jsonOf(result)?.map((json) => json.replayed ?? false)).toEqual([false, true, true]);
	});

	test('a re-run of a failed execution applies only what the first one did not', async () => {
		const ids = await customers(3);
		const items = ids.map((customer) => ({ customer, amount: -500 }));
		double.failNext(1, { status: 500 }, ROUTE);
		const failed = await run(items, { options: { maxRetries: 0, concurrency: 1 } });
		expect(failed.error?.description).toContain('Done before the run stopped (2 items):');
		expect(failed.error?.description).toContain(
			'returns these transactions instead of applying the amounts again (Options → Idempotency: Per Input)',
		);
		const rerun = await run(items, { options: { maxRetries: 0, concurrency: 1 } });
		expect(rerun.error).toBeUndefined();
		expect(await Promise.all(ids.map(balanceOf))).toEqual([-500, -500, -500]);
		expect(double.balanceTransactions).toHaveLength(3);
		expect(jsonOf(rerun)?.map((json) => json.replayed ?? false)).toEqual([false, true, true]);
	});

	test('a redelivered event (the same input in a new execution) returns the transaction made, and moves nothing', async () => {
		const [customer] = await customers(1);
		const first = await run([{ customer, amount: -500 }], {}, { executionId: 'delivery-1' });
		const again = await run([{ customer, amount: -500 }], {}, { executionId: 'delivery-2' });
		expect(await balanceOf(customer)).toBe(-500);
		expect(jsonOf(again)).toEqual([
			{ ...jsonOf(first)![0], replayed: true, note: expect.any(String) },
		]);
	});

	test('Per Execution: a retry in the same execution is safe, but a new execution applies the amount again', async () => {
		const [customer] = await customers(1);
		const perExecution = { options: { idempotency: 'perExecution' } };
		double.failNext(1, { drop: 'after-create' }, ROUTE);
		await run([{ customer, amount: -500 }], perExecution, { executionId: 'first' });
		expect(await balanceOf(customer)).toBe(-500);
		await run([{ customer, amount: -500 }], perExecution, { executionId: 'second' });
		expect(await balanceOf(customer)).toBe(-1000);
		expect(double.balanceTransactions).toHaveLength(2);
	});

	test('a Custom Key from the input (a refund ID) holds across workflows', async () => {
		const [customer] = await customers(1);
		const byRefund = {
			typeVersion: 1.2,
			options: { idempotency: 'custom', idempotencyKey: '={{ "refund-" + $json.refund }}' },
		};
		const items = [{ customer, amount: -500, refund: 77 }];
		await run(items, byRefund, { workflowId: 'refunds' });
		const elsewhere = await run(items, byRefund, { workflowId: 'support-desk' });
		expect(await balanceOf(customer)).toBe(-500);
		expect(jsonOf(elsewhere)?.[0]).toMatchObject({ replayed: true });
		expect(posts().map((request) => request.idempotencyKey)).toEqual(['refund-77', 'refund-77']);
	});

	test('one Custom Key for two items with different values is refused before anything is sent; with the same values it is one transaction', async () => {
		const [ada, grace] = await customers(2);
		const byOrder = {
			options: { idempotency: 'custom', idempotencyKey: '={{ "order-" + $json.order }}' },
		};
		const clash = await run(
			[
				{ customer: ada, amount: -500, order: 1 },
				{ customer: grace, amount: -500, order: 1 },
			],
			byOrder,
		);
		expect(clash.error?.message).toMatch(
			/^\[item 0\] Options → Idempotency Key: "order-1" is also the key of item 1, which asks for something else/,
		);
		expect(clash.error?.description).toMatch(
			/other invalid items:\n- \[item 1\] .*"order-1" is also the key of item 0/,
		);
		expect(posts()).toEqual([]);
		const same = await run(
			[
				{ customer: ada, amount: -500, order: 2 },
				{ customer: ada, amount: -500, order: 2 },
			],
			byOrder,
		);
		expect(jsonOf(same)?.map((json) => json.replayed ?? false)).toEqual([false, true]);
		expect(await balanceOf(ada)).toBe(-500);
	});
});

test('a failing item in the middle of 10 leaves the other nine done, each once, with continue-on-fail', async () => {
	const ids = await customers(10);
	await stripe.customers.del(ids[4]);
	const items = ids.map((customer, index) => ({
		customer,
		amount: -100 * (index + 1),
		currency: index === 6 ? 'xyz' : 'usd',
	}));
	const result = await run(items, continueOnFail, {
		after: { inputCustomer: "={{ $('Input').item.json.customer }}" },
	});
	expect(result.error).toBeUndefined();
	const outputs = jsonOf(result)!;
	expect(outputs).toHaveLength(10);
	expect(outputs[4]).toMatchObject({
		itemIndex: 4,
		statusCode: 404,
		error: `[item 4] Stripe: No such customer: '${ids[4]}'`,
	});
	expect(outputs[6]).toMatchObject({
		itemIndex: 6,
		statusCode: 400,
		param: 'currency',
		error: expect.stringMatching(/^\[item 6\] Stripe: Invalid currency: xyz\./),
	});
	const done = [0, 1, 2, 3, 5, 7, 8, 9];
	for (const index of done)
		expect(outputs[index]).toMatchObject({ customerId: ids[index], amount: -100 * (index + 1) });
	expect(await Promise.all(done.map((index) => balanceOf(ids[index])))).toEqual(
		done.map((index) => -100 * (index + 1)),
	);
	expect(double.balanceTransactions).toHaveLength(8);
	// Each output is paired to its input, error items included.
	expect(result.after?.map((item) => item.json.inputCustomer)).toEqual(ids);
	expect(JSON.stringify(result.run)).not.toContain(SECRET_KEY);
});

test('Stripe Connect: the connected account’s customer is credited, with Stripe-Account on the request', async () => {
	const onAccount = { stripeAccount: 'acct_connected' };
	const customer = await stripe.customers.create({ email: 'ada@example.com' }, onAccount);
	const result = await runStripeCustomerWorkflow({
		items: [{ customer, amount: -500 }] as never,
		node: {
			parameters: {
				...fromInput,
				customerId: { __rl: true, mode: 'id', value: customer.id },
			} as never,
		},
		credentials: credentialsFor(double, { stripeAccount: 'acct_connected' }),
	});
	expect(result.error).toBeUndefined();
	expect(posts().at(-1)?.account).toBe('acct_connected');
	expect(
		((await stripe.customers.retrieve(customer.id, {}, onAccount)) as Stripe.Customer).balance,
	).toBe(-500);
});
