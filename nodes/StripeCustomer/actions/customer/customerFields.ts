import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import type Stripe from 'stripe';

import { givenText } from '../../helpers/checks';
import {
	FOR_PEOPLE,
	FOR_TOOLS,
	FROM_VERSION_1_1,
	listedValues,
	pickOrFill,
	VERSION_1,
	withDisplay,
	type EditorProperty,
} from '../../helpers/displayConditions';
import { COUNTRIES } from '../../data/countries';
import { taxIdFields, taxIdType } from '../taxId/taxIdFields';
import {
	addressParam,
	emailAddress,
	invoiceSettingsParam,
	listOfTexts,
	metadataParam,
	shippingParam,
	taxIdParams,
	type AddressInput,
	type FieldCheck,
	type InvoiceSettingsInput,
	type Repeated,
	type ShippingInput,
	type ShippingParam,
	type TaxIdInput,
	type Value,
} from './fieldRules';

// Every customer field, defined once: what the editor shows, the Stripe parameters it becomes (its rule), and whether
// it says who the customer is. Create, Create or Update and Update show these fields; mapping.ts applies the rules.

/** The last Stripe API version whose customer create/update accepts `coupon` and `promotion_code`. */
export const COUPON_API_VERSION = '2025-02-24.acacia';

/** Parameters Stripe removed from customer create/update in 2025-03-31.basil, still accepted by COUPON_API_VERSION. */
export interface RemovedCouponParams {
	coupon?: string;
	promotion_code?: string;
}

/** What a customer's fields give: Stripe's create parameters, with a shipping recipient that mapping.ts completes. */
export type CustomerParams = Omit<Stripe.CustomerCreateParams, 'shipping'> &
	RemovedCouponParams & { shipping?: ShippingParam };
export type CustomerParamName = keyof CustomerParams;

interface FieldDefinition<Input, Param extends CustomerParamName> {
	/** Top of the form, or under "Additional Fields". */
	section: 'main' | 'additional';
	/** What the editor shows; several when node versions show the field differently (each with its displayOptions). */
	editor: EditorProperty | EditorProperty[];
	/** The Stripe parameters the field may set. */
	params: readonly Param[];
	/** Whether it says who the customer is: an item with none of these fields would create an empty customer. */
	customerData: boolean;
	/** Why Stripe takes it only when a customer is created (set: an error on update). */
	createOnly?: string;
	/** The Stripe-Version a request must be sent with when the field is given. */
	apiVersion?: string;
	/** The editor's value as the rule takes it, when the two differ. */
	read?: (editorValue: unknown) => Input;
	/** What Clear Fields offers for it on update, by choice (see Clearable). */
	clear?: Record<string, Clearable>;
	/** The rule: the field's value → its Stripe parameters; a bad value is recorded on `check` and not sent. */
	map(
		value: Input | undefined,
		check: FieldCheck,
	): Partial<Pick<CustomerParams, Param>> | undefined;
}

/**
 * A value an update can remove: Stripe takes a parameter sent empty (`phone=`) as "unset it". Offered only where
 * Stripe's types (`Stripe.Emptyable`) or Stripe's own answers say it unsets (README, Fields).
 */
interface Clearable {
	/** The choice as Clear Fields lists it; the field's own label when it clears the whole field. */
	label?: string;
	/** The parameter sent empty: `['phone']`, or a nested one such as `['invoice_settings', 'footer']`. */
	param: readonly [CustomerParamName, ...string[]];
	/** Offered on Update only: Create or Update finds the customer by it. */
	updateOnly?: true;
}

function field<Input, Param extends CustomerParamName>(definition: FieldDefinition<Input, Param>) {
	return definition;
}

// ---- Parts shared by several fields ----

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
			'Choose from the list, or give the two-letter code (ISO 3166-1, e.g. DE) using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
} satisfies Record<string, INodeProperties>;

