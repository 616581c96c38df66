import type Stripe from 'stripe';

import { ADDRESS_LABELS, FIELD_LABELS, INVOICE_SETTING_LABELS, TAX_ID_TYPE_LABEL } from '../actions/customer/fields';
import { COUNTRY_CODES } from '../data/countries';
import { TAX_ID_TYPES } from '../data/taxIdTypes';
import type { FieldProblem } from './errors';

// Pure: one item's field values -> the Stripe request for a customer, or every problem with them. No `this`, no I/O.
// Every field Stripe renamed or removed since the product was specified is handled here, in one place.

/** The last Stripe API version whose customer create/update accepts `coupon` and `promotion_code`. */
export const COUPON_API_VERSION = '2025-02-24.acacia';

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

/** One item's values, keyed as in fields.ts (addresses already flattened). */
export interface CustomerInput {
	name?: Value;
	email?: Value;
	phone?: Value;
	description?: Value;
	address?: AddressInput;
	shipping?: ShippingInput;
	additionalFields?: AdditionalFieldsInput;
}

/** Parameters Stripe removed from customer create/update in 2025-03-31.basil, still accepted by COUPON_API_VERSION. */
export interface RemovedCouponParams {
	coupon?: string;
	promotion_code?: string;
}

export type CustomerCreateParams = Stripe.CustomerCreateParams & RemovedCouponParams;
export type CustomerUpdateParams = Stripe.CustomerUpdateParams & RemovedCouponParams;

export interface CustomerCreateRequest {
	params: CustomerCreateParams;
	/** Set when the request must be sent with a particular Stripe-Version (the coupon rule). */
	apiVersion?: string;
}

/** What an update sends: Stripe's update takes no tax IDs and no payment method to attach, so those go separately. */
export interface CustomerUpdatePlan {
	params: CustomerUpdateParams;
	taxIds: Stripe.CustomerCreateParams.TaxIdDatum[];
	paymentMethod?: string;
	apiVersion?: string;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

/** A trimmed non-empty string, or undefined for "not given" (empty optional fields are not sent). */
export function text(value: unknown): string | undefined {
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
}

/** Collects every problem of one item instead of stopping at the first, so a user fixes them in one go. */
class Checks {
	readonly problems: FieldProblem[] = [];

	fail(field: string, message: string): undefined {
		this.problems.push({ field, message });
		return undefined;
	}

	maxLength(field: string, value: string | undefined, limit: number): string | undefined {
		if (value !== undefined && value.length > limit) return this.fail(field, `at most ${limit} characters are allowed; got ${value.length}`);
		return value;
	}

	oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T | undefined {
		if (value === undefined) return undefined;
		if (!(allowed as readonly string[]).includes(value)) return this.fail(field, `must be one of ${allowed.join(', ')}; got "${value}"`);
		return value as T;
	}

	integer(field: string, value: Value, hint: string): number | undefined {
		const raw = text(value);
		if (raw === undefined) return undefined;
		const isWhole = typeof value === 'number' ? Number.isSafeInteger(value) : /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw));
		if (!isWhole) return this.fail(field, `${hint}; got "${raw}"`);
		return Number(raw);
	}
}

function addressParam(checks: Checks, label: string, input: AddressInput | undefined): Stripe.AddressParam | undefined {
	if (!input) return undefined;
	let country = text(input.country)?.toUpperCase();
	if (country !== undefined && !COUNTRY_CODES.has(country)) {
		country = checks.fail(
			`${label} → ${ADDRESS_LABELS.country}`,
			`"${text(input.country)}" is not a country code: pick the country from the list, or give its two-letter ISO 3166-1 code such as "US" or "DE"`,
		);
	}
	return compact<Stripe.AddressParam>({
		line1: text(input.line1),
		line2: text(input.line2),
		city: text(input.city),
		state: text(input.state),
		postal_code: text(input.postalCode),
		country,
	});
}

