import Stripe from 'stripe';

import { useDoubleUnderTest, failure } from '../selfTestSetup';

// A tax ID the customer has already, and a payment method attached again: refused from the work, as Stripe does.

const { d, client } = useDoubleUnderTest();

describe('as strict as Stripe', () => {
	const replayed = (e: Stripe.errors.StripeError) => e.headers?.['idempotent-replayed'];

	it('a tax ID the customer already has and an attached payment method attached again: 400s from the work, stored for the key', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			name: 'taxed',
			tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
		});
		const twice = await failure(
			stripe.customers.createTaxId(
				c.id,
				{ type: 'eu_vat', value: 'DE123456789' },
				{ idempotencyKey: 'k-tax' },
			),
		);
		expect([twice.statusCode, twice.type, twice.code, twice.param, twice.message]).toEqual([
			400,
			'StripeInvalidRequestError',
			'resource_already_exists',
			'value',
			'A tax ID with the specified value and type already exists for this customer.',
		]);
		expect(
			replayed(
				await failure(
					stripe.customers.createTaxId(
						c.id,
						{ type: 'eu_vat', value: 'DE123456789' },
						{ idempotencyKey: 'k-tax' },
					),
				),
			),
		).toBe('true');
		// the same value with another type is another tax ID
		await expect(
			stripe.customers.createTaxId(c.id, { type: 'de_stn', value: 'DE123456789' }),
		).resolves.toMatchObject({ type: 'de_stn' });
		const repeated = await failure(
			stripe.customers.create({
				tax_id_data: [
					{ type: 'gb_vat', value: 'GB1' },
					{ type: 'gb_vat', value: 'GB1' },
				],
			}),
		);
		expect([repeated.statusCode, repeated.code]).toEqual([400, 'resource_already_exists']);

		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		const other = await stripe.customers.create({ name: 'other' });
		for (const customer of [c.id, other.id]) {
			const again = await failure(
				stripe.paymentMethods.attach(
					pm.id,
					{ customer },
					{ idempotencyKey: `k-attach-${customer}` },
				),
			);
			expect([again.statusCode, again.param, again.message]).toEqual([
				400,
				'payment_method',
				'The payment method you provided has already been attached to a customer.',
			]);
			expect(
				replayed(
					await failure(
						stripe.paymentMethods.attach(
							pm.id,
							{ customer },
							{ idempotencyKey: `k-attach-${customer}` },
						),
					),
				),
			).toBe('true');
		}
		const onCreate = await failure(stripe.customers.create({ payment_method: pm.id }));
		expect([onCreate.statusCode, onCreate.param]).toEqual([400, 'payment_method']);
		expect(d.customers.map((x) => x.paymentMethods)).toEqual([[pm.id], []]);
	});
});

describe("a customer's tax IDs, as the Tax ID operations use them", () => {
	test('the list comes a page at a time (limit, default 10; starting_after), as Stripe lists', async () => {
		const stripe = client();
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		for (let n = 0; n < 12; n++)
			await stripe.customers.createTaxId(customer.id, {
				type: 'eu_vat',
				value: `DE10000000${n}`,
			});
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
		for await (const taxId of stripe.customers.listTaxIds(customer.id, { limit: 5 }))
			all.push(taxId);
		expect(all).toHaveLength(12);
		expect((await failure(stripe.customers.listTaxIds(customer.id, { limit: 101 }))).param).toBe(
			'limit',
		);
	});

	test('a tax ID deleted is gone: a second delete and a read answer 404 as for one that never existed; the event stays', async () => {
		const stripe = client();
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
});