/** The address fields as the editor shows them; Country can be filled by an AI Agent as a code or a name. */
const addressFields: INodeProperties[] = [
	...Object.values(addressParts).filter((part) => part !== addressParts.country),
	...pickOrFill(
		addressParts.country,
		'The country: its two-letter ISO 3166-1 code (e.g. DE) or its English name (e.g. Germany)',
	),
];

const shippingRecipient = {
	recipientName: {
		displayName: 'Recipient Name',
		name: 'recipientName',
		type: 'string',
		default: '',
		hint: "Empty: on create, the customer's Name; on update, the current recipient (Stripe requires a recipient name)",
	},
	recipientPhone: {
		displayName: 'Recipient Phone',
		name: 'recipientPhone',
		type: 'string',
		default: '',
	},
} satisfies Record<string, INodeProperties>;

/** The label of shipping's recipient name, for the rule that completes it (mapping.ts). */
export const SHIPPING_RECIPIENT_LABEL = shippingRecipient.recipientName.displayName;

// Billing address and shipping: in node version 1 a collection (one click per field); from 1.1 a fixed group that
// shows every address field at once, as n8n's own nodes do. Version 1 workflows keep their saved values.

/** The group name that holds the address fields from node version 1.1 on. */
export const ADDRESS_GROUP = 'details';

function addressEditor(
	displayName: string,
	addPlaceholder: { fields: string; group: string },
	groupName: string,
	fields: INodeProperties[],
	description?: string,
): EditorProperty[] {
	return [
		{
			displayName,
			type: 'collection',
			placeholder: addPlaceholder.fields,
			default: {},
			description,
			options: fields,
			displayOptions: { show: VERSION_1 },
		},
		{
			displayName,
			type: 'fixedCollection',
			placeholder: addPlaceholder.group,
			default: {},
			description,
			options: [{ displayName: groupName, name: ADDRESS_GROUP, values: fields }],
			displayOptions: { show: FROM_VERSION_1_1 },
		},
	];
}

/** Version 1's flat collection and 1.1's group, as one flat shape. */
function flatAddress<T extends AddressInput>(editorValue: unknown): T | undefined {
	if (!editorValue || typeof editorValue !== 'object') return undefined;
	const grouped = (editorValue as Record<string, unknown>)[ADDRESS_GROUP];
	return (grouped && typeof grouped === 'object' ? grouped : editorValue) as T;
}

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
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'At most 40 characters',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'At most 140 characters',
					},
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

/** Metadata as the editor shows it: key and value pairs (the customer's, a balance transaction's). */
export const METADATA_EDITOR = {
	displayName: 'Metadata',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Metadata',
	default: {},
	description:
		'Up to 50 keys; key at most 40 characters without [ or ]; value at most 500 characters',
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
} satisfies EditorProperty;

const text = (value: Value) => givenText(value);

// ---- The fields, in the order their rules apply (the editor sorts Additional Fields by label) ----

