import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	type RunResult,
	type StripeNodeSettings,
} from '../../support/workflowRunner';

// Delete, Update and Create or Update keep the promise Create keeps: a retry, a re-run or a repeated update ends in
// the same Stripe state as one run, and a run that stops says everything it changed.

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

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{}],
	node: Partial<StripeNodeSettings> = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never, ...node },
		credentials: credentialsFor(double),
	});
}

const continueOnFail = { onError: 'continueRegularOutput' as const };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const writes = () => double.requests.filter((request) => request.method !== 'GET');

describe('Delete: the customer being gone is the wanted end state', () => {
	test('a DELETE whose answer is lost (Stripe deleted the customer, the connection dropped) is an item done, not an error', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		double.failNext(1, { drop: 'after-create' });
		const result = await run({ operation: 'delete', customerId: byId(customer.id) });
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)).toEqual([
			{ customerId: customer.id, deleted: true, alreadyDeleted: true },
		]);
		// The retry was answered 404; the customer was then read: Stripe says it is deleted.
		expect(double.requests.map((request) => `${request.method} ${request.status}`)).toEqual([
			'POST 200',
			'DELETE 0',
			'DELETE 404',
			'GET 200',
		]);
	});

	test('a re-run of a Delete reports the customers it already deleted, and fails only for one that never existed', async () => {
		const customers = [
			await stripe.customers.create({ email: 'ada@example.com' }),
			await stripe.customers.create({ email: 'grace@example.com' }),
		];
		const items = customers.map((customer) => ({ id: customer.id }));
		const first = await run({ operation: 'delete', customerId: '={{ $json.id }}' }, items);
		expect(jsonOf(first)).toEqual(
			customers.map((customer) => ({ customerId: customer.id, deleted: true })),
		);
		const again = await run(
			{ operation: 'delete', customerId: '={{ $json.id }}' },
			[...items, { id: 'cus_neverExisted' }],
			continueOnFail,
		);
		expect(jsonOf(again)).toEqual([
			...customers.map((customer) => ({
				customerId: customer.id,
				deleted: true,
				alreadyDeleted: true,
			})),
			expect.objectContaining({
				itemIndex: 2,
				statusCode: 404,
				error: expect.stringMatching(/^\[item 2\] Stripe: No such customer: 'cus_neverExisted'/),
			}),
		]);
	});
});

describe('a custom key (an order ID) makes the create safe and never the update', () => {
	const names = ['A', 'B', 'C', 'B'];

	test.each([
		['Create or Update', { operation: 'upsert' }],
		[
			'Create with If Email Exists → Update the Existing One',
			{ operation: 'create', options: { ifEmailExists: 'update' } },
		],
	])(
		'%s: runs with names A → B → C → B end with one customer named B, each applied',
		async (_title, operation) => {
			for (const name of names) {
				const result = await run(
					{
						...operation,
						name: '={{ $json.name }}',
						email: 'ada@example.com',
						options: {
							...(operation as { options?: object }).options,
							idempotency: 'custom',
							idempotencyKey: '={{ "order-" + $json.order }}',
						},
					},
					[{ name, order: 42 }],
				);
				expect(result.error).toBeUndefined();
			}
			expect(double.customers).toHaveLength(1);
			expect(
				((await stripe.customers.retrieve(double.customers[0].id)) as Stripe.Customer).name,
			).toBe('B');
			// The create carried the order key; the updates never did.
			const keys = double.requests
				.filter((request) => request.method === 'POST')
				.map((request) => request.idempotencyKey);
			expect(keys[0]).toBe('order-42');
			expect(keys.slice(1).every((key) => key !== null && !key.startsWith('order-42'))).toBe(true);
		},
	);
});

