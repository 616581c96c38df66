import type Stripe from 'stripe';

import { TAX_ID_TYPES } from './taxIdTypes';

// Pure: one item's parameter values -> one Stripe create request. No `this`, no I/O.

/** The last Stripe API version whose customer create/update accepts `coupon` and `promotion_code`. */
export const COUPON_API_VERSION = '2025-02-24.acacia';

/** A value the user gave that Stripe would refuse, caught before any request; `field` is the label the editor shows. */
export class FieldError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(`${field}: ${message}`);
		this.name = 'FieldError';
	}
}

type Value = string | number | boolean | null | undefined;

export interface AddressInput {
	line1?: Value;
	line2?: Value;
	city?: Value;
	state?: Value;
	postalCode?: Value;
	country?: Value;
}

export interface ShippingInput extends AddressInput {
	recipientName?: Value;
	recipientPhone?: Value;
}

export interface AdditionalFieldsInput {
	balance?: Value;
	businessName?: Value;
	taxIds?: { taxId?: Array<{ type?: Value; value?: Value }> };
	cashBalanceReconciliationMode?: Value;
	coupon?: Value;
	defaultSource?: Value;
	individualName?: Value;
	invoicePrefix?: Value;
	invoiceSettings?: {
		customFields?: { field?: Array<{ name?: Value; value?: Value }> };
		defaultPaymentMethod?: Value;
		footer?: Value;
		amountTaxDisplay?: Value;
		template?: Value;
	};
	metadata?: { entry?: Array<{ key?: Value; value?: Value }> };
	nextInvoiceSequence?: Value;
	paymentMethod?: Value;
	preferredLocales?: Value | Value[];
	promotionCode?: Value;
	source?: Value;
	taxExempt?: Value;
	taxIpAddress?: Value;
	taxValidateLocation?: Value;
	testClock?: Value;
}

/** One item's values, keyed as in properties.ts. */
export interface CustomerInput {
	name?: Value;
	email?: Value;
	phone?: Value;
	description?: Value;
	address?: AddressInput;
	shipping?: ShippingInput;
	additionalFields?: AdditionalFieldsInput;
}

/** Parameters Stripe removed from create in 2025-03-31.basil, still accepted by COUPON_API_VERSION. */
export interface RemovedCouponParams {
	coupon?: string;
	promotion_code?: string;
}

export type CustomerCreateRequestParams = Stripe.CustomerCreateParams & RemovedCouponParams;

export interface CustomerCreateRequest {
	params: CustomerCreateRequestParams;
	/** Set when the request must be sent with a particular Stripe-Version (the coupon rule). */
	apiVersion?: string;
}

const LABEL = {
	name: 'Name',
	email: 'Email',
	phone: 'Phone',
	description: 'Description',
	address: 'Billing Address',
	shipping: 'Shipping',
	balance: 'Account Balance (Cents)',
	businessName: 'Business Name',
	taxIds: 'Business VAT IDs / Tax IDs',
	cashBalanceReconciliationMode: 'Cash Balance Reconciliation',
	coupon: 'Coupon',
	defaultSource: 'Default Source',
	individualName: 'Individual Name',
	invoicePrefix: 'Invoice Prefix',
	invoiceSettings: 'Invoice Settings',
	metadata: 'Metadata',
	nextInvoiceSequence: 'Next Invoice Sequence',
	paymentMethod: 'Payment Method',
	preferredLocales: 'Preferred Locales',
	promotionCode: 'Promotion Code',
	source: 'Source ID',
	taxExempt: 'Tax Exempt',
	taxIpAddress: 'Tax IP Address',
	taxValidateLocation: 'Tax Location Validation',
	testClock: 'Test Clock',
} as const;

const ADDRESS_LABEL: Record<keyof AddressInput, string> = {
	line1: 'Address Line 1',
	line2: 'Address Line 2',
	city: 'City',
	state: 'State',
	postalCode: 'ZIP / Postal Code',
	country: 'Country',
};