export const CUSTOMER_FIELDS = {
	name: field({
		section: 'main',
		editor: {
			displayName: 'Name',
			type: 'string',
			default: '',
			description: "The customer's full name or business name",
		},
		params: ['name'],
		customerData: true,
		clear: { name: { param: ['name'] } },
		map: (value: Value) => ({ name: text(value) }),
	}),
	email: field({
		section: 'main',
		editor: {
			displayName: 'Email',
			type: 'string',
			placeholder: 'name@email.com',
			default: '',
			description: 'At most 512 characters',
		},
		params: ['email'],
		customerData: true,
		clear: { email: { param: ['email'], updateOnly: true } },
		map: (value: Value, check) => ({ email: emailAddress(value, check) }),
	}),
	phone: field({
		section: 'main',
		editor: { displayName: 'Phone', type: 'string', default: '' },
		params: ['phone'],
		customerData: true,
		clear: { phone: { param: ['phone'] } },
		map: (value: Value) => ({ phone: text(value) }),
	}),
	description: field({
		section: 'main',
		editor: [
			withDisplay<EditorProperty>(
				{
					displayName: 'Description',
					type: 'string',
					default: '',
					description: 'An arbitrary note shown with the customer in the Stripe Dashboard',
				},
				FOR_PEOPLE,
			),
			// In the tool, beside the tool's own description: another name, so the model may fill it too.
			withDisplay<EditorProperty>(
				{
					displayName: 'Customer Description',
					name: 'customerDescription',
					type: 'string',
					default: '',
					description: "A note about the customer, shown with it in Stripe's Dashboard",
				},
				FOR_TOOLS,
			),
		],
		params: ['description'],
		customerData: true,
		clear: { description: { param: ['description'] } },
		map: (value: Value) => ({ description: text(value) }),
	}),
	address: field({
		section: 'main',
		editor: addressEditor(
			'Billing Address',
			{ fields: 'Add Address Field', group: 'Add Billing Address' },
			'Address',
			addressFields,
		),
		params: ['address'],
		customerData: true,
		clear: { address: { param: ['address'] } },
		read: (editorValue) => flatAddress<AddressInput>(editorValue),
		map: (value, check) => ({
			address: addressParam(value, check, addressParts.country.displayName),
		}),
	}),
	shipping: field({
		section: 'main',
		editor: addressEditor(
			'Shipping',
			{ fields: 'Add Shipping Field', group: 'Add Shipping Address' },
			'Shipping Address',
			[...Object.values(shippingRecipient), ...addressFields],
			"Stripe requires a recipient name with a shipping address: Recipient Name, or else the customer's Name",
		),
		params: ['shipping'],
		customerData: true,
		clear: { shipping: { param: ['shipping'] } },
		read: (editorValue) => flatAddress<ShippingInput>(editorValue),
		map: (value, check) => ({
			shipping: shippingParam(value, check, addressParts.country.displayName),
		}),
	}),
	balance: field({
		section: 'additional',
		editor: {
			displayName: 'Account Balance (Cents)',
			// Text, not a number input: the editor's whole-number input turns a typed "12.5" into 125 without a word.
			type: 'string',
			default: '',
			placeholder: '-500',
			hint: 'A whole number in the smallest currency unit: 12.50 is 1250; -500 is a 5.00 credit',
			description: 'Negative is a credit applied to the next invoice; positive is added to it',
		},
		// The original spec's "Account balance": Stripe's `account_balance` until API 2019-10-17.
		params: ['balance'],
		customerData: true,
		map: (value: Value, check) => ({
			balance: check.wholeNumber(
				value,
				'must be a whole number of cents (e.g. -500 for a 5.00 credit; 12.50 is 1250)',
			),
		}),
	}),
	businessName: field({
		section: 'additional',
		editor: {
			displayName: 'Business Name',
			type: 'string',
			default: '',
			description: 'At most 150 characters',
		},
		params: ['business_name'],
		customerData: true,
		clear: { businessName: { param: ['business_name'] } },
		map: (value: Value, check) => ({ business_name: check.maxLength(text(value), 150) }),
	}),
	individualName: field({
		section: 'additional',
		editor: {
			displayName: 'Individual Name',
			type: 'string',
			default: '',
			description: 'At most 150 characters',
		},
		params: ['individual_name'],
		customerData: true,
		clear: { individualName: { param: ['individual_name'] } },
		map: (value: Value, check) => ({ individual_name: check.maxLength(text(value), 150) }),
	}),
	taxIds: field({
		section: 'additional',
		editor: {
			displayName: 'Business VAT IDs / Tax IDs',
			type: 'fixedCollection',
			placeholder: 'Add Tax ID',
			typeOptions: { multipleValues: true },
			default: {},
			options: [
				{
					displayName: 'Tax ID',
					name: 'taxId',
					values: taxIdFields(),
				},
			],
		},
		// The original spec's "Business VAT ID": Stripe's `business_vat_id` until 2019; now any of Stripe's tax ID types.
		params: ['tax_id_data'],
		customerData: true,
		map: (value: TaxIdInput, check) => ({
			tax_id_data: taxIdParams(value, check, taxIdType.displayName),
		}),
	}),
	cashBalanceReconciliationMode: field({
		section: 'additional',
		editor: {
			displayName: 'Cash Balance Reconciliation',
			type: 'options',
			options: [
				{ name: 'Automatic', value: 'automatic' },
				{ name: 'Manual', value: 'manual' },
				{ name: 'Merchant Default', value: 'merchant_default' },
			],
			default: 'merchant_default',
		},
		params: ['cash_balance'],
		customerData: false,
		map: (value: Value, check) => {
			const mode = check.oneOf(text(value), ['automatic', 'manual', 'merchant_default'] as const);
			return { cash_balance: mode ? { settings: { reconciliation_mode: mode } } : undefined };
		},
	}),
	coupon: field({
		section: 'additional',
		editor: {
			displayName: 'Coupon',
			type: 'string',
			default: '',
			hint: "Stripe's current API no longer takes a coupon on a customer; a customer with a coupon or promotion code is sent with the last API version that does, so the discount still applies",
		},
		params: ['coupon'],
		customerData: false,
		apiVersion: COUPON_API_VERSION,
		map: (value: Value) => ({ coupon: text(value) }),
	}),
	promotionCode: field({
		section: 'additional',
		editor: {
			displayName: 'Promotion Code',
			type: 'string',
			default: '',
			placeholder: 'promo_…',
			hint: 'Like Coupon: sent with the last API version that takes it on a customer',
		},
		params: ['promotion_code'],
		customerData: false,
		apiVersion: COUPON_API_VERSION,
		map: (value: Value) => ({ promotion_code: text(value) }),
	}),
	invoicePrefix: field({
		section: 'additional',
		editor: {
			displayName: 'Invoice Prefix',
			type: 'string',
			default: '',
			description: '1–12 uppercase letters or digits, prefixed to the customer’s invoice numbers',
		},
		params: ['invoice_prefix'],
		customerData: false,
		map: (value: Value, check) => {
			const prefix = text(value);
			if (prefix !== undefined && !/^[A-Z0-9]{1,12}$/.test(prefix))
				return check.fail(`use 1–12 uppercase letters or digits; got "${prefix}"`);
			return { invoice_prefix: prefix };
		},
	}),
	invoiceSettings: field({
		section: 'additional',
		editor: {
			displayName: 'Invoice Settings',
			type: 'collection',
			placeholder: 'Add Invoice Setting',
			default: {},
			options: [
				...Object.values(invoiceSettingParts).filter(
					(part) => part !== invoiceSettingParts.amountTaxDisplay,
				),
				...pickOrFill(
					invoiceSettingParts.amountTaxDisplay,
					`One of ${listedValues(invoiceSettingParts.amountTaxDisplay)}`,
				),
			],
		},
		params: ['invoice_settings'],
		customerData: false,
		clear: {
			defaultPaymentMethod: {
				label: 'Default Payment Method',
				param: ['invoice_settings', 'default_payment_method'],
			},
			invoiceCustomFields: {
				label: 'Invoice Custom Fields',
				param: ['invoice_settings', 'custom_fields'],
			},
			invoiceFooter: { label: 'Invoice Footer', param: ['invoice_settings', 'footer'] },
		},
		map: (value: InvoiceSettingsInput, check) => ({
			invoice_settings: invoiceSettingsParam(value, check, {
				customFields: invoiceSettingParts.customFields.displayName,
				amountTaxDisplay: invoiceSettingParts.amountTaxDisplay.displayName,
			}),
		}),
	}),
	metadata: field({
		section: 'additional',
		editor: METADATA_EDITOR,
		params: ['metadata'],
		customerData: true,
		map: (value: Repeated<'entry', { key?: Value; value?: Value }>, check) => ({
			metadata: metadataParam(value, check),
		}),
	}),
	nextInvoiceSequence: field({
		section: 'additional',
		editor: {
			displayName: 'Next Invoice Sequence',
			type: 'string',
			default: '',
			placeholder: '1',
			description: 'A whole number, 1 or more',
		},
		params: ['next_invoice_sequence'],
		customerData: false,
		map: (value: Value, check) => {
			const sequence = check.wholeNumber(value, 'must be a whole number');
			if (sequence !== undefined && sequence < 1)
				return check.fail(`must be 1 or more; got ${sequence}`);
			return { next_invoice_sequence: sequence };
		},
	}),
	paymentMethod: field({
		section: 'additional',
		editor: {
			displayName: 'Payment Method',
			type: 'string',
			default: '',
			placeholder: 'pm_…',
			description: 'ID of a PaymentMethod to attach to the customer',
		},
		params: ['payment_method'],
		customerData: true,
		map: (value: Value) => ({ payment_method: text(value) }),
	}),
	preferredLocales: field({
		section: 'additional',
		editor: {
			displayName: 'Preferred Locales',
			type: 'string',
			default: '',
			placeholder: 'de, en',
			description: 'Comma-separated languages, in order of preference',
		},
		params: ['preferred_locales'],
		customerData: false,
		clear: { preferredLocales: { param: ['preferred_locales'] } },
		map: (value: Value | Value[]) => ({ preferred_locales: listOfTexts(value) }),
	}),
	source: field({
		section: 'additional',
		editor: {
			displayName: 'Source ID',
			type: 'string',
			default: '',
			placeholder: 'tok_…',
			description: 'A token or source ID to attach; Stripe makes it the default source',
		},
		params: ['source'],
		customerData: true,
		map: (value: Value) => ({ source: text(value) }),
	}),
	taxExempt: field({
		section: 'additional',
		editor: {
			displayName: 'Tax Exempt',
			type: 'options',
			options: [
				{ name: 'Exempt', value: 'exempt' },
				{ name: 'None', value: 'none' },
				{ name: 'Reverse Charge', value: 'reverse' },
			],
			default: 'none',
		},
		params: ['tax_exempt'],
		customerData: false,
		map: (value: Value, check) => ({
			tax_exempt: check.oneOf(text(value), ['none', 'exempt', 'reverse'] as const),
		}),
	}),
	taxIpAddress: field({
		section: 'additional',
		editor: {
			displayName: 'Tax IP Address',
			type: 'string',
			default: '',
			description: "The customer's IP address, used to locate them for tax",
		},
		params: ['tax'],
		customerData: false,
		clear: { taxIpAddress: { param: ['tax', 'ip_address'] } },
		map: (value: Value) => ({
			tax: text(value) === undefined ? undefined : { ip_address: text(value) },
		}),
	}),
	taxValidateLocation: field({
		section: 'additional',
		editor: {
			displayName: 'Tax Location Validation',
			type: 'options',
			options: [
				{ name: 'Deferred', value: 'deferred' },
				{ name: 'Immediately', value: 'immediately' },
			],
			default: 'deferred',
		},
		params: ['tax'],
		customerData: false,
		map: (value: Value, check) => {
			const validateLocation = check.oneOf(text(value), ['deferred', 'immediately'] as const);
			return { tax: validateLocation ? { validate_location: validateLocation } : undefined };
		},
	}),
	testClock: field({
		section: 'additional',
		editor: {
			displayName: 'Test Clock',
			type: 'string',
			default: '',
			placeholder: 'clock_…',
			description: 'Only when creating a customer',
		},
		params: ['test_clock'],
		customerData: false,
		createOnly:
			'an existing customer cannot be moved to a test clock; Stripe sets it only on create',
		map: (value: Value) => ({ test_clock: text(value) }),
	}),
	// Last: the original spec's "Default source" completes Source ID / Payment Method (see mapping.ts on conflicts).
	defaultSource: field({
		section: 'additional',
		editor: {
			displayName: 'Default Source',
			type: 'string',
			default: '',
			placeholder: 'pm_… or tok_…',
			hint: 'A pm_… payment method is attached and made the invoice default; a tok_/src_/card_ ID is attached as the source, which Stripe makes the default',
		},
		// Not a create parameter at Stripe: the one source attached on create becomes the default; a payment method is
		// attached with `payment_method` and made the invoice default.
		params: ['source', 'payment_method', 'invoice_settings'],
		customerData: true,
		map: (value: Value) => {
			const id = text(value);
			if (id === undefined) return undefined;
			return id.startsWith('pm_')
				? { payment_method: id, invoice_settings: { default_payment_method: id } }
				: { source: id };
		},
	}),
};

