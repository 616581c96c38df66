import Stripe from 'stripe';

import { clearableOn } from '../../../nodes/StripeCustomer/actions/customer/customerFields';
import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow, type StripeNodeSettings } from '../../support/workflowRunner';

// Update (and the update of Create or Update) removes what Clear Fields and Metadata Keys to Remove name, through
// n8n's engine against the Stripe double: the parameter reaches Stripe empty (`phone=`), and Stripe unsets it. A field
// left empty, or an expression that gives nothing, removes nothing.

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

/** A customer with every value the node can clear set. */
async function customerWithEverything() {
	return await stripe.customers.create({
		name: 'Ada Lovelace',
		email: 'ada@example.com',
		phone: '+44 20 7946 0000',
		description: 'VIP',
		address: { line1: '1 Main St', city: 'London', country: 'GB' },
		shipping: { name: 'Ada', address: { line1: '2 Side St', country: 'GB' } },
		business_name: 'Analytical Engines',
		individual_name: 'Ada King',
		preferred_locales: ['en', 'de'],
		invoice_settings: {
			footer: 'Thank you',
			custom_fields: [{ name: 'PO', value: '7' }],
		},
		metadata: { plan: 'pro', crm_id: '42' },
	});
}

const current = async (id: string) => (await stripe.customers.retrieve(id)) as Stripe.Customer;

/** The body of every customer update sent (since request `since`), as its name=value pairs. */
const updateBodies = (since = 0) =>
	double.requests
		.slice(since)
		.filter((request) => request.method === 'POST' && /^\/v1\/customers\/cus_/.test(request.path))
		.map((request) => request.rawBody.split('&'));

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{}],
	node: Partial<StripeNodeSettings> = {},
) {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never, typeVersion: 1.3, ...node },
		credentials: credentialsFor(double),
	});
}

const byId = (id: string) => ({ __rl: true, mode: 'id', value: id });

describe('Update: each value Clear Fields offers', () => {
	const rows: Array<[string, string, (customer: Stripe.Customer) => unknown]> = [
		['name', 'name=', (c) => c.name],
		['email', 'email=', (c) => c.email],
		['phone', 'phone=', (c) => c.phone],
		['description', 'description=', (c) => c.description],
		['address', 'address=', (c) => c.address],
		['shipping', 'shipping=', (c) => c.shipping],
		['businessName', 'business_name=', (c) => c.business_name],
		['individualName', 'individual_name=', (c) => c.individual_name],
		[
			'defaultPaymentMethod',
			'invoice_settings[default_payment_method]=',
			(c) => c.invoice_settings.default_payment_method,
		],
		[
			'invoiceCustomFields',
			'invoice_settings[custom_fields]=',
			(c) => c.invoice_settings.custom_fields,
		],
		['invoiceFooter', 'invoice_settings[footer]=', (c) => c.invoice_settings.footer],
		['preferredLocales', 'preferred_locales=', (c) => c.preferred_locales?.length || null],
		['taxIpAddress', 'tax[ip_address]=', () => null],
	];

	test('every value offered has a row', () => {
		expect(rows.map(([value]) => value)).toEqual(clearableOn('update').map((c) => c.value));
	});

	test.each(rows)(
		'%s: reaches Stripe as %s, and Stripe no longer has it',
		async (value, pair, read) => {
			const customer = await customerWithEverything();
			if (value === 'defaultPaymentMethod') {
				const attached = await stripe.paymentMethods.attach('pm_card_visa', {
					customer: customer.id,
				});
				await stripe.customers.update(customer.id, {
					invoice_settings: { default_payment_method: attached.id },
				});
			}
			const since = double.requests.length;
			const result = await run({
				operation: 'update',
				customerId: byId(customer.id),
				clearFields: [value],
			});
			expect(result.error).toBeUndefined();
			expect(updateBodies(since)).toEqual([[pair]]);
			expect(read(await current(customer.id))).toBeNull();
			expect(result.output?.map((item) => item.json)).toEqual([
				{ customerId: customer.id, updatedFields: [pair.split(/[[=]/)[0]] },
			]);
		},
	);
});

test('Metadata Keys to Remove: each key reaches Stripe empty (metadata[key]=) and is removed; the other keys stay', async () => {
	const customer = await customerWithEverything();
	const result = await run(
		{
			operation: 'update',
			customerId: byId(customer.id),
			metadataKeysToRemove: '={{ $json.obsolete }}',
		},
		[{ obsolete: 'plan, never_set' }],
	);
	expect(result.error).toBeUndefined();
	expect(updateBodies()).toEqual([['metadata[plan]=', 'metadata[never_set]=']]);
	expect((await current(customer.id)).metadata).toEqual({ crm_id: '42' });
});

test('an empty field or an expression that gives nothing removes nothing: only the values given are sent', async () => {
	const customer = await customerWithEverything();
	const result = await run(
		{
			operation: 'update',
			customerId: byId(customer.id),
			name: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			description: '',
			clearFields: '={{ $json.clear }}',
			metadataKeysToRemove: '={{ $json.keys }}',
		},
		[{ name: 'Ada King', phone: '', clear: [], keys: '' }],
	);
	expect(result.error).toBeUndefined();
	expect(updateBodies()).toEqual([['name=Ada%20King']]);
	expect(await current(customer.id)).toMatchObject({
		name: 'Ada King',
		phone: '+44 20 7946 0000',
		description: 'VIP',
		metadata: { plan: 'pro', crm_id: '42' },
	});
});

test('values given and values removed go in one update', async () => {
	const customer = await customerWithEverything();
	const result = await run({
		operation: 'update',
		customerId: byId(customer.id),
		phone: '+49 30 1234',
		clearFields: ['description', 'address'],
		metadataKeysToRemove: 'plan',
	});
	expect(result.error).toBeUndefined();
	expect(updateBodies()).toEqual([
		['phone=%2B49%2030%201234', 'description=', 'address=', 'metadata[plan]='],
	]);
	expect(await current(customer.id)).toMatchObject({
		phone: '+49 30 1234',
		description: null,
		address: null,
		metadata: { crm_id: '42' },
	});
});

test('a value both given and chosen to be cleared: an error naming both, for that item, before any request', async () => {
	const result = await run(
		{
			operation: 'update',
			customerId: byId('cus_123'),
			phone: '={{ $json.phone }}',
			clearFields: ['phone'],
			metadataKeysToRemove: 'plan',
			additionalFields: { metadata: { entry: [{ key: 'plan', value: 'pro' }] } },
		},
		[{ phone: '+44 20' }],
		{ onError: 'continueRegularOutput' },
	);
	expect(double.requests).toEqual([]);
	expect(result.output?.map((item) => item.json)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			fieldErrors: [
				{
					field: 'Clear Fields → Phone',
					message: expect.stringMatching(
						/^Phone also gives it a value; .* from Phone or from Clear Fields$/,
					),
				},
				{
					field: 'Metadata Keys to Remove → "plan"',
					message: expect.stringMatching(/^Metadata also gives the key "plan" a value/),
				},
			],
		}),
	]);
});