/** A trimmed non-empty string, or undefined for "not given" (empty optional fields are not sent). */
export function text(value: Value | Value[] | object): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'object') return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
}

function maxLength(field: string, value: string | undefined, limit: number): string | undefined {
	if (value !== undefined && value.length > limit) {
		throw new FieldError(field, `at most ${limit} characters are allowed; got ${value.length}`);
	}
	return value;
}

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
	if (value === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(value)) {
		throw new FieldError(field, `must be one of ${allowed.join(', ')}; got "${value}"`);
	}
	return value as T;
}

function integer(field: string, value: Value, hint: string): number | undefined {
	const raw = text(value);
	if (raw === undefined) return undefined;
	const parsed = typeof value === 'number' ? value : Number(raw);
	if (!/^[+-]?\d+(\.0+)?$/.test(raw) && !(typeof value === 'number' && Number.isInteger(value))) {
		throw new FieldError(field, `${hint}; got "${raw}"`);
	}
	if (!Number.isSafeInteger(parsed)) throw new FieldError(field, `${hint}; got "${raw}"`);
	return parsed;
}

function addressParam(label: string, input: AddressInput | undefined): Stripe.AddressParam | undefined {
	if (!input) return undefined;
	const country = text(input.country);
	if (country !== undefined && !/^[A-Za-z]{2}$/.test(country)) {
		throw new FieldError(
			`${label} → ${ADDRESS_LABEL.country}`,
			`use a two-letter ISO 3166-1 code such as "US" or "DE"; got "${country}"`,
		);
	}
	const address: Stripe.AddressParam = {
		line1: text(input.line1),
		line2: text(input.line2),
		city: text(input.city),
		state: text(input.state),
		postal_code: text(input.postalCode),
		country: country?.toUpperCase(),
	};
	return compact(address);
}

function shippingParam(input: ShippingInput | undefined, customerName: string | undefined) {
	if (!input) return undefined;
	const address = addressParam(LABEL.shipping, input);
	const recipientName = text(input.recipientName);
	const phone = text(input.recipientPhone);
	if (!address && !recipientName && !phone) return undefined;
	if (!address) {
		throw new FieldError(LABEL.shipping, 'Stripe requires a shipping address: add at least one address field');
	}
	const name = recipientName ?? customerName;
	if (!name) {
		throw new FieldError(
			`${LABEL.shipping} → Recipient Name`,
			"Stripe requires a recipient name for shipping: set Recipient Name or the customer's Name",
		);
	}
	return compact<Stripe.CustomerCreateParams.Shipping>({ name, address, phone });
}

function taxIdParams(input: AdditionalFieldsInput['taxIds']): Stripe.CustomerCreateParams.TaxIdDatum[] | undefined {
	const entries = input?.taxId ?? [];
	const taxIds = entries.flatMap((entry, index) => {
		const value = text(entry.value);
		if (value === undefined) return [];
		const type = oneOf(`${LABEL.taxIds} #${index + 1} → Type`, text(entry.type) ?? 'eu_vat', TAX_ID_TYPES);
		return [{ type: type!, value }];
	});
	return taxIds.length ? taxIds : undefined;
}

function metadataParam(input: AdditionalFieldsInput['metadata']): Record<string, string> | undefined {
	const entries = input?.entry ?? [];
	const metadata: Record<string, string> = {};
	for (const entry of entries) {
		const key = text(entry.key);
		if (key === undefined) continue;
		const field = `${LABEL.metadata} → "${key}"`;
		if (key.length > 40) throw new FieldError(field, 'a key may have at most 40 characters');
		if (/[[\]]/.test(key)) throw new FieldError(field, 'a key may not contain [ or ]');
		if (key in metadata) throw new FieldError(field, 'the key is given twice');
		metadata[key] = maxLength(field, entry.value === undefined || entry.value === null ? '' : String(entry.value), 500)!;
	}
	const count = Object.keys(metadata).length;
	if (count > 50) throw new FieldError(LABEL.metadata, `at most 50 keys are allowed; got ${count}`);
	return count ? metadata : undefined;
}

