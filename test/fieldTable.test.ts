import type { NodeParameterValueType } from 'n8n-workflow';

import type { StripeDouble } from './stripe-double';
import { credentialsFor, startDouble } from './support/stripeFixtures';
import { runStripeCustomerWorkflow } from './support/workflowRunner';

// The README's field table, row by row: the node's field as a user sets it -> exactly what Stripe received.

let double: StripeDouble;
beforeAll(async () => {
	double = await startDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

type Row = {
	field: string;
	parameters: Record<string, NodeParameterValueType>;
	received: Record<string, unknown>;
	apiVersion?: string;
};

const rows: Row[] = [
	{ field: 'Name', parameters: { name: 'Ada Lovelace' }, received: { name: 'Ada Lovelace' } },
	{ field: 'Email', parameters: { email: 'ada@example.com' }, received: { email: 'ada@example.com' } },
	{ field: 'Phone', parameters: { phone: '+44 20 7946 0000' }, received: { phone: '+44 20 7946 0000' } },
	{ field: 'Description', parameters: { description: 'First customer' }, received: { description: 'First customer' } },
	{
		field: 'Account balance (credit)',
		parameters: { additionalFields: { balance: -500 } },
		received: { balance: '-500' },
	},
	{
		field: 'Business VAT ID (default type eu_vat)',
		parameters: { additionalFields: { taxIds: { taxId: [{ value: 'DE123456789' }] } } },
		received: { tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }] },
	},
	{
		field: 'Tax IDs of other types, several',
		parameters: {
			additionalFields: {
				taxIds: { taxId: [{ type: 'gb_vat', value: 'GB123456789' }, { type: 'us_ein', value: '12-3456789' }] },
			},
		},
		received: {
			tax_id_data: [
				{ type: 'gb_vat', value: 'GB123456789' },
				{ type: 'us_ein', value: '12-3456789' },
			],
		},
	},
	{ field: 'Source ID', parameters: { additionalFields: { source: 'tok_visa' } }, received: { source: 'tok_visa' } },
	{
		field: 'Default source (token)',
		parameters: { additionalFields: { defaultSource: 'tok_mastercard' } },
		received: { source: 'tok_mastercard' },
	},
	{
		field: 'Default source (payment method)',
		parameters: { additionalFields: { defaultSource: 'pm_card_visa' } },
		received: { payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } },
	},
	{
		field: 'Shipping (recipient defaults to Name)',
		parameters: {
			name: 'Ada',
			shipping: { line1: '1 Main St', line2: 'Apt 2', city: 'Berlin', state: 'BE', postalCode: '10115', country: 'DE' },
		},
		received: {
			name: 'Ada',
			shipping: {
				name: 'Ada',
				address: { line1: '1 Main St', line2: 'Apt 2', city: 'Berlin', state: 'BE', postal_code: '10115', country: 'DE' },
			},
		},
	},
	{
		field: 'Shipping recipient name and phone',
		parameters: { shipping: { recipientName: 'Bob', recipientPhone: '+1 555', line1: '2 Side St', country: 'US' } },
		received: { shipping: { name: 'Bob', phone: '+1 555', address: { line1: '2 Side St', country: 'US' } } },
	},
	{
		field: 'Coupon',
		parameters: { additionalFields: { coupon: 'SUMMER25' } },
		received: { coupon: 'SUMMER25' },
		apiVersion: '2025-02-24.acacia',
	},
	{
		field: 'Promotion code',
		parameters: { additionalFields: { promotionCode: 'promo_123' } },
		received: { promotion_code: 'promo_123' },
		apiVersion: '2025-02-24.acacia',
	},
	{
		field: 'Billing address',
		parameters: { address: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'gb' } },
		received: { address: { line1: '10 Downing St', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' } },
	},
	{
		field: 'Metadata',
		parameters: { additionalFields: { metadata: { entry: [{ key: 'plan', value: 'pro' }, { key: 'source', value: 'n8n' }] } } },
		received: { metadata: { plan: 'pro', source: 'n8n' } },
	},
	{ field: 'Business name', parameters: { additionalFields: { businessName: 'ACME GmbH' } }, received: { business_name: 'ACME GmbH' } },
	{ field: 'Individual name', parameters: { additionalFields: { individualName: 'Ada L.' } }, received: { individual_name: 'Ada L.' } },
	{
		field: 'Preferred locales',
		parameters: { additionalFields: { preferredLocales: 'de, en' } },
		received: { preferred_locales: ['de', 'en'] },
	},
	{ field: 'Tax exempt', parameters: { additionalFields: { taxExempt: 'reverse' } }, received: { tax_exempt: 'reverse' } },
	{
		field: 'Tax (IP address, validate location)',
		parameters: { additionalFields: { taxIpAddress: '203.0.113.7', taxValidateLocation: 'deferred' } },
		received: { tax: { ip_address: '203.0.113.7', validate_location: 'deferred' } },
	},
	{ field: 'Invoice prefix', parameters: { additionalFields: { invoicePrefix: 'ACME42' } }, received: { invoice_prefix: 'ACME42' } },
	{
		field: 'Invoice settings',
		parameters: {
			additionalFields: {
				invoiceSettings: {
					customFields: { field: [{ name: 'PO number', value: 'PO-7' }] },
					defaultPaymentMethod: 'pm_card_amex',
					footer: 'Thank you',
					amountTaxDisplay: 'exclude_tax',
					template: 'inrtem_123',
				},
			},
		},
		received: {
			invoice_settings: {
				custom_fields: [{ name: 'PO number', value: 'PO-7' }],
				default_payment_method: 'pm_card_amex',
				footer: 'Thank you',
				rendering_options: { amount_tax_display: 'exclude_tax', template: 'inrtem_123' },
			},
		},
	},
	{
		field: 'Next invoice sequence',
		parameters: { additionalFields: { nextInvoiceSequence: 100 } },
		received: { next_invoice_sequence: '100' },
	},
	{ field: 'Payment method', parameters: { additionalFields: { paymentMethod: 'pm_card_visa' } }, received: { payment_method: 'pm_card_visa' } },
	{
		field: 'Cash balance reconciliation mode',
		parameters: { additionalFields: { cashBalanceReconciliationMode: 'manual' } },
		received: { cash_balance: { settings: { reconciliation_mode: 'manual' } } },
	},
	{ field: 'Test clock', parameters: { additionalFields: { testClock: 'clock_123' } }, received: { test_clock: 'clock_123' } },
];

