import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { COUPON_API_VERSION } from './customerParams';
import { TAX_ID_TYPES } from './taxIdTypes';

// What the editor shows. The names here are the keys customerParams.ts reads.

const addressFields: INodeProperties[] = [
	{ displayName: 'Address Line 1', name: 'line1', type: 'string', default: '' },
	{ displayName: 'Address Line 2', name: 'line2', type: 'string', default: '' },
	{ displayName: 'City', name: 'city', type: 'string', default: '' },
	{ displayName: 'State', name: 'state', type: 'string', default: '', description: 'State, county, province or region' },
	{ displayName: 'ZIP / Postal Code', name: 'postalCode', type: 'string', default: '' },
	{
		displayName: 'Country',
		name: 'country',
		type: 'string',
		default: '',
		placeholder: 'DE',
		description: 'Two-letter country code (ISO 3166-1 alpha-2)',
	},
];

const taxIdTypeOptions: INodePropertyOptions[] = TAX_ID_TYPES.map((type) => ({ name: type, value: type }));

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Stripe Customer API', value: 'stripeCustomerApi' },
		{ name: 'Stripe API (Built-In Credential)', value: 'stripeApi' },
	],
	default: 'stripeCustomerApi',
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Create',
			value: 'create',
			action: 'Create a customer',
			description: 'Create a customer in Stripe',
		},
	],
	default: 'create',
};