function invoiceSettingsParam(input: AdditionalFieldsInput['invoiceSettings']) {
	if (!input) return undefined;
	const label = LABEL.invoiceSettings;
	const customFields = (input.customFields?.field ?? []).flatMap((field, index) => {
		const name = text(field.name);
		const value = text(field.value);
		if (name === undefined && value === undefined) return [];
		const where = `${label} → Custom Field #${index + 1}`;
		if (name === undefined || value === undefined) throw new FieldError(where, 'needs both a name and a value');
		return [{ name: maxLength(`${where} → Name`, name, 40)!, value: maxLength(`${where} → Value`, value, 140)! }];
	});
	if (customFields.length > 4) {
		throw new FieldError(`${label} → Custom Fields`, `at most 4 are allowed; got ${customFields.length}`);
	}
	const amountTaxDisplay = oneOf(`${label} → Amount Tax Display`, text(input.amountTaxDisplay), [
		'exclude_tax',
		'include_inclusive_tax',
	] as const);
	const template = text(input.template);
	return compact<Stripe.CustomerCreateParams.InvoiceSettings>({
		custom_fields: customFields.length ? customFields : undefined,
		default_payment_method: text(input.defaultPaymentMethod),
		footer: text(input.footer),
		rendering_options: compact({ amount_tax_display: amountTaxDisplay, template }),
	});
}

function preferredLocalesParam(value: AdditionalFieldsInput['preferredLocales']): string[] | undefined {
	const list = Array.isArray(value) ? value.map((v) => text(v)) : (text(value)?.split(',') ?? []).map((v) => text(v));
	const locales = list.filter((v): v is string => v !== undefined);
	return locales.length ? locales : undefined;
}

/**
 * Default Source predates payment methods: a `pm_…` is attached with `payment_method` and made the invoice default;
 * anything else is a source, and the one source attached on create becomes the default.
 */
function applyDefaultSource(
	params: CustomerCreateRequestParams,
	defaultSource: string | undefined,
): CustomerCreateRequestParams {
	if (defaultSource === undefined) return params;
	if (defaultSource.startsWith('pm_')) {
		if (params.payment_method !== undefined && params.payment_method !== defaultSource) {
			throw new FieldError(
				LABEL.defaultSource,
				`"${defaultSource}" is a payment method, and Payment Method is "${params.payment_method}": Stripe attaches one payment method on create; leave one empty or give the same ID`,
			);
		}
		const invoiceDefault = params.invoice_settings?.default_payment_method;
		if (invoiceDefault !== undefined && invoiceDefault !== defaultSource) {
			throw new FieldError(
				LABEL.defaultSource,
				`"${defaultSource}" differs from Invoice Settings → Default Payment Method "${invoiceDefault}"; leave one empty or give the same ID`,
			);
		}
		return {
			...params,
			payment_method: defaultSource,
			invoice_settings: { ...params.invoice_settings, default_payment_method: defaultSource },
		};
	}
	if (params.source !== undefined && params.source !== defaultSource) {
		throw new FieldError(
			LABEL.defaultSource,
			`Source ID is "${params.source}" and Default Source is "${defaultSource}": Stripe attaches one source on create and makes it the default; leave one empty or give the same ID`,
		);
	}
	return { ...params, source: defaultSource };
}

