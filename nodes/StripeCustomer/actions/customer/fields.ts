import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { COUNTRIES } from '../../data/countries';
import { TAX_ID_TYPE_OPTIONS } from '../../data/taxIdTypes';

// Every customer field, defined once: what the editor shows, and the label the mapping's errors use.
// Create, Create or Update, and Update show the same definitions (see customerFieldProperties).

const countryOptions: INodePropertyOptions[] = [
	{ name: '- Not Set -', value: '' },
	...COUNTRIES.map((country) => ({ name: country.name, value: country.code })),
];

const addressParts = {
	line1: { displayName: 'Address Line 1', name: 'line1', type: 'string', default: '' },
	line2: { displayName: 'Address Line 2', name: 'line2', type: 'string', default: '' },
	city: { displayName: 'City', name: 'city', type: 'string', default: '' },
	state: {
		displayName: 'State',
		name: 'state',
		type: 'string',
		default: '',
		description: 'State, county, province or region',
	},
	postalCode: { displayName: 'ZIP / Postal Code', name: 'postalCode', type: 'string', default: '' },
	country: {
		displayName: 'Country',
		name: 'country',
		type: 'options',
		options: countryOptions,
		default: '',
		description:
			'Pick the country by name, or use an expression giving its two-letter code (ISO 3166-1 alpha-2, e.g. DE). Choose from the list, or specify a code using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
} satisfies Record<string, INodeProperties>;

const shippingRecipient = {
	recipientName: {
		displayName: 'Recipient Name',
		name: 'recipientName',
		type: 'string',
		default: '',
		hint: "Empty: the customer's Name is used (Stripe requires a recipient name for shipping)",
	},
	recipientPhone: { displayName: 'Recipient Phone', name: 'recipientPhone', type: 'string', default: '' },
} satisfies Record<string, INodeProperties>;

const taxIdType: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: [...TAX_ID_TYPE_OPTIONS],
	default: 'eu_vat',
	description: 'The kind of tax ID, by country; type a country or "VAT" to find it',
};

const invoiceSettingParts = {
	amountTaxDisplay: {
		displayName: 'Amount Tax Display',
		name: 'amountTaxDisplay',
		type: 'options',
		options: [
			{ name: 'Exclude Tax', value: 'exclude_tax' },
			{ name: 'Include Inclusive Tax', value: 'include_inclusive_tax' },
		],
		default: 'exclude_tax',
	},
	customFields: {
		displayName: 'Custom Fields',
		name: 'customFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Custom Field',
		default: {},
		description: 'At most 4, shown on the invoice',
		options: [
			{
				displayName: 'Custom Field',
				name: 'field',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'At most 40 characters' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', description: 'At most 140 characters' },
				],
			},
		],
	},
	defaultPaymentMethod: {
		displayName: 'Default Payment Method',
		name: 'defaultPaymentMethod',
		type: 'string',
		default: '',
		placeholder: 'pm_…',
	},
	footer: { displayName: 'Footer', name: 'footer', type: 'string', default: '' },
	template: {
		displayName: 'Rendering Template',
		name: 'template',
		type: 'string',
		default: '',
		description: 'ID of the invoice rendering template',
	},
} satisfies Record<string, INodeProperties>;