export type CustomerFieldName = keyof typeof CUSTOMER_FIELDS;
type DefinitionInput<D> = D extends FieldDefinition<infer Input, CustomerParamName> ? Input : never;

/** One item's values, by field name (addresses already in one flat shape). */
export type CustomerValues = {
	[Name in CustomerFieldName]?: DefinitionInput<(typeof CUSTOMER_FIELDS)[Name]>;
};

/** A field as the mapping uses it. */
export interface CustomerField {
	name: CustomerFieldName;
	label: string;
	section: 'main' | 'additional';
	params: readonly CustomerParamName[];
	customerData: boolean;
	createOnly?: string;
	apiVersion?: string;
	map: FieldDefinition<unknown, CustomerParamName>['map'];
}

/** What the editor shows for a field: each variant named (a list to pick from also as a text for an AI Agent). */
function editorProperties(
	name: string,
	definition: FieldDefinition<unknown, CustomerParamName>,
): INodeProperties[] {
	return [definition.editor]
		.flat()
		.map((property) => ({ ...property, name: property.name ?? name }) as INodeProperties)
		.flatMap((property) =>
			property.type === 'options'
				? pickOrFill(property, `One of ${listedValues(property)}`)
				: [property],
		);
}

const definitionEntries = Object.entries(CUSTOMER_FIELDS) as Array<
	[CustomerFieldName, FieldDefinition<unknown, CustomerParamName>]
