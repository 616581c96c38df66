import { sleep } from 'n8n-workflow';
import type Stripe from 'stripe';

import { DEFAULT_SEARCH_LAG_MS } from '../stripe-double';
import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow, type RunResult } from '../support/workflowRunner';

// The router runs the operation a node names: every Customer operation in turn on one customer, read back from the
// Stripe double after each step with the official client as the reference; an operation the node lacks sends nothing.

const { double, stripe } = useStripeDouble();

function run(parameters: Record<string, unknown>, items: object[] = [{}]): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials: credentialsFor(double),
	});
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
/** Search sees writes late at Stripe (the double: a second); wait for it, as the README tells users to. */
const searchCatchesUp = () => sleep(DEFAULT_SEARCH_LAG_MS + 100);

test('a customer from create to delete: Create → Get → Update → Get Many → Search → Delete → Get', async () => {
	const created = await run(
		{
			operation: 'create',
			name: '={{ $json.name }}',
			email: '={{ $json.email }}',
			additionalFields: { metadata: { entry: [{ key: 'plan', value: 'free' }] } },
		},
		[{ name: 'Ada Lovelace', email: 'ada@example.com' }],
	);
	const customerId = created.output![0].json.customerId as string;
	expect((await stripe.customers.retrieve(customerId)) as Stripe.Customer).toMatchObject({
		name: 'Ada Lovelace',
		metadata: { plan: 'free' },
	});

	const got = await run({ operation: 'get', customerId: '={{ $json.id }}' }, [{ id: customerId }]);
	expect(jsonOf(got)).toEqual([
		{ customerId, customer: expect.objectContaining({ id: customerId, email: 'ada@example.com' }) },
	]);

	const updated = await run({
		operation: 'update',
		customerId: byId(customerId),
		phone: '+44 20 7946 0000',
		additionalFields: {
			metadata: { entry: [{ key: 'plan', value: 'pro' }] },
			taxIds: { taxId: [{ type: 'gb_vat', value: 'GB123456789' }] },
		},
		options: { returnFullCustomer: true },
	});
	expect(updated.error).toBeUndefined();
	const afterUpdate = (await stripe.customers.retrieve(customerId, {
		expand: ['tax_ids'],
	})) as Stripe.Customer;
	expect(afterUpdate).toMatchObject({
		name: 'Ada Lovelace',
		phone: '+44 20 7946 0000',
		metadata: { plan: 'pro' },
	});
	expect(afterUpdate.tax_ids?.data.map((taxId) => [taxId.type, taxId.value])).toEqual([
		['gb_vat', 'GB123456789'],
	]);
	expect(jsonOf(updated)).toEqual([
		{ customerId, customer: expect.objectContaining({ phone: '+44 20 7946 0000' }) },
	]);

	// Right after a write, Get Many by email finds the customer at once; Search only once Stripe's search caught up.
	const listed = await run({ operation: 'getMany', filters: { email: 'ada@example.com' } });
	expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customerId]);

	await searchCatchesUp();
	const found = await run({
		operation: 'search',
		query: "metadata['plan']:'pro' AND name~'Lovelace'",
	});
	expect(jsonOf(found)?.map((json) => json.customerId)).toEqual([customerId]);

	const deleted = await run({ operation: 'delete', customerId: byId(customerId) });
	expect(jsonOf(deleted)).toEqual([{ customerId, deleted: true }]);
	expect(await stripe.customers.retrieve(customerId)).toMatchObject({
		id: customerId,
		deleted: true,
	});

	// Stripe still answers for a deleted customer: a clear result, not a crash.
	const gone = await run({ operation: 'get', customerId: byId(customerId) });
	expect(jsonOf(gone)).toEqual([{ customerId, deleted: true }]);
});

test('"Custom API Call", which n8n adds to every Operation list, stops with a clear error and sends nothing', async () => {
	const result = await run({ operation: '__CUSTOM_API_CALL__' }, [
		{ name: 'Ada Lovelace', email: 'ada@example.com' },
	]);
	expect(result.error?.message).toBe(
		'The operation "Custom API Call" is not available in this node; nothing was sent to Stripe',
	);
	expect(result.error?.description).toMatch(/HTTP Request node with this credential/);
	expect(double.requests).toHaveLength(0);
});