function shippingParam(checks: Checks, input: ShippingInput | undefined, customerName: string | undefined) {
	if (!input) return undefined;
	const label = FIELD_LABELS.shipping;
	const address = addressParam(checks, label, input);
	const recipientName = text(input.recipientName);
	const phone = text(input.recipientPhone);
	if (!address && !recipientName && !phone) return undefined;
	if (!address) return checks.fail(label, 'Stripe requires a shipping address: add at least one address field');
	const name = recipientName ?? customerName;
	if (!name) {
		return checks.fail(
			`${label} → ${FIELD_LABELS.recipientName}`,
			"Stripe requires a recipient name for shipping: set Recipient Name or the customer's Name",
		);
	}
	return compact<Stripe.CustomerCreateParams.Shipping>({ name, address, phone });
}

function taxIdParams(checks: Checks, input: AdditionalFieldsInput['taxIds']): Stripe.CustomerCreateParams.TaxIdDatum[] | undefined {
	const taxIds = (input?.taxId ?? []).flatMap((entry, index) => {
		const value = text(entry.value);
		if (value === undefined) return [];
		const type = checks.oneOf(`${FIELD_LABELS.taxIds} #${index + 1} → ${TAX_ID_TYPE_LABEL}`, text(entry.type) ?? 'eu_vat', TAX_ID_TYPES);
		return type ? [{ type, value }] : [];
	});
	return taxIds.length ? taxIds : undefined;
}

function metadataParam(checks: Checks, input: AdditionalFieldsInput['metadata']): Record<string, string> | undefined {
	const metadata: Record<string, string> = {};
	for (const entry of input?.entry ?? []) {
		const key = text(entry.key);
		if (key === undefined) continue;
		const field = `${FIELD_LABELS.metadata} → "${key}"`;
		if (key.length > 40) checks.fail(field, 'a key may have at most 40 characters');
		else if (/[[\]]/.test(key)) checks.fail(field, 'a key may not contain [ or ]');
		else if (key in metadata) checks.fail(field, 'the key is given twice');
		else metadata[key] = checks.maxLength(field, entry.value === undefined || entry.value === null ? '' : String(entry.value), 500) ?? '';
	}
	const count = Object.keys(metadata).length;
	if (count > 50) checks.fail(FIELD_LABELS.metadata, `at most 50 keys are allowed; got ${count}`);
	return count ? metadata : undefined;
}

function invoiceSettingsParam(checks: Checks, input: AdditionalFieldsInput['invoiceSettings']) {
	if (!input) return undefined;
	const label = FIELD_LABELS.invoiceSettings;
	const customFields = (input.customFields?.field ?? []).flatMap((field, index) => {
		const name = text(field.name);
		const value = text(field.value);
		if (name === undefined && value === undefined) return [];
		const where = `${label} → ${INVOICE_SETTING_LABELS.customFields} #${index + 1}`;
		if (name === undefined || value === undefined) return checks.fail(where, 'needs both a name and a value') ?? [];
		const checkedName = checks.maxLength(`${where} → Name`, name, 40);
		const checkedValue = checks.maxLength(`${where} → Value`, value, 140);
		return checkedName && checkedValue ? [{ name: checkedName, value: checkedValue }] : [];
	});
	if (customFields.length > 4) {
		checks.fail(`${label} → ${INVOICE_SETTING_LABELS.customFields}`, `at most 4 are allowed; got ${customFields.length}`);
	}
	const amountTaxDisplay = checks.oneOf(`${label} → ${INVOICE_SETTING_LABELS.amountTaxDisplay}`, text(input.amountTaxDisplay), [
		'exclude_tax',
		'include_inclusive_tax',
	] as const);
	return compact<Stripe.CustomerCreateParams.InvoiceSettings>({
		custom_fields: customFields.length ? customFields : undefined,
		default_payment_method: text(input.defaultPaymentMethod),
		footer: text(input.footer),
		rendering_options: compact({ amount_tax_display: amountTaxDisplay, template: text(input.template) }),
	});
}

function preferredLocalesParam(value: AdditionalFieldsInput['preferredLocales']): string[] | undefined {
	const list = Array.isArray(value) ? value.map(text) : (text(value)?.split(',') ?? []).map(text);
	const locales = list.filter((locale): locale is string => locale !== undefined);
	return locales.length ? locales : undefined;
}

