import type Stripe from 'stripe';

import { CONTINUE_ON_FAIL, jsonOf, useStripeDouble } from '../../support/testSetup';

// Update: the requests an update of a customer sends, and a Stripe error for one item.

const { double, stripe, run } = useStripeDouble();

describe('Update', () => {
	test('a payment method is attached and made the invoice default: the one Stripe attached (a test card is a new pm_…)', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{
				operation: 'update',
				customerId: '={{ $json.id }}',
				additionalFields: { defaultSource: '={{ $json.pm }}' },
			},
			[{ id: customer.id, pm: 'pm_card_visa' }],
		);
		expect(jsonOf(result)).toEqual([{ customerId: customer.id }]);
		const sent = double.requests.map((request) => `${request.method} ${request.path}`);
		const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		const attached = (await stripe.customers.listPaymentMethods(customer.id)).data;
		expect(attached).toHaveLength(1);
		expect(attached[0].id).toMatch(/^pm_(?!card_)/);
		expect(after.invoice_settings.default_payment_method).toBe(attached[0].id);
		expect(sent).toEqual([
			'POST /v1/customers',
			'POST /v1/payment_methods/pm_card_visa/attach',
			`POST /v1/customers/${customer.id}`,
		]);
	});

	test("an unknown customer is an error for that item only, in Stripe's words", async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{ operation: 'update', customerId: '={{ $json.id }}', name: 'New' },
			[{ id: 'cus_doesNotExist' }, { id: customer.id }],
			CONTINUE_ON_FAIL,
		);
		expect(jsonOf(result)?.[0]).toMatchObject({
			itemIndex: 0,
			statusCode: 404,
			code: 'resource_missing',
			param: 'id',
		});
		expect(jsonOf(result)?.[0].error).toMatch(
			/^\[item 0\] Stripe: No such customer: 'cus_doesNotExist'/,
		);
		expect(jsonOf(result)?.[1]).toEqual({ customerId: customer.id });
	});

	test('a customer deleted in Stripe is told as deleted, not as unknown, with or without an address to keep', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		await stripe.customers.del(customer.id);
		const result = await run(
			{ operation: 'update', customerId: '={{ $json.id }}', name: '={{ $json.name }}' },
			[{ id: customer.id, name: 'New' }],
			CONTINUE_ON_FAIL,
		);
		const withAddress = await run(
			{
				operation: 'update',
				customerId: '={{ $json.id }}',
				address: { details: { city: 'London' } },
			},
			[{ id: customer.id }],
			CONTINUE_ON_FAIL,
		);
		const deletedMessage = `[item 0] Customer: ${customer.id} was deleted in Stripe, and a deleted customer cannot be updated (Get shows it as deleted: true)`;
		expect(jsonOf(result)?.[0].error).toBe(deletedMessage);
		expect(jsonOf(withAddress)?.[0].error).toBe(deletedMessage);
	});
});