>;

/** Every field, in the order the rules apply. */
export const customerFields: CustomerField[] = definitionEntries.map(([name, definition]) => ({
	name,
	label: editorProperties(name, definition)[0].displayName,
	section: definition.section,
	params: definition.params,
	customerData: definition.customerData,
	createOnly: definition.createOnly,
	apiVersion: definition.apiVersion,
	map: definition.map,
}));

/** A choice of Clear Fields, and the parameter it sends empty. */
export interface ClearableValue {
	/** The choice's value, as an expression or an AI Agent may also give it. */
	value: string;
	label: string;
	/** The parameter sent empty. */
	param: readonly string[];
	updateOnly: boolean;
}

/** Every value an update can remove, in the order of the fields. */
export const clearableValues: ClearableValue[] = definitionEntries.flatMap(([name, definition]) =>
	Object.entries(definition.clear ?? {}).map(([value, clearable]) => ({
		value,
		label: clearable.label ?? customerFields.find((field) => field.name === name)!.label,
		param: clearable.param,
		updateOnly: clearable.updateOnly === true,
	})),
);

export type ClearingOperation = 'update' | 'upsert';

/** What Clear Fields offers on an operation. */
export function clearableOn(operation: ClearingOperation): ClearableValue[] {
	return clearableValues.filter((clearable) => operation === 'update' || !clearable.updateOnly);
}