/**
 * Default Source predates payment methods: a `pm_…` is attached with `payment_method` and made the invoice default;
 * anything else is a source, and the one source attached on create becomes the default.
 */
function applyDefaultSource(checks: Checks, params: CustomerCreateParams, defaultSource: string | undefined): CustomerCreateParams {
	if (defaultSource === undefined) return params;
	const label = FIELD_LABELS.defaultSource;
	if (defaultSource.startsWith('pm_')) {
		if (params.payment_method !== undefined && params.payment_method !== defaultSource) {
			checks.fail(
				label,
				`"${defaultSource}" is a payment method, and Payment Method is "${params.payment_method}": Stripe attaches one payment method on create; leave one empty or give the same ID`,
			);
			return params;
		}
		const invoiceDefault = params.invoice_settings?.default_payment_method;
		if (invoiceDefault !== undefined && invoiceDefault !== defaultSource) {
			checks.fail(label, `"${defaultSource}" differs from Invoice Settings → Default Payment Method "${invoiceDefault}"; leave one empty or give the same ID`);
			return params;
		}
		return {
			...params,
			payment_method: defaultSource,
			invoice_settings: { ...params.invoice_settings, default_payment_method: defaultSource },
		};
	}
	if (params.source !== undefined && params.source !== defaultSource) {
		checks.fail(
			label,
			`Source ID is "${params.source}" and Default Source is "${defaultSource}": Stripe attaches one source on create and makes it the default; leave one empty or give the same ID`,
		);
		return params;
	}
	return { ...params, source: defaultSource };
}

/** Stripe parameters that say who the customer is; an item with none of them would create an empty customer. */
const CUSTOMER_DATA: Array<keyof CustomerCreateParams> = [
	'name', 'email', 'phone', 'description', 'address', 'shipping', 'metadata', 'tax_id_data', 'balance',
	'source', 'payment_method', 'business_name', 'individual_name',
];
const CUSTOMER_DATA_LABELS = [
	FIELD_LABELS.name, FIELD_LABELS.email, FIELD_LABELS.phone, FIELD_LABELS.description, FIELD_LABELS.address,
	FIELD_LABELS.shipping, FIELD_LABELS.metadata, FIELD_LABELS.taxIds, FIELD_LABELS.balance, FIELD_LABELS.source,
	FIELD_LABELS.paymentMethod, FIELD_LABELS.businessName, FIELD_LABELS.individualName,
];

function customerParams(checks: Checks, input: CustomerInput): CustomerCreateParams {
	const extra = input.additionalFields ?? {};
	const name = text(input.name);
	let email = checks.maxLength(FIELD_LABELS.email, text(input.email), 512);
	if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) email = checks.fail(FIELD_LABELS.email, `"${email}" is not an email address`);
	let invoicePrefix = text(extra.invoicePrefix);
	if (invoicePrefix !== undefined && !/^[A-Z0-9]{1,12}$/.test(invoicePrefix)) {
		invoicePrefix = checks.fail(FIELD_LABELS.invoicePrefix, `use 1–12 uppercase letters or digits; got "${invoicePrefix}"`);
	}
	let nextInvoiceSequence = checks.integer(FIELD_LABELS.nextInvoiceSequence, extra.nextInvoiceSequence, 'must be a whole number');
	if (nextInvoiceSequence !== undefined && nextInvoiceSequence < 1) {
		nextInvoiceSequence = checks.fail(FIELD_LABELS.nextInvoiceSequence, `must be 1 or more; got ${nextInvoiceSequence}`);
	}
	const reconciliationMode = checks.oneOf(FIELD_LABELS.cashBalanceReconciliationMode, text(extra.cashBalanceReconciliationMode), [
		'automatic',
		'manual',
		'merchant_default',
	] as const);
	const validateLocation = checks.oneOf(FIELD_LABELS.taxValidateLocation, text(extra.taxValidateLocation), ['deferred', 'immediately'] as const);

	const params =
		compact<CustomerCreateParams>({
			name,
			email,
			phone: text(input.phone),
			description: text(input.description),
			address: addressParam(checks, FIELD_LABELS.address, input.address),
			shipping: shippingParam(checks, input.shipping, name),
			balance: checks.integer(FIELD_LABELS.balance, extra.balance, 'must be a whole number of cents (e.g. -500 for a 5.00 credit; 12.50 is 1250)'),
			business_name: checks.maxLength(FIELD_LABELS.businessName, text(extra.businessName), 150),
			individual_name: checks.maxLength(FIELD_LABELS.individualName, text(extra.individualName), 150),
			tax_id_data: taxIdParams(checks, extra.taxIds),
			cash_balance: reconciliationMode ? { settings: { reconciliation_mode: reconciliationMode } } : undefined,
			invoice_prefix: invoicePrefix,
			invoice_settings: invoiceSettingsParam(checks, extra.invoiceSettings),
			metadata: metadataParam(checks, extra.metadata),
			next_invoice_sequence: nextInvoiceSequence,
			payment_method: text(extra.paymentMethod),
			preferred_locales: preferredLocalesParam(extra.preferredLocales),
			source: text(extra.source),
			tax: compact({ ip_address: text(extra.taxIpAddress), validate_location: validateLocation }),
			tax_exempt: checks.oneOf(FIELD_LABELS.taxExempt, text(extra.taxExempt), ['none', 'exempt', 'reverse'] as const),
			test_clock: text(extra.testClock),
			coupon: text(extra.coupon),
			promotion_code: text(extra.promotionCode),
		}) ?? {};
	return applyDefaultSource(checks, params, text(extra.defaultSource));
}

