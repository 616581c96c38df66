import type Stripe from 'stripe';

import { jsonOf, useStripeDouble } from '../../support/testSetup';

// An update of an existing customer (Update, and the update of Create or Update and of If Email Exists) in the steps
// Stripe needs: an address given in part keeps its other parts, and a repeated update converges (tax IDs and payment
// methods the customer has are not added again; an item that fails half-way says what it did).

const { double, stripe, run } = useStripeDouble();

const continueOnFail = { onError: 'continueRegularOutput' as const };
const byId = (value: string) => ({ __rl: true, mode: 'id', value });

const writes = () => double.requests.filter((request) => request.method !== 'GET');
const retrieve = async (customerId: string) =>
	(await stripe.customers.retrieve(customerId)) as Stripe.Customer;

describe('an update keeps the parts of an address it does not name (Stripe replaces a nested hash whole)', () => {
	const address = {
		line1: 'Hauptstraße 1',
		line2: 'Hinterhaus',
		city: 'Berlin',
		postal_code: '10115',
		state: 'BE',
		country: 'DE',
	};
	const shipping = {
		name: 'Ada at work',
		phone: '+49 30 1234',
		address: { line1: 'Lagerweg 2', city: 'Hamburg', postal_code: '20095', country: 'DE' },
	};
	const newAda = () =>
		stripe.customers.create({ email: 'ada@example.com', name: 'Ada', address, shipping });
	const updateBodies = (customerId: string) =>
		double.requests.filter(
			(request) => request.method === 'POST' && request.path === `/v1/customers/${customerId}`,
		);

	test.each([
		['Update', (customerId: string) => ({ operation: 'update', customerId: byId(customerId) })],
		['Create or Update', () => ({ operation: 'upsert', email: 'ada@example.com' })],
		[
			'Create with If Email Exists → Update the Existing One',
			() => ({
				operation: 'create',
				email: 'ada@example.com',
				options: { ifEmailExists: 'update' },
			}),
		],
	])(
		'%s with only Billing Address → Country and Shipping → City: the rest of both stays',
		async (_operation, parametersFor) => {
			const customer = await newAda();
			const result = await run({
				...parametersFor(customer.id),
				address: { details: { country: 'AT' } },
				shipping: { details: { city: 'Bremen' } },
			});
			expect(result.error).toBeUndefined();
			const after = await retrieve(customer.id);
			expect(after.address).toEqual({ ...address, country: 'AT' });
			expect(after.shipping).toEqual({
				name: 'Ada at work',
				phone: '+49 30 1234',
				address: { ...shipping.address, city: 'Bremen', line2: null, state: null },
			});
			// What was sent: the whole address, completed from the customer.
			expect(updateBodies(customer.id).map((request) => request.params.address)).toEqual([
				{ ...address, country: 'AT' },
			]);
		},
	);

	test("Update of a customer without shipping: the recipient is the customer's name", async () => {
		const customer = await stripe.customers.create({
			email: 'grace@example.com',
			name: 'Grace Hopper',
		});
		const result = await run({
			operation: 'update',
			customerId: byId(customer.id),
			shipping: { details: { city: 'Arlington', country: 'united states' } },
		});
		expect(result.error).toBeUndefined();
		expect((await retrieve(customer.id)).shipping).toMatchObject({
			name: 'Grace Hopper',
			address: { city: 'Arlington', country: 'US' },
		});
	});
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
