import type Stripe from 'stripe';

import type { NodeParameterValueType } from 'n8n-workflow';

import {
	customerFields,
	type CustomerFieldName,
} from '../../../nodes/StripeCustomer/actions/customer/customerFields';
import { credentialsFor } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from '../../support/workflowRunner';

// The README's field table, row by row: the node's field as a user sets it -> exactly what Stripe received; and the
// rules between fields' values and Stripe: metadata keys are only keys, a coupon picks the API version that takes it.

const { double, stripe } = useStripeDouble();

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{}],
	options: Partial<RunOptions> = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials: credentialsFor(double),
		...options,
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

type Row = {
	/** The node's field (its name in the editor); the test's title shows its label. */
	field: CustomerFieldName;
	case?: string;
	parameters: Record<string, NodeParameterValueType>;
	received: Record<string, unknown>;
	apiVersion?: string;
};

const rows: Row[] = [
	{ field: 'name', parameters: { name: 'Ada Lovelace' }, received: { name: 'Ada Lovelace' } },
	{
		field: 'email',
		parameters: { email: 'ada@example.com' },
		received: { email: 'ada@example.com' },
	},
	{
		field: 'phone',
		parameters: { phone: '+44 20 7946 0000' },
		received: { phone: '+44 20 7946 0000' },
	},
	{
		field: 'description',
		parameters: { description: 'First customer' },
		received: { description: 'First customer' },
	},
	{
		field: 'balance',
		case: 'a credit',
		parameters: { additionalFields: { balance: -500 } },
		received: { balance: '-500' },
	},
	{
		field: 'taxIds',
		case: 'a business VAT ID without a type is eu_vat',
		parameters: { additionalFields: { taxIds: { taxId: [{ value: 'DE123456789' }] } } },
		received: { tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }] },
	},
	{
		field: 'taxIds',
		case: 'several, of other types',
		parameters: {
			additionalFields: {
				taxIds: {
					taxId: [
						{ type: 'gb_vat', value: 'GB123456789' },
						{ type: 'us_ein', value: '12-3456789' },
					],
				},
			},
		},
		received: {
			tax_id_data: [
				{ type: 'gb_vat', value: 'GB123456789' },
				{ type: 'us_ein', value: '12-3456789' },
			],
		},
	},
	{
		field: 'source',
		parameters: { additionalFields: { source: 'tok_visa' } },
		received: { source: 'tok_visa' },
	},
	{
		field: 'defaultSource',
		case: 'a token',
		parameters: { additionalFields: { defaultSource: 'tok_mastercard' } },
		received: { source: 'tok_mastercard' },
	},
	{
		field: 'defaultSource',
		case: 'a payment method',
		parameters: { additionalFields: { defaultSource: 'pm_card_visa' } },
		received: {
			payment_method: 'pm_card_visa',
			invoice_settings: { default_payment_method: 'pm_card_visa' },
		},
	},
	{
		field: 'shipping',
		case: 'the recipient defaults to Name',
		parameters: {
			name: 'Ada',
			shipping: {
				line1: '1 Main St',
				line2: 'Apt 2',
				city: 'Berlin',
				state: 'BE',
				postalCode: '10115',
				country: 'DE',
			},
		},
		received: {
			name: 'Ada',
			shipping: {
				name: 'Ada',
				address: {
					line1: '1 Main St',
					line2: 'Apt 2',
					city: 'Berlin',
					state: 'BE',
					postal_code: '10115',
					country: 'DE',
				},
			},
		},
	},
	{
		field: 'shipping',
		case: 'recipient name and phone',
		parameters: {
			shipping: {
				recipientName: 'Bob',
				recipientPhone: '+1 555',
				line1: '2 Side St',
				country: 'US',
			},
		},
		received: {
			shipping: { name: 'Bob', phone: '+1 555', address: { line1: '2 Side St', country: 'US' } },
		},
	},
	{
		field: 'coupon',
		parameters: { additionalFields: { coupon: 'SUMMER25' } },
		received: { coupon: 'SUMMER25' },
		apiVersion: '2025-02-24.acacia',
	},
	{
		field: 'promotionCode',
		parameters: { additionalFields: { promotionCode: 'promo_123' } },
		received: { promotion_code: 'promo_123' },
		apiVersion: '2025-02-24.acacia',
	},
	{
		field: 'address',
		parameters: {
			address: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'gb' },
		},
		received: {
			address: { line1: '10 Downing St', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' },
		},
	},
	{
		field: 'metadata',
		parameters: {
			additionalFields: {
				metadata: {
					entry: [
						{ key: 'plan', value: 'pro' },
						{ key: 'source', value: 'n8n' },
					],
				},
			},
		},
		received: { metadata: { plan: 'pro', source: 'n8n' } },
	},
	{
		field: 'businessName',
		parameters: { additionalFields: { businessName: 'ACME GmbH' } },
		received: { business_name: 'ACME GmbH' },
	},
	{
		field: 'individualName',
		parameters: { additionalFields: { individualName: 'Ada L.' } },
		received: { individual_name: 'Ada L.' },
	},
	{
		field: 'preferredLocales',
		parameters: { additionalFields: { preferredLocales: 'de, en' } },
		received: { preferred_locales: ['de', 'en'] },
	},
	{
		field: 'taxExempt',
		parameters: { additionalFields: { taxExempt: 'reverse' } },
		received: { tax_exempt: 'reverse' },
	},
	{
		field: 'taxIpAddress',
		case: 'with Tax Location Validation',
		parameters: {
			additionalFields: { taxIpAddress: '203.0.113.7', taxValidateLocation: 'deferred' },
		},
		received: { tax: { ip_address: '203.0.113.7', validate_location: 'deferred' } },
	},
	{
		field: 'invoicePrefix',
		parameters: { additionalFields: { invoicePrefix: 'ACME42' } },
		received: { invoice_prefix: 'ACME42' },
	},
	{
		field: 'invoiceSettings',
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
		field: 'nextInvoiceSequence',
		parameters: { additionalFields: { nextInvoiceSequence: 100 } },
		received: { next_invoice_sequence: '100' },
	},
	{
		field: 'paymentMethod',
		parameters: { additionalFields: { paymentMethod: 'pm_card_visa' } },
		received: { payment_method: 'pm_card_visa' },
	},
	{
		field: 'cashBalanceReconciliationMode',
		parameters: { additionalFields: { cashBalanceReconciliationMode: 'manual' } },
		received: { cash_balance: { settings: { reconciliation_mode: 'manual' } } },
	},
	{
		field: 'taxValidateLocation',
		parameters: { additionalFields: { taxValidateLocation: 'immediately' } },
		received: { tax: { validate_location: 'immediately' } },
	},
	{
		field: 'testClock',
		parameters: { additionalFields: { testClock: 'clock_123' } },
		received: { test_clock: 'clock_123' },
	},
];