function usesCoupon(params: RemovedCouponParams): boolean {
	return params.coupon !== undefined || params.promotion_code !== undefined;
}

/** Maps one item's values to the Stripe create request, or every problem found in them. */
export function toCustomerCreateRequest(input: CustomerInput): Mapped<CustomerCreateRequest> {
	const checks = new Checks();
	const params = customerParams(checks, input);
	if (checks.problems.length) return { ok: false, problems: checks.problems };
	if (!CUSTOMER_DATA.some((param) => params[param] !== undefined)) {
		return {
			ok: false,
			problems: [
				{
					field: 'Customer',
					message: `the item has no customer data, so Stripe would get an empty customer: set at least one of ${CUSTOMER_DATA_LABELS.join(', ')}`,
				},
			],
		};
	}
	return { ok: true, value: usesCoupon(params) ? { params, apiVersion: COUPON_API_VERSION } : { params } };
}

/** Splits create parameters into what Stripe's update takes and what goes through other endpoints. */
function updatePlanOf(checks: Checks, create: CustomerCreateParams): CustomerUpdatePlan {
	const { tax_id_data: taxIds = [], payment_method: paymentMethod, test_clock: testClock, ...params } = create;
	if (testClock !== undefined) checks.fail(FIELD_LABELS.testClock, 'an existing customer cannot be moved to a test clock; Stripe sets it only on create');
	return { params, taxIds, paymentMethod, apiVersion: usesCoupon(params) ? COUPON_API_VERSION : undefined };
}

/** Maps one item's values to an update of an existing customer, or every problem found in them. */
export function toCustomerUpdatePlan(input: CustomerInput): Mapped<CustomerUpdatePlan> {
	const checks = new Checks();
	const plan = updatePlanOf(checks, customerParams(checks, input));
	if (checks.problems.length) return { ok: false, problems: checks.problems };
	if (!Object.keys(plan.params).length && !plan.taxIds.length && !plan.paymentMethod) {
		return { ok: false, problems: [{ field: 'Customer', message: 'nothing to update: every field of the item is empty' }] };
	}
	return { ok: true, value: plan };
}

/** The update that follows a create request when the customer already exists (Create or Update). */
export function updatePlanForExisting(request: CustomerCreateRequest): Mapped<CustomerUpdatePlan> {
	const checks = new Checks();
	const plan = updatePlanOf(checks, request.params);
	return checks.problems.length ? { ok: false, problems: checks.problems } : { ok: true, value: plan };
}

/** Drops undefined members; an object left empty becomes undefined so it is not sent. */
function compact<T extends object>(value: { [K in keyof T]?: T[K] | undefined }): T | undefined {
	const entries = Object.entries(value).filter(([, member]) => member !== undefined);
	return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}