/** The fields under "Additional Fields", in the editor's (alphabetical) order. */
const additional = {
	balance: {
		displayName: 'Account Balance (Cents)',
		name: 'balance',
		// Text, not a number input: the editor's whole-number input turns a typed "12.5" into 125 without a word.
		type: 'string',
		default: '',
		placeholder: '-500',
		hint: 'A whole number in the smallest currency unit: 12.50 is 1250; -500 is a 5.00 credit',
		description: 'Negative is a credit applied to the next invoice; positive is added to it',
	},
	businessName: {
		displayName: 'Business Name',
		name: 'businessName',
		type: 'string',
		default: '',
		description: 'At most 150 characters',
	},
	taxIds: {
		displayName: 'Business VAT IDs / Tax IDs',
		name: 'taxIds',
		type: 'fixedCollection',
		placeholder: 'Add Tax ID',
		typeOptions: { multipleValues: true },
		default: {},
		options: [
			{
				displayName: 'Tax ID',
				name: 'taxId',
				values: [taxIdType, { displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'DE123456789' }],
			},
		],
	},
	cashBalanceReconciliationMode: {
		displayName: 'Cash Balance Reconciliation',
		name: 'cashBalanceReconciliationMode',
		type: 'options',
		options: [
			{ name: 'Automatic', value: 'automatic' },
			{ name: 'Manual', value: 'manual' },
			{ name: 'Merchant Default', value: 'merchant_default' },
		],
		default: 'merchant_default',
	},
	coupon: {
		displayName: 'Coupon',
		name: 'coupon',
		type: 'string',
		default: '',
		hint: "Stripe's current API no longer takes a coupon on a customer; a customer with a coupon or promotion code is sent with the last API version that does, so the discount still applies",
	},
	defaultSource: {
		displayName: 'Default Source',
		name: 'defaultSource',
		type: 'string',
		default: '',
		placeholder: 'pm_… or tok_…',
		hint: 'A pm_… payment method is attached and made the invoice default; a tok_/src_/card_ ID is attached as the source, which Stripe makes the default',
	},
	individualName: {
		displayName: 'Individual Name',
		name: 'individualName',
		type: 'string',
		default: '',
		description: 'At most 150 characters',
	},
	invoicePrefix: {
		displayName: 'Invoice Prefix',
		name: 'invoicePrefix',
		type: 'string',
		default: '',
		description: '1–12 uppercase letters or digits, prefixed to the customer’s invoice numbers',
	},
	invoiceSettings: {
		displayName: 'Invoice Settings',
		name: 'invoiceSettings',
		type: 'collection',
		placeholder: 'Add Invoice Setting',
		default: {},
		options: Object.values(invoiceSettingParts),
	},
	metadata: {
		displayName: 'Metadata',
		name: 'metadata',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Metadata',
		default: {},
		description: 'Up to 50 keys; key at most 40 characters without [ or ]; value at most 500 characters',
		options: [
			{
				displayName: 'Entry',
				name: 'entry',
				values: [
					{ displayName: 'Key', name: 'key', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	nextInvoiceSequence: {
		displayName: 'Next Invoice Sequence',
		name: 'nextInvoiceSequence',
		type: 'string',
		default: '',
		placeholder: '1',
		description: 'A whole number, 1 or more',
	},
	paymentMethod: {
		displayName: 'Payment Method',
		name: 'paymentMethod',
		type: 'string',
		default: '',
		placeholder: 'pm_…',
		description: 'ID of a PaymentMethod to attach to the customer',
	},
	preferredLocales: {
		displayName: 'Preferred Locales',
		name: 'preferredLocales',
		type: 'string',
		default: '',
		placeholder: 'de, en',
		description: 'Comma-separated languages, in order of preference',
	},
	promotionCode: {
		displayName: 'Promotion Code',
		name: 'promotionCode',
		type: 'string',
		default: '',
		placeholder: 'promo_…',
		hint: 'Like Coupon: sent with the last API version that takes it on a customer',
	},
	source: {
		displayName: 'Source ID',
		name: 'source',
		type: 'string',
		default: '',
		placeholder: 'tok_…',
		description: 'A token or source ID to attach; Stripe makes it the default source',
	},
	taxExempt: {
		displayName: 'Tax Exempt',
		name: 'taxExempt',
		type: 'options',
		options: [
			{ name: 'Exempt', value: 'exempt' },
			{ name: 'None', value: 'none' },
			{ name: 'Reverse Charge', value: 'reverse' },
		],
		default: 'none',
	},
	taxIpAddress: {
		displayName: 'Tax IP Address',
		name: 'taxIpAddress',
		type: 'string',
		default: '',
		description: "The customer's IP address, used to locate them for tax",
	},
	taxValidateLocation: {
		displayName: 'Tax Location Validation',
		name: 'taxValidateLocation',
		type: 'options',
		options: [
			{ name: 'Deferred', value: 'deferred' },
			{ name: 'Immediately', value: 'immediately' },
		],
		default: 'deferred',
	},
	testClock: {
		displayName: 'Test Clock',
		name: 'testClock',
		type: 'string',
		default: '',
		placeholder: 'clock_…',
		description: 'Only when creating a customer',
	},
} satisfies Record<string, INodeProperties>;

const contact = {
	name: {
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: "The customer's full name or business name",
	},
	email: {
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: 'At most 512 characters',
	},
	phone: { displayName: 'Phone', name: 'phone', type: 'string', default: '' },
	description: {
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		description: 'An arbitrary note shown with the customer in the Stripe Dashboard',
	},
} satisfies Record<string, INodeProperties>;

const labelsOf = <T extends Record<string, { displayName: string }>>(fields: T) =>
	Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, field.displayName])) as { [K in keyof T]: string };

/** The labels the editor shows, for the mapping's error messages. */
export const FIELD_LABELS = {
	...labelsOf(contact),
	...labelsOf(additional),
	address: 'Billing Address',
	shipping: 'Shipping',
	...labelsOf(shippingRecipient),
};
export const ADDRESS_LABELS = labelsOf(addressParts);
export const INVOICE_SETTING_LABELS = labelsOf(invoiceSettingParts);
export const TAX_ID_TYPE_LABEL = taxIdType.displayName;

// Billing address and shipping: in node version 1 a collection (one click per field); from 1.1 a fixed group that
// shows every address field at once, as n8n's own nodes do. Version 1 workflows keep their saved values.
const VERSION_1 = { '@version': [1] };
const FROM_VERSION_1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };

/** The group name that holds the address fields from node version 1.1 on. */
export const ADDRESS_GROUP = 'details';

function addressProperties(
	name: 'address' | 'shipping',
	displayName: string,
	fields: INodeProperties[],
	description?: string,
): INodeProperties[] {
	return [
		{
			displayName,
			name,
			type: 'collection',
			placeholder: name === 'address' ? 'Add Address Field' : 'Add Shipping Field',
			default: {},
			description,
			options: fields,
			displayOptions: { show: VERSION_1 },
		},
		{
			displayName,
			name,
			type: 'fixedCollection',
			placeholder: name === 'address' ? 'Add Billing Address' : 'Add Shipping Address',
			default: {},
			description,
			options: [{ displayName: name === 'address' ? 'Address' : 'Shipping Address', name: ADDRESS_GROUP, values: fields }],
			displayOptions: { show: FROM_VERSION_1_1 },
		},
	];
}

/** Fields that describe a customer, as Create, Create or Update, and Update show them. */
export function customerFieldProperties(options: { emailRequired?: boolean } = {}): INodeProperties[] {
	const email: INodeProperties = options.emailRequired
		? {
				...contact.email,
				required: true,
				description: 'The customer is looked up by this exact email; at most 512 characters',
			}
		: contact.email;
	return [
		contact.name,
		email,
		contact.phone,
		contact.description,
		...addressProperties('address', FIELD_LABELS.address, Object.values(addressParts)),
		...addressProperties(
			'shipping',
			FIELD_LABELS.shipping,
			[...Object.values(shippingRecipient), ...Object.values(addressParts)],
			"Stripe requires a recipient name with a shipping address: Recipient Name, or else the customer's Name",
		),
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: Object.values(additional),
		},
	];
}
