import { jsonOf, useStripeDouble } from '../../support/testSetup';

// Delete: the customer being gone is the wanted end state, so a customer deleted already (a repeated item, a lost
// answer, a re-run) is reported as such, and only a customer that never existed is an error.

const { double, stripe, run } = useStripeDouble();

const continueOnFail = { onError: 'continueRegularOutput' as const };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Delete', () => {
	test('outputs {customerId, deleted: true}; one customer given twice is deleted once and the second item finds it deleted', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{ operation: 'delete', customerId: '={{ $json.id }}' },
			[{ id: customer.id }, { id: customer.id }],
			continueOnFail,
		);
		expect(jsonOf(result)).toEqual([
			{ customerId: customer.id, deleted: true },
			{ customerId: customer.id, deleted: true, alreadyDeleted: true },
		]);
		expect(double.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
	});
});

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
