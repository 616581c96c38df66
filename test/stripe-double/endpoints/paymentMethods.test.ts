import Stripe from 'stripe';

import { useDoubleUnderTest, failure } from '../selfTestSetup';

// POST /v1/payment_methods/:id/attach.

const { d, client } = useDoubleUnderTest();

describe('POST /v1/payment_methods/:id/attach', () => {
	it("attaches a payment method; Stripe's test payment methods (pm_card_…) make a new one each time", async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'pm' });
		const other = await stripe.customers.create({ name: 'other' });
		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		expect(pm).toMatchObject({
			object: 'payment_method',
			customer: c.id,
			type: 'card',
			livemode: false,
		});
		expect(pm.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);
		expect(d.customers[0].paymentMethods).toEqual([pm.id]);
		// the test card again: another new payment method, here for the other customer
		const copy = await stripe.paymentMethods.attach('pm_card_visa', { customer: other.id });
		expect(copy.id).not.toBe(pm.id);
		const own = await stripe.paymentMethods.attach('pm_1OwnPaymentMethod', { customer: c.id });
		expect(own.id).toBe('pm_1OwnPaymentMethod');

		const noCustomer = await failure(
			stripe.paymentMethods.attach('pm_card_mastercard', { customer: 'cus_missing' }),
		);
		expect([noCustomer.statusCode, noCustomer.code, noCustomer.param]).toEqual([
			404,
			'resource_missing',
			'customer',
		]);
		const notPm = await failure(stripe.paymentMethods.attach('card_123', { customer: c.id }));
		expect([notPm.statusCode, notPm.message]).toEqual([404, "No such PaymentMethod: 'card_123'"]);
		const noParam = await failure(
			stripe.paymentMethods.attach('pm_card_amex', {} as Stripe.PaymentMethodAttachParams),
		);
		expect([noParam.code, noParam.param]).toEqual(['parameter_missing', 'customer']);

		// create with payment_method attaches it too
		await stripe.customers.create({ payment_method: 'pm_card_amex' });
		expect(d.customers[2].paymentMethods).toEqual([expect.stringMatching(/^pm_[A-Za-z0-9]{24}$/)]);
	});
});

// Detach, list and the invoice default: the rules the Payment Method operations depend on.
let stripe: Stripe;
beforeAll(() => {
	stripe = client();
});

const replayed = (e: Stripe.errors.StripeError) => e.headers?.['idempotent-replayed'];

describe('POST /v1/payment_methods/:id/detach', () => {
	it('detaches for good: attached to no customer, left out of its list, never attached again (400, stored for the key)', async () => {
		const c = await stripe.customers.create({ name: 'Ada' });
		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		const detached = await stripe.paymentMethods.detach(pm.id);
		expect(detached).toMatchObject({ id: pm.id, object: 'payment_method', customer: null });
		expect((await stripe.paymentMethods.retrieve(pm.id)).customer).toBeNull();
		expect((await stripe.customers.listPaymentMethods(c.id)).data).toEqual([]);
		expect(d.customers[0].paymentMethods).toEqual([]);

		for (const customer of [c.id, (await stripe.customers.create({ name: 'Grace' })).id]) {
			const again = await failure(
				stripe.paymentMethods.attach(pm.id, { customer }, { idempotencyKey: `k-${customer}` }),
			);
			expect([again.statusCode, again.type, again.param, again.message]).toEqual([
				400,
				'StripeInvalidRequestError',
				'payment_method',
				'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
			]);
			const replay = await failure(
				stripe.paymentMethods.attach(pm.id, { customer }, { idempotencyKey: `k-${customer}` }),
			);
			expect(replayed(replay)).toBe('true');
		}
		const onCreate = await failure(stripe.customers.create({ payment_method: pm.id }));
		expect([onCreate.statusCode, onCreate.param]).toEqual([400, 'payment_method']);
	});

	it('a payment method attached to no customer: 400 without a code, stored for the key', async () => {
		const never = await failure(
			stripe.paymentMethods.detach('pm_1NeverAttached', {}, { idempotencyKey: 'k-detach' }),
		);
		expect([never.statusCode, never.type, never.code, never.message]).toEqual([
			400,
			'StripeInvalidRequestError',
			undefined,
			'The payment method you provided is not attached to a customer so detachment is impossible.',
		]);
		const replay = await failure(
			stripe.paymentMethods.detach('pm_1NeverAttached', {}, { idempotencyKey: 'k-detach' }),
		);
		expect(replayed(replay)).toBe('true');
		const notPm = await failure(stripe.paymentMethods.detach('card_123'));
		expect([notPm.statusCode, notPm.code]).toEqual([404, 'resource_missing']);
	});

	it('emits payment_method.detached with the customer it was attached to', async () => {
		const c = await stripe.customers.create({ name: 'Ada' });
		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		await stripe.paymentMethods.detach(pm.id);
		const event = d.events.at(-1)!.event;
		expect(event.type).toBe('payment_method.detached');
		expect(event.data).toEqual({
			object: expect.objectContaining({ id: pm.id, customer: null }),
			previous_attributes: { customer: c.id },
		});
	});
});