/** One item's choice of what to remove, as the editor (or an expression, or an AI Agent) gives it. */
export interface ClearingValues {
	operation: ClearingOperation;
	fields?: Value | Value[];
	metadataKeys?: Value | Value[];
}

/** The labels of the two clearing fields, for the rules' problems. */
export const CLEARING_LABELS = { fields: 'Clear Fields', metadataKeys: 'Metadata Keys to Remove' };

/**
 * Clear Fields and Metadata Keys to Remove: removing a value is a choice of its own, never an empty field (an empty
 * field, or an expression that gives nothing, is not sent).
 */
function clearingProperties(operation: ClearingOperation): INodeProperties[] {
	const offered = [...clearableOn(operation)].sort((a, b) => a.label.localeCompare(b.label));
	const when =
		operation === 'upsert'
			? ' when the customer exists (a new customer is created without them)'
			: '';
	const fields: INodeProperties = {
		displayName: CLEARING_LABELS.fields,
		name: 'clearFields',
		type: 'multiOptions',
		options: offered.map((clearable) => ({ name: clearable.label, value: clearable.value })),
		default: [],
		description: `Values to remove from the customer at Stripe${when}. A field left empty above is not sent, so it is never cleared by accident.`,
	};
	return [
		withDisplay(fields, FOR_PEOPLE),
		withDisplay<INodeProperties>(
			{
				displayName: CLEARING_LABELS.fields,
				name: 'clearFields',
				type: 'string',
				default: '',
				description: `Comma-separated values to remove from the customer${when}, any of: ${offered.map((clearable) => clearable.value).join(', ')}. Empty: remove nothing.`,
			},
			FOR_TOOLS,
		),
		{
			displayName: CLEARING_LABELS.metadataKeys,
			name: 'metadataKeysToRemove',
			type: 'string',
			default: '',
			placeholder: 'old_plan, legacy_id',
			description: `Comma-separated metadata keys to delete from the customer${when}; its other keys stay`,
		},
	];
}

