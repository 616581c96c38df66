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