const labelOf = (name: CustomerFieldName) =>
	customerFields.find((field) => field.name === name)!.label;

test('every field the node offers has a row, and every row is a field of the node', () => {
	expect([...new Set(rows.map((row) => row.field))].sort()).toEqual(
		customerFields.map((field) => field.name).sort(),
	);
});

/** Every row also sends an email, as a real item would: an item with no customer data at all is refused. */
const someone = { email: 'field-table@example.com' };

/** From node version 1.1 the editor keeps the address fields in one group (see customerFields.ts). */
function asVersion11(parameters: Row['parameters']): Row['parameters'] {
	const grouped = { ...parameters };
	for (const name of ['address', 'shipping'])
		if (grouped[name]) grouped[name] = { details: grouped[name] };
	return grouped;
}

describe.each([
	['node version 1.1 (new nodes)', 1.1],
	['node version 1 (workflows saved before 1.1)', 1],
])('%s', (_title, typeVersion) => {
	const titled = rows.map((row) => ({
		...row,
		title: row.case ? `${labelOf(row.field)}: ${row.case}` : labelOf(row.field),
	}));
	test.each(titled)('$title', async ({ parameters, received, apiVersion }) => {
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

test('metadata keys named like JavaScript object methods are sent and read back', async () => {
	const keys = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
	const result = await run({
		operation: 'create',
		email: 'ada@example.com',
		additionalFields: { metadata: { entry: keys.map((key) => ({ key, value: `${key} value` })) } },
	});
	expect(result.error).toBeUndefined();
	const sent = double.requests[0].rawBody.split('&').filter((pair) => pair.startsWith('metadata'));
	expect(sent).toEqual(keys.map((key) => `metadata[${key}]=${encodeURIComponent(`${key} value`)}`));
	const held = (
		(await stripe.customers.retrieve(jsonOf(result)?.[0].customerId as string)) as Stripe.Customer
	).metadata;
	expect(keys.map((key) => Object.getOwnPropertyDescriptor(held, key)?.value)).toEqual(
		keys.map((key) => `${key} value`),
	);
});

test('the coupon rule: only a customer with a coupon is sent with 2025-02-24.acacia', async () => {
	const result = await run(
		{
			operation: 'create',
			email: '={{ $json.mail }}',
			additionalFields: { coupon: '={{ $json.coupon }}' },
		},
		[
			{ mail: 'a@example.com', coupon: 'SUMMER' },
			{ mail: 'b@example.com', coupon: '' },
		],
	);
	expect(result.error).toBeUndefined();
	const byEmail = Object.fromEntries(double.customers.map((c) => [c.params.email, c]));
	expect(byEmail['a@example.com'].apiVersion).toBe('2025-02-24.acacia');
	expect(byEmail['a@example.com'].params.coupon).toBe('SUMMER');
	expect(byEmail['b@example.com'].apiVersion).not.toBe('2025-02-24.acacia');
	expect(byEmail['b@example.com'].params.coupon).toBeUndefined();
});