/** Fields in the order the form shows them: the main fields, then Additional Fields by label. */
export function inFormOrder(fields: CustomerField[]): CustomerField[] {
	const additional = fields
		.filter((field) => field.section === 'additional')
		.sort((a, b) => a.label.localeCompare(b.label));
	return [...fields.filter((field) => field.section === 'main'), ...additional];
}

/** The fields as Create, Create or Update, and Update show them: fields Stripe takes only on create are offered on Create only. */
export function customerFieldProperties(options: {
	operation: 'create' | 'upsert' | 'update';
}): INodeProperties[] {
	const offered = definitionEntries.filter(
		([, definition]) => options.operation === 'create' || !definition.createOnly,
	);
	const main = offered
		.filter(([, definition]) => definition.section === 'main')
		.flatMap(([name, definition]) => editorProperties(name, definition));
	const additional = offered
		.filter(([, definition]) => definition.section === 'additional')
		.flatMap(([name, definition]) => editorProperties(name, definition))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
	const withEmailRule = main.map((property) =>
		property.name === 'email' && options.operation === 'upsert'
			? {
					...property,
					required: true,
					description:
						'The customer is looked up by this exact email (any case); at most 512 characters',
				}
			: property,
	);
	return [
		...withEmailRule,
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: additional,
		},
		...(options.operation === 'create' ? [] : clearingProperties(options.operation)),
	];
}

/** One item's choice of what to remove. */
export function readClearing(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: ClearingOperation,
): ClearingValues {
	return {
		operation,
		fields: context.getNodeParameter('clearFields', itemIndex, []) as Value | Value[],
		metadataKeys: context.getNodeParameter('metadataKeysToRemove', itemIndex, '') as
			| Value
			| Value[],
	};
}

/** One item's field values, as the rules take them (a field an AI Agent fills may have a name of its own). */
export function readCustomerValues(context: IExecuteFunctions, itemIndex: number): CustomerValues {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const values: Record<string, unknown> = {};
	for (const [name, definition] of definitionEntries) {
		const variants = editorProperties(name, definition).filter(
			(property, index, all) => all.findIndex((other) => other.name === property.name) === index,
		);
		const given = variants.map((variant) =>
			definition.section === 'main'
				? context.getNodeParameter(variant.name, itemIndex, variant.default)
				: additional[variant.name],
		);
		const editorValue = given.find((value) => value !== undefined && value !== '') ?? given[0];
		values[name] = definition.read ? definition.read(editorValue) : editorValue;
	}
	return values as CustomerValues;
}