test('as an AI Agent\'s tool, Clear Fields is a text the model fills: "phone, billing address"', async () => {
	const customer = await customerWithEverything();
	const result = await run(
		{
			operation: 'update',
			customerId: byId(customer.id),
			clearFields: 'phone, billing address',
		},
		[{}],
		{ asTool: true },
	);
	expect(result.error).toBeUndefined();
	expect(updateBodies()).toEqual([['phone=', 'address=']]);
});

describe('Create or Update: removes them when the customer exists', () => {
	const upsert = (email: string, extra: Record<string, unknown> = {}) =>
		run({
			operation: 'upsert',
			email,
			clearFields: ['phone', 'shipping'],
			metadataKeysToRemove: 'plan',
			...extra,
		});

	test('an existing customer is updated with the removals; a new one is created without them', async () => {
		const existing = await customerWithEverything();
		const updated = await upsert('ada@example.com');
		expect(updated.error).toBeUndefined();
		expect(updated.output?.[0].json).toMatchObject({ customerId: existing.id, action: 'updated' });
		expect(updateBodies()).toEqual([
			['email=ada%40example.com', 'phone=', 'shipping=', 'metadata[plan]='],
		]);
		expect(await current(existing.id)).toMatchObject({
			phone: null,
			shipping: null,
			metadata: { crm_id: '42' },
		});

		const created = await upsert('grace@example.com', { name: 'Grace' });
		expect(created.output?.[0].json).toMatchObject({ action: 'created' });
		expect(double.customers.at(-1)!.params).toEqual({ email: 'grace@example.com', name: 'Grace' });
	});

	test('Email is not offered: it finds the customer', () => {
		expect(clearableOn('upsert').map((c) => c.value)).not.toContain('email');
	});

	test('a value both given and cleared is refused before the lookup, whether or not the customer exists', async () => {
		const result = await upsert('new@example.com', { phone: '+44 20' });
		expect(result.error?.message).toMatch(/Clear Fields → Phone: Phone also gives it a value/);
		expect(double.requests).toEqual([]);
	});
});