describe('a repeated update converges', () => {
	const taxIds = {
		taxId: [
			{ type: 'eu_vat', value: 'DE123456789' },
			{ type: 'gb_vat', value: 'GB123456789' },
		],
	};

	test('Update with tax IDs run three times leaves each tax ID once', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		for (let runs = 0; runs < 3; runs++) {
			const result = await run({
				operation: 'update',
				customerId: byId(customer.id),
				additionalFields: { taxIds },
			});
			expect(result.error).toBeUndefined();
		}
		const held = await stripe.customers.listTaxIds(customer.id);
		expect(held.data.map((taxId) => `${taxId.type} ${taxId.value}`).sort()).toEqual([
			'eu_vat DE123456789',
			'gb_vat GB123456789',
		]);
		expect(
			double.requests.filter(
				(request) => request.method === 'POST' && request.path.endsWith('/tax_ids'),
			),
		).toHaveLength(2);
	});

	test('Create or Update with a tax ID the customer has already: not added again', async () => {
		const customer = await stripe.customers.create({
			email: 'ada@example.com',
			tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
		});
		const result = await run({
			operation: 'upsert',
			email: 'ada@example.com',
			additionalFields: { taxIds: { taxId: [taxIds.taxId[0]] } },
		});
		expect(jsonOf(result)).toEqual([{ customerId: customer.id, action: 'updated' }]);
		expect((await stripe.customers.listTaxIds(customer.id)).data).toHaveLength(1);
	});

	test('a payment method attached to the customer already is not an error: an update repeated applies again', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const parameters = {
			operation: 'update',
			customerId: byId(customer.id),
			name: '={{ $json.name }}',
			additionalFields: { paymentMethod: 'pm_1NcustomerCard' },
		};
		for (const name of ['A', 'B']) {
			const result = await run(parameters, [{ name }]);
			expect(result.error).toBeUndefined();
			expect(jsonOf(result)).toEqual([{ customerId: customer.id }]);
		}
		expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).name).toBe('B');
	});

	test('an item that fails half-way: the run summary lists the steps it did (On Error "Stop"), the error item too (continue-on-fail)', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const parameters = {
			operation: 'update',
			customerId: byId(customer.id),
			name: 'Ada',
			additionalFields: { taxIds },
			options: { maxRetries: 0 },
		};
		// The tax IDs are added; the update of the customer itself is then refused.
		double.failNext(1, { status: 402 });
		const stopped = await run(parameters);
		expect(stopped.error?.message).toMatch(/^\[item 0\] Stripe: /);
		expect(stopped.error?.description).toContain(
			[
				'Done before the run stopped (1 item):',
				`- item 0 → ${customer.id}: tax ID eu_vat DE123456789 added; ${customer.id}: tax ID gb_vat GB123456789 added (then the item failed)`,
			].join('\n'),
		);

		double.reset();
		const other = await stripe.customers.create({ email: 'grace@example.com' });
		double.failNext(1, { status: 402 });
		const continued = await run(
			{ ...parameters, customerId: byId(other.id) },
			[{}],
			continueOnFail,
		);
		expect(jsonOf(continued)?.[0]).toMatchObject({
			itemIndex: 0,
			statusCode: 402,
			stepsDone: [
				`${other.id}: tax ID eu_vat DE123456789 added`,
				`${other.id}: tax ID gb_vat GB123456789 added`,
			],
		});
		// Run again without the fault: nothing is added twice, the update applies.
		const fixed = await run({ ...parameters, customerId: byId(other.id) });
		expect(fixed.error).toBeUndefined();
		expect((await stripe.customers.listTaxIds(other.id)).data).toHaveLength(2);
		expect(writes().filter((request) => request.path.endsWith('/tax_ids'))).toHaveLength(2);
	});
});

test('continue-on-fail: when the run fails (the key is refused half-way), what succeeded stays, an empty result included', async () => {
	const ada = await stripe.customers.create({ email: 'ada@example.com' });
	// The first two lookups are answered; the third is refused as if the key had been rolled meanwhile.
	double.failNext(2, { delayMs: 0 }, 'GET /v1/customers');
	double.failNext(1, { status: 401 }, 'GET /v1/customers');
	const result = await run(
		{ operation: 'getMany', filters: { email: '={{ $json.email }}' }, options: { concurrency: 1 } },
		[
			{ email: 'nobody@example.com' },
			{ email: 'ada@example.com' },
			{ email: 'grace@example.com' },
			{ email: 'alan@example.com' },
		],
		continueOnFail,
	);
	expect(
		result.output?.map((item) => [item.pairedItem, item.json.customerId ?? item.json.error]),
	).toEqual([
		// item 0 found nobody: a success with no output item, as without the failure
		[{ item: 1 }, ada.id],
		[{ item: 2 }, expect.stringMatching(/^Stripe refused the credential/)],
		[{ item: 3 }, expect.stringMatching(/^Stripe refused the credential/)],
	]);
});