/** Maps one item's values to the Stripe create request, or throws a FieldError naming the field. */
export function toCustomerCreateRequest(input: CustomerInput): CustomerCreateRequest {
	const extra = input.additionalFields ?? {};
	const name = text(input.name);
	const email = maxLength(LABEL.email, text(input.email), 512);
	if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) {
		throw new FieldError(LABEL.email, `"${email}" is not an email address`);
	}
	const invoicePrefix = text(extra.invoicePrefix);
	if (invoicePrefix !== undefined && !/^[A-Z0-9]{1,12}$/.test(invoicePrefix)) {
		throw new FieldError(LABEL.invoicePrefix, `use 1–12 uppercase letters or digits; got "${invoicePrefix}"`);
	}
	const nextInvoiceSequence = integer(LABEL.nextInvoiceSequence, extra.nextInvoiceSequence, 'must be a whole number');
	if (nextInvoiceSequence !== undefined && nextInvoiceSequence < 1) {
		throw new FieldError(LABEL.nextInvoiceSequence, `must be 1 or more; got ${nextInvoiceSequence}`);
	}
	const reconciliationMode = oneOf(LABEL.cashBalanceReconciliationMode, text(extra.cashBalanceReconciliationMode), [
		'automatic',
		'manual',
		'merchant_default',
	] as const);
	const validateLocation = oneOf(LABEL.taxValidateLocation, text(extra.taxValidateLocation), [
		'deferred',
		'immediately',
	] as const);
	const coupon = text(extra.coupon);
	const promotionCode = text(extra.promotionCode);

	const params = compact<CustomerCreateRequestParams>({
		name,
		email,
		phone: text(input.phone),
		description: text(input.description),
		address: addressParam(LABEL.address, input.address),
		shipping: shippingParam(input.shipping, name),
		balance: integer(
			LABEL.balance,
			extra.balance,
			'must be a whole number of cents (e.g. -500 for a 5.00 credit)',
		),
		business_name: maxLength(LABEL.businessName, text(extra.businessName), 150),
		individual_name: maxLength(LABEL.individualName, text(extra.individualName), 150),
		tax_id_data: taxIdParams(extra.taxIds),
		cash_balance: reconciliationMode ? { settings: { reconciliation_mode: reconciliationMode } } : undefined,
		invoice_prefix: invoicePrefix,
		invoice_settings: invoiceSettingsParam(extra.invoiceSettings),
		metadata: metadataParam(extra.metadata),
		next_invoice_sequence: nextInvoiceSequence,
		payment_method: text(extra.paymentMethod),
		preferred_locales: preferredLocalesParam(extra.preferredLocales),
		source: text(extra.source),
		tax: compact({ ip_address: text(extra.taxIpAddress), validate_location: validateLocation }),
		tax_exempt: oneOf(LABEL.taxExempt, text(extra.taxExempt), ['none', 'exempt', 'reverse'] as const),
		test_clock: text(extra.testClock),
		coupon,
		promotion_code: promotionCode,
	}) ?? {};

	const withDefaultSource = applyDefaultSource(params, text(extra.defaultSource));
	const usesCoupon = coupon !== undefined || promotionCode !== undefined;
	return usesCoupon ? { params: withDefaultSource, apiVersion: COUPON_API_VERSION } : { params: withDefaultSource };
}

/** What an update of an existing customer sends: Stripe's update takes no tax IDs or payment method, so those go separately. */
export interface CustomerUpdatePlan {
	params: Stripe.CustomerUpdateParams & RemovedCouponParams;
	taxIds: Stripe.CustomerCreateParams.TaxIdDatum[];
	paymentMethod?: string;
}

export function toCustomerUpdatePlan(create: CustomerCreateRequestParams): CustomerUpdatePlan {
	const { tax_id_data: taxIds = [], payment_method: paymentMethod, test_clock: testClock, ...params } = create;
	if (testClock !== undefined) {
		throw new FieldError(LABEL.testClock, 'an existing customer cannot be moved to a test clock; Stripe sets it only on create');
	}
	return { params, taxIds, paymentMethod };
}

/** Drops undefined members; an object left empty becomes undefined so it is not sent. */
function compact<T extends object>(value: { [K in keyof T]?: T[K] | undefined }): T | undefined {
	const entries = Object.entries(value).filter(([, member]) => member !== undefined);
	return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}
