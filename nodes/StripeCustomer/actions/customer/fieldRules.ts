import type Stripe from 'stripe';

import { givenText, type FieldProblem } from '../../helpers/checks';
import { COUNTRIES, COUNTRY_CODES } from '../../data/countries';
import { taxIdTypeOf } from '../taxId/taxIdFields';

// Pure rules that turn one field's value into Stripe parameters, or problems that name the field. No `this`, no I/O.

/** What an editor field or an expression can give. */
export type Value = string | number | boolean | null | undefined;

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

/** n8n's shape of a repeatable group ("fixedCollection" with multiple values): `{ <group>: [ {...}, ... ] }`. */
export type Repeated<Group extends string, Entry> = { [K in Group]?: Entry[] };

/** The checks of one field of one item; every problem is collected for the item. */
export class FieldCheck {
	constructor(
		readonly label: string,
		private readonly problems: FieldProblem[],
	) {}

	/**
	 * Records a problem with the field, or with one of its parts: "Billing Address → Country", or "Tax IDs #2 → Type"
	 * (a part "#2" numbers an entry of a repeated group); nothing is sent for the field.
	 */
	fail(message: string, ...parts: string[]): undefined {
		const field = parts.reduce(
			(path, part) => (part.startsWith('#') ? `${path} ${part}` : `${path} → ${part}`),
			this.label,
		);
		this.problems.push({ field, message });
		return undefined;
	}

	maxLength(value: string | undefined, limit: number, ...parts: string[]): string | undefined {
		if (value !== undefined && value.length > limit)
			return this.fail(`at most ${limit} characters are allowed; got ${value.length}`, ...parts);
		return value;
	}

	oneOf<T extends string>(
		value: string | undefined,
		allowed: readonly T[],
		...parts: string[]
	): T | undefined {
		if (value === undefined) return undefined;
		if (!(allowed as readonly string[]).includes(value))
			return this.fail(`must be one of ${allowed.join(', ')}; got "${value}"`, ...parts);
		return value as T;
	}

	/** A whole number, typed or from an expression; `hint` says what is expected. */
	wholeNumber(value: Value, hint: string): number | undefined {
		const raw = givenText(value);
		if (raw === undefined) return undefined;
		const isWhole =
			typeof value === 'number'
				? Number.isSafeInteger(value)
				: /^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw));
		if (!isWhole) return this.fail(`${hint}; got "${raw}"`);
		return Number(raw);
	}
}

export function emailAddress(value: Value, check: FieldCheck): string | undefined {
	const email = check.maxLength(givenText(value), 512);
	const problem = email === undefined ? undefined : emailProblem(email);
	if (problem) return check.fail(`"${email}" is not an email address: ${problem}`);
	return email;
}

/** What keeps a text from being an email address (name@domain), said so a user can fix it. */
function emailProblem(email: string): string | undefined {
	const space = email.search(/\s/);
	if (space >= 0) return `it has a space at position ${space}; an address has none`;
	const ats = email.split('@').length - 1;
	if (ats === 0) return 'it has no @';
	if (ats > 1) return `it has ${ats} @ signs; an address has one`;
	if (email.startsWith('@')) return 'nothing comes before the @';
	if (email.endsWith('@')) return 'nothing comes after the @';
	return undefined;
}