export const customerProperties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		description: "The customer's full name or business name",
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: 'At most 512 characters',
	},
	{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		description: 'An arbitrary note shown with the customer in the Stripe Dashboard',
	},
	{
		displayName: 'Billing Address',
		name: 'address',
		type: 'collection',
		placeholder: 'Add Address Field',
		default: {},
		options: addressFields,
	},
	{
		displayName: 'Shipping',
		name: 'shipping',
		type: 'collection',
		placeholder: 'Add Shipping Field',
		default: {},
		description: "Stripe requires a recipient name when shipping is sent: it defaults to the customer's Name",
		options: [
			{
				displayName: 'Recipient Name',
				name: 'recipientName',
				type: 'string',
				default: '',
				description: "Defaults to the customer's Name",
			},
			{ displayName: 'Recipient Phone', name: 'recipientPhone', type: 'string', default: '' },
			...addressFields,
		],
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Account Balance (Cents)',
				name: 'balance',
				type: 'number',
				default: 0,
				typeOptions: { numberPrecision: 0 },
				description:
					'Whole number in the smallest currency unit. Negative is a credit applied to the next invoice; positive is added to it.',
			},
			{
				displayName: 'Business Name',
				name: 'businessName',
				type: 'string',
				default: '',
				description: 'At most 150 characters',
			},
			{
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
						values: [
							{
								displayName: 'Type',
								name: 'type',
								type: 'options',
								options: taxIdTypeOptions,
								default: 'eu_vat',
								description: 'Stripe tax ID type; eu_vat is a European VAT number',
							},
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								placeholder: 'DE123456789',
							},
						],
					},
				],
			},
			{
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
			{
				displayName: 'Coupon',
				name: 'coupon',
				type: 'string',
				default: '',
				hint: `Stripe removed coupons from customer create in API 2025-03-31.basil: a customer with a coupon or promotion code is created with API version ${COUPON_API_VERSION}, the last that accepts them`,
			},
			{
				displayName: 'Default Source',
				name: 'defaultSource',
				type: 'string',
				default: '',
				placeholder: 'pm_… or tok_…',
				hint: 'A pm_… payment method is attached and made the invoice default; a tok_/src_/card_ ID is attached as the source, which Stripe makes the default',
			},
			{
				displayName: 'Individual Name',
				name: 'individualName',
				type: 'string',
				default: '',
				description: 'At most 150 characters',
			},
			{
				displayName: 'Invoice Prefix',
				name: 'invoicePrefix',
				type: 'string',
				default: '',
				description: '1–12 uppercase letters or digits, prefixed to the customer’s invoice numbers',
			},
			{
				displayName: 'Invoice Settings',
				name: 'invoiceSettings',
				type: 'collection',
				placeholder: 'Add Invoice Setting',
				default: {},
				options: [
					{
						displayName: 'Amount Tax Display',
						name: 'amountTaxDisplay',
						type: 'options',
						options: [
							{ name: 'Exclude Tax', value: 'exclude_tax' },
							{ name: 'Include Inclusive Tax', value: 'include_inclusive_tax' },
						],
						default: 'exclude_tax',
					},
					{
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
					{
						displayName: 'Default Payment Method',
						name: 'defaultPaymentMethod',
						type: 'string',
						default: '',
						placeholder: 'pm_…',
					},
					{ displayName: 'Footer', name: 'footer', type: 'string', default: '' },
					{
						displayName: 'Rendering Template',
						name: 'template',
						type: 'string',
						default: '',
						description: 'ID of the invoice rendering template',
					},
				],
			},
			{
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
			{
				displayName: 'Next Invoice Sequence',
				name: 'nextInvoiceSequence',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 1, numberPrecision: 0 },
			},
			{
				displayName: 'Payment Method',
				name: 'paymentMethod',
				type: 'string',
				default: '',
				placeholder: 'pm_…',
				description: 'ID of a PaymentMethod to attach to the customer',
			},
			{
				displayName: 'Preferred Locales',
				name: 'preferredLocales',
				type: 'string',
				default: '',
				placeholder: 'de, en',
				description: 'Comma-separated languages, in order of preference',
			},
			{
				displayName: 'Promotion Code',
				name: 'promotionCode',
				type: 'string',
				default: '',
				placeholder: 'promo_…',
				hint: `Like Coupon: sent with API version ${COUPON_API_VERSION}`,
			},
			{
				displayName: 'Source ID',
				name: 'source',
				type: 'string',
				default: '',
				placeholder: 'tok_…',
				description: 'A token or source ID to attach; Stripe makes it the default source',
			},
			{
				displayName: 'Tax Exempt',
				name: 'taxExempt',
				type: 'options',
				options: [
					{ name: 'None', value: 'none' },
					{ name: 'Exempt', value: 'exempt' },
					{ name: 'Reverse Charge', value: 'reverse' },
				],
				default: 'none',
			},
			{
				displayName: 'Tax IP Address',
				name: 'taxIpAddress',
				type: 'string',
				default: '',
				description: "The customer's IP address, used to locate them for tax",
			},
			{
				displayName: 'Tax Location Validation',
				name: 'taxValidateLocation',
				type: 'options',
				options: [
					{ name: 'Deferred', value: 'deferred' },
					{ name: 'Immediately', value: 'immediately' },
				],
				default: 'deferred',
			},
			{
				displayName: 'Test Clock',
				name: 'testClock',
				type: 'string',
				default: '',
				placeholder: 'clock_…',
			},
		],
	},
];

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '',
			placeholder: '2026-10-28.endive',
			description: "Stripe API version for the requests; empty means the SDK's pinned version",
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			default: 10,
			typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
			description: 'How many requests to Stripe may be in flight at once',
		},
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			default: '',
			placeholder: '={{ $json.orderId }}',
			description:
				'A key unique to this customer (e.g. an order ID), at most 255 characters. Empty: derived from the execution, node and item, so retries never create a second customer.',
		},
		{
			displayName: 'If a Customer With This Email Exists',
			name: 'ifEmailExists',
			type: 'options',
			options: [
				{
					name: 'Create Another',
					value: 'create',
					description: "Stripe's own behaviour: one new customer per item",
				},
				{ name: 'Use the Existing One', value: 'useExisting', description: 'Output its ID; create nothing' },
				{ name: 'Update the Existing One', value: 'update', description: 'Update it with the fields given' },
				{ name: 'Fail', value: 'fail', description: 'An error for that item' },
			],
			default: 'create',
			description:
				'Looks customers up by exact email before creating; items of one run sharing an email never create two customers',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			default: 5,
			typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
			description:
				'Retries of a request after a network error, 409, 429 or 5xx, each with the same idempotency key',
		},
		{
			displayName: 'Requests Per Second',
			name: 'requestsPerSecond',
			type: 'number',
			default: 25,
			typeOptions: { minValue: 0, numberPrecision: 0 },
			description:
				"Client-side limit shared by every run of this node in the n8n process for the same Stripe account. Stripe's default is 25 per endpoint; 0 means no limit.",
		},
		{
			displayName: 'Return Full Customer',
			name: 'returnFullCustomer',
			type: 'boolean',
			default: false,
			description: 'Whether to add the whole Stripe customer object to the output as "customer"',
		},
	],
};