describe('GET /v1/customers/:id/payment_methods', () => {
	it("lists the customer's payment methods, newest first, each a card of its test payment method's brand", async () => {
		const c = await stripe.customers.create({ name: 'Ada' });
		const other = await stripe.customers.create({ name: 'Grace' });
		const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		const mastercard = await stripe.paymentMethods.attach('pm_card_mastercard', {
			customer: c.id,
		});
		await stripe.paymentMethods.attach('pm_card_amex', { customer: other.id });
		expect(mastercard.card).toMatchObject({ brand: 'mastercard', last4: '4444' });

		const listed = await stripe.customers.listPaymentMethods(c.id);
		expect(listed.data.map((pm) => [pm.id, pm.card?.brand, pm.card?.last4])).toEqual([
			[mastercard.id, 'mastercard', '4444'],
			[visa.id, 'visa', '4242'],
		]);
		expect((await stripe.paymentMethods.retrieve(mastercard.id)).created).toBe(mastercard.created);
		// paging
		const first = await stripe.customers.listPaymentMethods(c.id, { limit: 1 });
		expect([first.data.map((pm) => pm.id), first.has_more]).toEqual([[mastercard.id], true]);
		const next = await stripe.customers.listPaymentMethods(c.id, {
			limit: 1,
			starting_after: mastercard.id,
		});
		expect([next.data.map((pm) => pm.id), next.has_more]).toEqual([[visa.id], false]);
		// the type filter: every payment method of the double is a card
		expect((await stripe.customers.listPaymentMethods(c.id, { type: 'card' })).data).toHaveLength(
			2,
		);
		expect((await stripe.customers.listPaymentMethods(c.id, { type: 'sepa_debit' })).data).toEqual(
			[],
		);
	});

	it('refuses a type Stripe does not have, and an unknown or deleted customer (404)', async () => {
		const c = await stripe.customers.create({ name: 'Ada' });
		const badType = await failure(
			stripe.customers.listPaymentMethods(c.id, {
				type: 'cheque' as Stripe.CustomerListPaymentMethodsParams.Type,
			}),
		);
		expect([badType.statusCode, badType.param]).toEqual([400, 'type']);
		const unknown = await failure(stripe.customers.listPaymentMethods('cus_missing'));
		expect([unknown.statusCode, unknown.code, unknown.message]).toEqual([
			404,
			'resource_missing',
			"No such customer: 'cus_missing'",
		]);
		await stripe.customers.del(c.id);
		const deleted = await failure(stripe.customers.listPaymentMethods(c.id));
		expect(deleted.statusCode).toBe(404);
	});
});

describe("the invoice default is one of the customer's payment methods", () => {
	it("an update naming another customer's payment method (or none's) is refused before the work; its own is set", async () => {
		const c = await stripe.customers.create({ name: 'Ada' });
		const other = await stripe.customers.create({ name: 'Grace' });
		const own = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		const theirs = await stripe.paymentMethods.attach('pm_card_visa', { customer: other.id });
		for (const pm of [theirs.id, 'pm_1NeverAttached']) {
			const refused = await failure(
				stripe.customers.update(
					c.id,
					{ invoice_settings: { default_payment_method: pm } },
					{ idempotencyKey: `k-${pm}` },
				),
			);
			expect([refused.statusCode, refused.code, refused.param, refused.message]).toEqual([
				400,
				'resource_missing',
				'invoice_settings[default_payment_method]',
				`The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
			]);
			// refused before the work: nothing is stored for the key
			const again = await failure(
				stripe.customers.update(
					c.id,
					{ invoice_settings: { default_payment_method: pm } },
					{ idempotencyKey: `k-${pm}` },
				),
			);
			expect(replayed(again)).toBeUndefined();
		}
		const set = await stripe.customers.update(c.id, {
			invoice_settings: { default_payment_method: own.id },
		});
		expect(set.invoice_settings.default_payment_method).toBe(own.id);
	});
});
