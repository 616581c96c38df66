import Stripe from 'stripe';

import { useDoubleUnderTest, failure, without } from '../selfTestSetup';

// The events customer writes create, and GET /v1/events[/:id].

const { d, client } = useDoubleUnderTest();

describe('events', () => {
	it('customer writes create events: created (+ tax ID, source, payment method), updated with previous_attributes, deleted', async () => {
		const stripe = client();
		const c = await stripe.customers.create(
			{
				email: 'ev@example.com',
				name: 'Ev',
				address: { line1: '1 Old St', city: 'Berlin', country: 'DE' },
				metadata: { plan: 'free' },
				tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
				source: 'tok_mastercard',
				payment_method: 'pm_card_visa',
			},
			{ idempotencyKey: 'ev-create' },
		);
		const types = () => d.events.map((e) => e.event.type);
		expect(types()).toEqual([
			'customer.created',
			'customer.tax_id.created',
			'customer.source.created',
			'payment_method.attached',
		]);
		const [created, taxId, source, attached] = d.events.map((e) => e.event);
		expect(created).toMatchObject({
			object: 'event',
			livemode: false,
			api_version: Stripe.API_VERSION,
			pending_webhooks: 0,
			request: { id: d.requests[0].requestId, idempotency_key: 'ev-create' },
			data: {
				object: {
					id: c.id,
					object: 'customer',
					email: 'ev@example.com',
					default_source: c.default_source,
				},
			},
		});
		expect(created.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
		expect(created.account).toBeUndefined();
		expect(taxId.data.object).toMatchObject({
			object: 'tax_id',
			customer: c.id,
			type: 'eu_vat',
			value: 'DE123456789',
		});
		expect(source.data.object).toMatchObject({
			id: c.default_source,
			object: 'card',
			brand: 'MasterCard',
			last4: '4444',
			customer: c.id,
		});
		expect(attached.data.object).toMatchObject({
			id: d.customers[0].paymentMethods[0],
			object: 'payment_method',
			customer: c.id,
		});

		// a replay is not a new write: no event
		await stripe.customers.create(
			{
				email: 'ev@example.com',
				name: 'Ev',
				address: { line1: '1 Old St', city: 'Berlin', country: 'DE' },
				metadata: { plan: 'free' },
				tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
				source: 'tok_mastercard',
				payment_method: 'pm_card_visa',
			},
			{ idempotencyKey: 'ev-create' },
		);
		expect(d.events).toHaveLength(4);

		await stripe.customers.update(c.id, {
			name: 'Eve',
			metadata: { plan: 'pro', seats: '3' },
			address: { city: 'Munich', country: 'DE' },
		});
		const updated = d.events[4].event;
		expect(updated.type).toBe('customer.updated');
		expect(updated.data.object).toMatchObject({
			id: c.id,
			name: 'Eve',
			metadata: { plan: 'pro', seats: '3' },
		});
		expect(updated.data.previous_attributes).toEqual({
			name: 'Ev',
			metadata: { plan: 'free', seats: null },
			address: { city: 'Berlin', line1: '1 Old St' },
		});
		// an update that changes nothing reports nothing
		await stripe.customers.update(c.id, { name: 'Eve' });
		expect(d.events).toHaveLength(5);

		await stripe.customers.createTaxId(c.id, { type: 'gb_vat', value: 'GB123456789' });
		const txi = d.events[5].event;
		expect([txi.type, txi.data.object.value]).toEqual(['customer.tax_id.created', 'GB123456789']);
		await stripe.customers.deleteTaxId(c.id, String(txi.data.object.id));
		expect(d.events[6].event).toMatchObject({
			type: 'customer.tax_id.deleted',
			data: { object: { id: txi.data.object.id } },
		});
		await stripe.customers.del(c.id);
		expect(d.events[7].event).toMatchObject({
			type: 'customer.deleted',
			data: { object: { id: c.id, name: 'Eve' } },
		});

		// events of a connected account carry it
		await stripe.customers.create({ name: 'Connected' }, { stripeAccount: 'acct_conn' });
		expect(d.events[8]).toMatchObject({
			account: 'acct_conn',
			event: { type: 'customer.created', account: 'acct_conn' },
		});
	});

	it('GET /v1/events/:id and GET /v1/events (type with *, types, paging newest first), per account', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			name: 'a',
			tax_id_data: [{ type: 'eu_vat', value: 'DE1' }],
		});
		await stripe.customers.update(c.id, { name: 'b' });
		await stripe.customers.create({ name: 'other account' }, { stripeAccount: 'acct_x' });
		const ids = (l: Stripe.ApiList<Stripe.Event>) => l.data.map((e) => e.type);

		const one = await stripe.events.retrieve(d.events[0].id);
		expect(without(one)).toEqual(d.events[0].event);
		expect((await failure(stripe.events.retrieve(d.events[3].id))).statusCode).toBe(404); // acct_x's event
		expect(
			(await stripe.events.retrieve(d.events[3].id, {}, { stripeAccount: 'acct_x' })).account,
		).toBe('acct_x');

		expect(ids(await stripe.events.list())).toEqual([
			'customer.updated',
			'customer.tax_id.created',
			'customer.created',
		]);
		expect(ids(await stripe.events.list({ type: 'customer.*' }))).toEqual([
			'customer.updated',
			'customer.tax_id.created',
			'customer.created',
		]);
		expect(ids(await stripe.events.list({ type: 'customer.tax_id.*' }))).toEqual([
			'customer.tax_id.created',
		]);
		expect(
			ids(await stripe.events.list({ types: ['customer.created', 'customer.updated'] })),
		).toEqual(['customer.updated', 'customer.created']);
		const page = await stripe.events.list({ limit: 1 });
		expect([ids(page), page.has_more]).toEqual([['customer.updated'], true]);
		const next = await stripe.events.list({ limit: 5, starting_after: page.data[0].id });
		expect([ids(next), next.has_more]).toEqual([
			['customer.tax_id.created', 'customer.created'],
			false,
		]);
		expect((await stripe.events.list({ delivery_success: true })).data).toHaveLength(3); // nothing to deliver to
	});
});
