import type { INodeParameterResourceLocator } from 'n8n-workflow';

import { credentialsFor } from '../../support/stripeFixtures';
import { searchInEditor } from '../../support/workflowRunner';
import { usePaymentMethodHarness } from './paymentMethodHarness';

// The payment method picker ("From List" of Detach and Set Default), called through n8n-core's LoadOptionsContext as
// n8n's server calls it: the payment methods of the customer picked above.

const h = usePaymentMethodHarness();

function pick(customerId: INodeParameterResourceLocator, filter?: string) {
	return searchInEditor('searchPaymentMethods', 'paymentMethodId', credentialsFor(h.double), {
		parameters: { resource: 'paymentMethod', operation: 'detach', customerId },
		filter,
	});
}

test("lists the picked customer's payment methods, newest first: ID first, then brand, last 4 and expiry; the invoice default marked", async () => {
	const ada = await h.stripe.customers.create({ email: 'ada@example.com' });
	const visa = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: ada.id });
	const amex = await h.stripe.paymentMethods.attach('pm_card_amex', { customer: ada.id });
	await h.stripe.customers.update(ada.id, {
		invoice_settings: { default_payment_method: visa.id },
	});
	const other = await h.stripe.customers.create({ email: 'other@example.com' });
	await h.stripe.paymentMethods.attach('pm_card_mastercard', { customer: other.id });
	const expiry = `12/${new Date().getFullYear() + 3}`;

	const listed = await pick({ __rl: true, mode: 'list', value: ada.id });
	expect(listed).toEqual({
		results: [
			{ name: `${amex.id}: American Express •••• 0005, expires ${expiry}`, value: amex.id },
			{
				name: `${visa.id}: Visa •••• 4242, expires ${expiry} (invoice default)`,
				value: visa.id,
			},
		],
		paginationToken: undefined,
	});
	const typed = await pick({ __rl: true, mode: 'id', value: ada.id }, 'american');
	expect(typed.results.map((entry) => entry.value)).toEqual([amex.id]);
	// A customer picked By URL of the Dashboard works the same.
	const byUrl = await pick({
		__rl: true,
		mode: 'url',
		value: `https://dashboard.stripe.com/test/customers/${ada.id}`,
	});
	expect(byUrl.results).toHaveLength(2);
});

test('without a customer (none yet, or an expression known only at run time): a message saying to pick it first, nothing sent', async () => {
	const customers: INodeParameterResourceLocator[] = [
		{ __rl: true, mode: 'list', value: '' },
		{ __rl: true, mode: 'id', value: '={{ $json.customer }}' },
		{ __rl: true, mode: 'url', value: 'https://example.com/not-a-customer' },
	];
	for (const customerId of customers) {
		await expect(pick(customerId)).rejects.toThrow(
			'Choose the customer first: this list shows its payment methods',
		);
	}
	expect(h.double.requests).toEqual([]);
});