/** Drops undefined members; an object left empty becomes undefined, so it is not sent. */
export function compact<T extends object>(value: { [K in keyof T]?: T[K] | undefined }):
	| T
	| undefined {
	const entries = Object.entries(value).filter(([, member]) => member !== undefined);
	return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

/** A country's English name as the editor lists it, in lower case → its code. */
const CODE_OF_COUNTRY_NAME: ReadonlyMap<string, string> = new Map(
	COUNTRIES.map((country) => [country.name.toLowerCase(), country.code]),
);

/** A country as a two-letter code or as the name the editor lists, in any case; undefined when it is neither. */
export function countryCode(given: string): string | undefined {
	const code = given.toUpperCase();
	return COUNTRY_CODES.has(code)
		? code
		: CODE_OF_COUNTRY_NAME.get(given.toLowerCase().replace(/\s+/g, ' '));
}

/** An address; `countryLabel` is the label of its Country field, for the error. */
export function addressParam(
	input: AddressInput | undefined,
	check: FieldCheck,
	countryLabel: string,
): Stripe.AddressParam | undefined {
	if (!input) return undefined;
	const given = givenText(input.country);
	let country = given === undefined ? undefined : countryCode(given);
	if (given !== undefined && country === undefined) {
		country = check.fail(
			`"${given}" is not a country: pick it from the list, or give its two-letter ISO 3166-1 code (such as "US" or "DE") or its name as the list shows it (such as "Germany")`,
			countryLabel,
		);
	}
	return compact<Stripe.AddressParam>({
		line1: givenText(input.line1),
		line2: givenText(input.line2),
		city: givenText(input.city),
		state: givenText(input.state),
		postal_code: givenText(input.postalCode),
		country,
	});
}

/** Shipping as given: Stripe requires a recipient name, which mapping.ts completes (the customer's Name on create, the current recipient on update). */
export interface ShippingParam {
	name?: string;
	phone?: string;
	address: Stripe.AddressParam;
}

/** Shipping: at least one address field; the recipient name may be left to mapping.ts. */
export function shippingParam(
	input: ShippingInput | undefined,
	check: FieldCheck,
	countryLabel: string,
): ShippingParam | undefined {
	if (!input) return undefined;
	const address = addressParam(input, check, countryLabel);
	const name = givenText(input.recipientName);
	const phone = givenText(input.recipientPhone);
	if (!address && !name && !phone) return undefined;
	if (!address)
		return check.fail('Stripe requires a shipping address: add at least one address field');
	return compact<ShippingParam>({ name, address, phone });
}

export type TaxIdInput = Repeated<'taxId', { type?: Value; value?: Value }>;

/** Tax IDs; an entry without a type is an EU VAT number (the original spec's "Business VAT ID"). */
export function taxIdParams(input: TaxIdInput | undefined, check: FieldCheck, typeLabel: string) {
	const taxIds = (input?.taxId ?? []).flatMap((entry, index) => {
		const value = givenText(entry.value);
		if (value === undefined) return [];
		const type = taxIdTypeOf(entry.type);
		if ('problem' in type) return check.fail(type.problem, `#${index + 1}`, typeLabel) ?? [];
		return [{ type: type.type, value }];
	});
	return taxIds.length ? taxIds : undefined;
}

export function metadataParam(
	input: Repeated<'entry', { key?: Value; value?: Value }> | undefined,
	check: FieldCheck,
) {
	// A map without a prototype: a user's key such as "constructor" is a key like any other.
	const metadata: Record<string, string> = Object.create(null);
	let count = 0;
	for (const entry of input?.entry ?? []) {
		const key = givenText(entry.key);
		if (key === undefined) continue;
		const part = `"${key}"`;
		if (key.length > 40) check.fail('a key may have at most 40 characters', part);
		else if (/[[\]]/.test(key)) check.fail('a key may not contain [ or ]', part);
		else if (Object.hasOwn(metadata, key)) check.fail('the key is given twice', part);
		else {
			metadata[key] =
				check.maxLength(
					entry.value === undefined || entry.value === null ? '' : String(entry.value),
					500,
					part,
				) ?? '';
			count++;
		}
	}
	if (count > 50) check.fail(`at most 50 keys are allowed; got ${count}`);
	return count ? { ...metadata } : undefined;
}

export interface InvoiceSettingsInput {
	customFields?: Repeated<'field', { name?: Value; value?: Value }>;
	defaultPaymentMethod?: Value;
	footer?: Value;
	amountTaxDisplay?: Value;
	template?: Value;
}

export function invoiceSettingsParam(
	input: InvoiceSettingsInput | undefined,
	check: FieldCheck,
	labels: { customFields: string; amountTaxDisplay: string },
): Stripe.CustomerCreateParams.InvoiceSettings | undefined {
	if (!input) return undefined;
	const customFields = (input.customFields?.field ?? []).flatMap((field, index) => {
		const name = givenText(field.name);
		const value = givenText(field.value);
		if (name === undefined && value === undefined) return [];
		const where = [labels.customFields, `#${index + 1}`];
		if (name === undefined || value === undefined)
			return check.fail('needs both a name and a value', ...where) ?? [];
		const checkedName = check.maxLength(name, 40, ...where, 'Name');
		const checkedValue = check.maxLength(value, 140, ...where, 'Value');
		return checkedName && checkedValue ? [{ name: checkedName, value: checkedValue }] : [];
	});
	if (customFields.length > 4)
		check.fail(`at most 4 are allowed; got ${customFields.length}`, labels.customFields);
	const amountTaxDisplay = check.oneOf(
		givenText(input.amountTaxDisplay),
		['exclude_tax', 'include_inclusive_tax'] as const,
		labels.amountTaxDisplay,
	);
	return compact<Stripe.CustomerCreateParams.InvoiceSettings>({
		custom_fields: customFields.length ? customFields : undefined,
		default_payment_method: givenText(input.defaultPaymentMethod),
		footer: givenText(input.footer),
		rendering_options: compact({
			amount_tax_display: amountTaxDisplay,
			template: givenText(input.template),
		}),
	});
}

/** A comma-separated list (or an array from an expression). */
export function listOfTexts(value: Value | Value[]): string[] | undefined {
	const list = Array.isArray(value)
		? value.map(givenText)
		: (givenText(value)?.split(',') ?? []).map(givenText);
	const texts = list.filter((entry): entry is string => entry !== undefined);
	return texts.length ? texts : undefined;
}