/** Every row also sends an email, as a real item would: an item with no customer data at all is refused. */
const someone = { email: 'field-table@example.com' };

/** From node version 1.1 the editor keeps the address fields in one group (see fields.ts). */
function asVersion11(parameters: Row['parameters']): Row['parameters'] {
	const grouped = { ...parameters };
	for (const name of ['address', 'shipping']) if (grouped[name]) grouped[name] = { details: grouped[name] };
	return grouped;
}

describe.each([
	['node version 1.1 (new nodes)', 1.1],
	['node version 1 (workflows saved before 1.1)', 1],
])('%s', (_title, typeVersion) => {
	test.each(rows)('$field', async ({ parameters, received, apiVersion }) => {
		const given = typeVersion === 1 ? parameters : asVersion11(parameters);
		const result = await runStripeCustomerWorkflow({
			items: [{}],
			node: { parameters: { operation: 'create', ...someone, ...given }, typeVersion },
			credentials: credentialsFor(double),
		});
		expect(result.error).toBeUndefined();
		expect(double.customers).toHaveLength(1);
		const [stored] = double.customers;
		expect(stored.params).toEqual({ ...someone, ...received });
		expect(stored.apiVersion === '2025-02-24.acacia').toBe(apiVersion === '2025-02-24.acacia');
		expect(result.output?.map((item) => item.json)).toEqual([{ customerId: stored.id }]);
	});
});
