import Stripe from 'stripe';

import { DEFAULT_SECRET_KEYS, startStripeDouble, type StripeDouble } from '../index';

// The double's tax IDs of a customer, checked with the official `stripe` client (the rules the node's Tax ID
// operations depend on; the add rules are also in test/stripeDouble.test.ts).

let d: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	d = await startStripeDouble({ seed: 5 });
	stripe = new Stripe(DEFAULT_SECRET_KEYS[0], {
		host: '127.0.0.1',
		port: d.port,
		protocol: 'http',
		maxNetworkRetries: 0,
		telemetry: false,
	});
});
afterAll(() => d.close());
beforeEach(() => d.reset());

async function failure(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await p;
	} catch (error) {
		return error as Stripe.errors.StripeError;
	}
	throw new Error('expected the request to fail');
}

test('the list comes a page at a time (limit, default 10; starting_after), as Stripe lists', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	for (let n = 0; n < 12; n++)
		await stripe.customers.createTaxId(customer.id, { type: 'eu_vat', value: `DE10000000${n}` });
	const first = await stripe.customers.listTaxIds(customer.id);
	expect(first.data).toHaveLength(10);
	expect(first.has_more).toBe(true);
	const rest = await stripe.customers.listTaxIds(customer.id, {
		starting_after: first.data[9].id,
		limit: 100,
	});
	expect(rest).toMatchObject({ has_more: false });
	expect(rest.data.map((taxId) => taxId.value)).toEqual(['DE1000000010', 'DE1000000011']);
	const all = [];
	for await (const taxId of stripe.customers.listTaxIds(customer.id, { limit: 5 })) all.push(taxId);
	expect(all).toHaveLength(12);
	expect((await failure(stripe.customers.listTaxIds(customer.id, { limit: 101 }))).param).toBe(
		'limit',
	);
});

test('a tax ID deleted is gone: a second delete and a read answer 404 as for one that never existed; the event stays', async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const taxId = await stripe.customers.createTaxId(customer.id, {
		type: 'eu_vat',
		value: 'DE123456789',
	});
	await expect(stripe.customers.deleteTaxId(customer.id, taxId.id)).resolves.toMatchObject({
		id: taxId.id,
		deleted: true,
	});
	const again = await failure(stripe.customers.deleteTaxId(customer.id, taxId.id));
	const never = await failure(stripe.customers.deleteTaxId(customer.id, 'txi_neverExisted'));
	for (const refused of [again, never])
		expect(refused).toMatchObject({ statusCode: 404, code: 'resource_missing' });
	expect(again.message).toBe(`No such tax_id: '${taxId.id}'`);
	expect((await failure(stripe.customers.retrieveTaxId(customer.id, taxId.id))).statusCode).toBe(
		404,
	);
	const deletions = await stripe.events.list({ type: 'customer.tax_id.deleted' });
	expect(deletions.data.map((event) => event.data.object)).toEqual([
		expect.objectContaining({ id: taxId.id, customer: customer.id }),
	]);
});
