import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow, type RunResult } from '../../support/workflowRunner';

// Tax ID → List through n8n's engine against the Stripe double.

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

function run(items: object[], parameters: object = {}, onError?: 'continueRegularOutput') {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: {
			typeVersion: 1.2,
			parameters: {
				resource: 'taxId',
				operation: 'list',
				customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
				...parameters,
			} as never,
			onError,
		},
		credentials: credentialsFor(double),
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

test('one output item per tax ID, paired to the customer it belongs to; Return All pages through', async () => {
	const ada = await stripe.customers.create({ email: 'ada@example.com' });
	const grace = await stripe.customers.create({ email: 'grace@example.com' });
	for (let n = 0; n < 12; n++)
		await stripe.customers.createTaxId(ada.id, { type: 'eu_vat', value: `DE1000000${n}` });
	const graceVat = await stripe.customers.createTaxId(grace.id, {
		type: 'gb_vat',
		value: 'GB123456789',
	});
	const nobody = await stripe.customers.create({ email: 'nobody@example.com' });

	const all = await run([{ customer: ada.id }, { customer: nobody.id }, { customer: grace.id }], {
		returnAll: true,
	});
	expect(all.output).toHaveLength(13);
	expect(all.output![12]).toEqual({
		json: {
			customerId: grace.id,
			taxIdId: graceVat.id,
			taxId: expect.objectContaining({ type: 'gb_vat', value: 'GB123456789' }),
		},
		pairedItem: { item: 2 },
	});
	expect(all.output!.slice(0, 12).map((item) => item.pairedItem)).toEqual(
		Array(12).fill({ item: 0 }),
	);

	const limited = await run([{ customer: ada.id }], { limit: 3 });
	expect(jsonOf(limited)?.map((json) => (json.taxId as { value: string }).value)).toEqual([
		'DE10000000',
		'DE10000001',
		'DE10000002',
	]);
});

test('an unknown customer fails its item only (continue-on-fail); a bad ID is refused before any request', async () => {
	const ada = await stripe.customers.create({ email: 'ada@example.com' });
	await stripe.customers.createTaxId(ada.id, { type: 'eu_vat', value: 'DE123456789' });
	double.requests.length = 0;
	const result = await run(
		[{ customer: 'cus_neverExisted' }, { customer: ada.id }, { customer: 'ada' }],
		{},
		'continueRegularOutput',
	);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({ itemIndex: 0, statusCode: 404 }),
		expect.objectContaining({ customerId: ada.id }),
		expect.objectContaining({ itemIndex: 2, field: 'Customer' }),
	]);
	expect(double.requests).toHaveLength(2);
});
