import type Stripe from 'stripe';

import { CONTINUE_ON_FAIL, jsonOf, useStripeDouble } from '../../support/testSetup';
import { type RunResult } from '../../support/workflowRunner';

// Create or Update: the customer with the item's email (in any case) is updated, a missing one is created, and items
// of one run sharing an email make one customer.

const { double, stripe, run } = useStripeDouble();

const pairingOf = (result: RunResult) => result.output?.map((item) => item.pairedItem);

describe('Create or Update (upsert, by email)', () => {
	const upsert = { operation: 'upsert', name: '={{ $json.name }}', email: '={{ $json.email }}' };

	test('updates the customer with the email, creates the missing one; items sharing an email make one customer', async () => {
		const existing = await stripe.customers.create({ email: 'ada@example.com', name: 'Old name' });
		const result = await run(upsert, [
			{ name: 'Ada Lovelace', email: 'ada@example.com' },
			{ name: 'Grace Hopper', email: 'grace@example.com' },
			{ name: 'Grace B. Hopper', email: 'GRACE@example.com' },
		]);
		expect(result.error).toBeUndefined();
		const grace = double.customers.find(
			(customer) => customer.params.email === 'grace@example.com',
		)!;
		expect(jsonOf(result)).toEqual([
			{ customerId: existing.id, action: 'updated' },
			{ customerId: grace.id, action: 'created' },
			{ customerId: grace.id, action: 'updated' },
		]);
		expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(((await stripe.customers.retrieve(existing.id)) as Stripe.Customer).name).toBe(
			'Ada Lovelace',
		);
		expect(((await stripe.customers.retrieve(grace.id)) as Stripe.Customer).name).toBe(
			'Grace B. Hopper',
		);
		expect(double.customers).toHaveLength(2);
	});

	test('an item without an email is refused before any request', async () => {
		const result = await run(upsert, [{ name: 'No email' }], CONTINUE_ON_FAIL);
		expect(jsonOf(result)?.[0]).toMatchObject({ itemIndex: 0, field: 'Email' });
		expect(double.requests).toHaveLength(0);
	});

	test('a later update with earlier values applies again (updates are never replayed from an older run)', async () => {
		await run(upsert, [{ name: 'A', email: 'ada@example.com' }]);
		await run(upsert, [{ name: 'B', email: 'ada@example.com' }]);
		await run(upsert, [{ name: 'A', email: 'ada@example.com' }]);
		expect(double.customers).toHaveLength(1);
		expect(
			((await stripe.customers.retrieve(double.customers[0].id)) as Stripe.Customer).name,
		).toBe('A');
	});
});
