import type Stripe from 'stripe';

import {
	loneSurrogateAt,
	loneSurrogateMessage,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { FieldCheck, listOfTexts, type ShippingParam } from './fieldRules';
import {
	clearableOn,
	CLEARING_LABELS,
	customerFields,
	inFormOrder,
	SHIPPING_RECIPIENT_LABEL,
	type ClearableValue,
	type ClearingValues,
	type CustomerField,
	type CustomerParams,
	type CustomerValues,
} from './customerFields';

// Pure: one item's field values → the Stripe request for a customer, or every problem with them. No `this`, no I/O.
// Each field's rule lives with its definition (fields.ts); this file applies them and the rules between fields.

/** What a create sends: Stripe's parameters, and those Stripe removed but still takes with an older version. */
export type CustomerCreateParams = Stripe.CustomerCreateParams &
	Pick<CustomerParams, 'coupon' | 'promotion_code'>;

export interface CustomerCreateRequest {
	params: CustomerCreateParams;
	/** Set when the request must be sent with a particular Stripe-Version (the coupon rule). */
	apiVersion?: string;
	/**
	 * Problems that matter only if the customer is created (with `createOnlyIfNew`: the customer may exist, and an
	 * update would take the shipping recipient from it); set, the request must not be sent.
	 */
	problemsIfCreated?: FieldProblem[];
}

export type CustomerUpdateParams = Omit<Stripe.CustomerUpdateParams, 'shipping'> &
	Pick<CustomerParams, 'coupon' | 'promotion_code'> & { shipping?: ShippingParam };

/** What an update sends: the values given, and those removed, sent empty (`phone=`), which Stripe unsets. */
export type CustomerUpdateBody = Omit<CustomerUpdateParams, 'shipping' | 'preferred_locales'> & {
	shipping?: ShippingParam | '';
	// Stripe's types list an array only, yet Stripe unsets it when sent empty too (README, Fields).
	preferred_locales?: string[] | '';
};

/**
 * What an update sends. Stripe's update takes no tax IDs and no payment method to attach, so those go separately;
 * and it replaces a nested hash whole (the parts not sent become empty), so the address and shipping parts given are
 * kept apart, to be completed from the customer's current ones (completeUpdate).
 */
export interface CustomerUpdatePlan {
	params: CustomerUpdateParams;
	address?: Stripe.AddressParam;
	shipping?: ShippingParam;
	taxIds: Stripe.CustomerCreateParams.TaxIdDatum[];
	paymentMethod?: string;
	apiVersion?: string;
	/** What the item chose to remove, if anything: the parameters sent empty. */
	cleared?: Partial<CustomerUpdateBody>;
}

/** What completeUpdate needs of the customer as Stripe holds it. */
export interface CurrentCustomer {
	name?: string | null;
	address?: Partial<Record<keyof Stripe.AddressParam, string | null>> | null;
	shipping?: {
		name?: string | null;
		phone?: string | null;
		address?: Partial<Record<keyof Stripe.AddressParam, string | null>> | null;
	} | null;
}

const CREATE_ONLY_PARAMS = new Set<string>(
	customerFields.filter((field) => field.createOnly).flatMap((field) => field.params),
);
const SHIPPING_LABEL = customerFields.find((field) => field.name === 'shipping')!.label;

/** Why two fields may not give one Stripe parameter different values. */
const ONE_VALUE_REASONS: Partial<Record<string, string>> = {
	source: 'Stripe attaches one source on create and makes it the default',
	payment_method: 'Stripe attaches one payment method on create',
};

type Params = Record<string, unknown>;

function isPlainObject(value: unknown): value is Params {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, whatever its name: a user's metadata key "__proto__" is a key like any other. */
function setOwn(target: Params, key: string, value: unknown): void {
	Object.defineProperty(target, key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true,
	});
}

/** Drops undefined members, deeply; an object left empty is dropped too. */
function withoutUndefined(value: Params): Params {
	const result: Params = {};
	for (const [key, member] of Object.entries(value)) {
		const kept = isPlainObject(member) ? withoutUndefined(member) : member;
		if (kept !== undefined && !(isPlainObject(kept) && Object.keys(kept).length === 0))
			setOwn(result, key, kept);
	}
	return result;
}

/** Where in a field's parameters a text (a value, or a key such as a metadata key) holds a lone surrogate. */
function unencodableText(
	value: unknown,
	path: string[],
): { path: string[]; index: number } | undefined {
	if (typeof value === 'string') {
		const index = loneSurrogateAt(value);
		return index === undefined ? undefined : { path, index };
	}
	if (typeof value !== 'object' || value === null) return undefined;
	for (const [key, member] of Object.entries(value)) {
		const inKey = loneSurrogateAt(key);
		if (inKey !== undefined) return { path: [...path, `(a key) ${key}`], index: inKey };
		const found = unencodableText(member, [...path, key]);
		if (found) return found;
	}
	return undefined;
}

/** Stripe's name of a nested parameter: `address[city]`. */
const paramPath = ([first, ...rest]: string[]) =>
	`${first}${rest.map((part) => `[${part}]`).join('')}`;

/**
 * Adds one field's parameters to the request. Two fields may give the same parameter (Default Source and Source ID),
 * but not different values: that is a problem of the later field.
 */
function mergeInto(
	params: Params,
	patch: Params,
	field: CustomerField,
	givenBy: Map<string, CustomerField>,
	check: FieldCheck,
	path = '',
) {
	for (const [key, value] of Object.entries(patch)) {
		const at = path ? `${path}[${key}]` : key;
		const current = Object.hasOwn(params, key) ? params[key] : undefined;
		if (isPlainObject(value) && isPlainObject(current)) {
			mergeInto(current, value, field, givenBy, check, at);
			continue;
		}
		if (current === undefined) {
			setOwn(params, key, value);
			givenBy.set(at, field);
			continue;
		}
		if (JSON.stringify(current) === JSON.stringify(value)) continue;
		const other = givenBy.get(at)?.label ?? 'another field';
		const reason = ONE_VALUE_REASONS[at] ? `: ${ONE_VALUE_REASONS[at]}` : '';
		check.fail(
			`"${String(value)}" and ${other} "${String(current)}" would both be Stripe's ${at}${reason}; leave one empty or give the same ID`,
		);
	}
}

interface MappedFields {
	params: CustomerParams;
	/** The fields that gave parameters. */
	given: CustomerField[];
	/** The field that gave each parameter, by Stripe's name of it (`phone`, `invoice_settings[footer]`). */
	givenBy: Map<string, CustomerField>;
	problems: FieldProblem[];
}

function mapFields(values: CustomerValues): MappedFields {
	const problems: FieldProblem[] = [];
	const params: Params = {};
	const given: CustomerField[] = [];
	const givenBy = new Map<string, CustomerField>();
	for (const field of customerFields) {
		const check = new FieldCheck(field.label, problems);
		const patch = withoutUndefined(field.map(values[field.name], check) ?? {});
		if (!Object.keys(patch).length) continue;
		// A text that cannot be encoded would fail the request itself: it is the item's problem, found here.
		const unencodable = unencodableText(patch, []);
		if (unencodable) {
			const where = unencodable.path.length > 1 ? `${paramPath(unencodable.path)} ` : '';
			check.fail(`${where}${loneSurrogateMessage(unencodable.index)}`);
			continue;
		}
		given.push(field);
		mergeInto(params, patch, field, givenBy, check);
	}
	return { params: params as CustomerParams, given, givenBy, problems };
}

/** The Stripe-Version the given fields need, if any (Coupon and Promotion Code). */
function apiVersionOf(given: CustomerField[]): string | undefined {
	return given.find((field) => field.apiVersion)?.apiVersion;
}

const recipientNameProblem = (why: string): FieldProblem => ({
	field: `${SHIPPING_LABEL} → ${SHIPPING_RECIPIENT_LABEL}`,
	message: `Stripe requires a recipient name for shipping${why}: set ${SHIPPING_RECIPIENT_LABEL} or the customer's Name`,
});

/**
 * Maps one item's values to the Stripe create request, or every problem found in them. `createOnlyIfNew`: the
 * customer is looked up first (by email), so a problem that concerns only a new customer waits until one is created.
 */
export function toCustomerCreateRequest(
	values: CustomerValues,
	options: { createOnlyIfNew?: boolean } = {},
): Checked<CustomerCreateRequest> {
	const { params: mapped, given, problems } = mapFields(values);
	// On create, the customer's Name stands in for a missing shipping recipient.
	const recipient = mapped.shipping?.name ?? mapped.name;
	const problemsIfCreated = mapped.shipping && !recipient ? [recipientNameProblem('')] : [];
	if (!options.createOnlyIfNew) problems.push(...problemsIfCreated);
	if (problems.length) return { ok: false, problems };
	if (!given.some((field) => field.customerData)) {
		const identifying = inFormOrder(customerFields.filter((field) => field.customerData)).map(
			(field) => field.label,
		);
		return {
			ok: false,
			problems: [
				{
					field: 'Customer',
					message: `the item has no customer data, so Stripe would get an empty customer: set at least one of ${identifying.join(', ')}`,
				},
			],
		};
	}
	const params = Object.fromEntries(
		Object.entries(mapped).map(([param, value]) =>
			param === 'shipping' ? [param, { name: recipient, ...mapped.shipping }] : [param, value],
		),
	) as CustomerCreateParams;
	const apiVersion = apiVersionOf(given);
	return {
		ok: true,
		value: {
			params,
			...(apiVersion ? { apiVersion } : {}),
			...(problemsIfCreated.length && options.createOnlyIfNew ? { problemsIfCreated } : {}),
		},
	};
}

/** A Clear Fields choice, by its value or its label, in any case. */
function clearableChoice(given: string, offered: ClearableValue[]): ClearableValue | undefined {
	const wanted = given.toLowerCase();
	return offered.find(
		(clearable) =>
			clearable.value.toLowerCase() === wanted || clearable.label.toLowerCase() === wanted,
	);
}

/** The label of the field that gives a value at `path`, or undefined when no field does. */
function fieldGiving(mapped: MappedFields, path: readonly string[]): string | undefined {
	let value: unknown = mapped.params;
	for (const part of path) {
		if (!isPlainObject(value) || !Object.hasOwn(value, part)) return undefined;
		value = value[part];
	}
	for (let length = path.length; length > 0; length--) {
		const field = mapped.givenBy.get(paramPath(path.slice(0, length)));
		if (field) return field.label;
	}
	return 'another field';
}

/** Sets `path` in `target` to Stripe's empty value, which unsets it. */
function setEmpty(target: Params, path: readonly string[]): void {
	const [first, ...rest] = path;
	if (!rest.length) return setOwn(target, first, '');
	const inner = Object.hasOwn(target, first) ? target[first] : undefined;
	const nested = isPlainObject(inner) ? inner : {};
	setOwn(target, first, nested);
	setEmpty(nested, rest);
}

/**
 * What the item chose to remove, as the parameters sent empty (`phone=`, `metadata[plan]=`). A value both given and
 * chosen to be cleared is a problem naming both: nothing of the item is sent.
 */
function clearedParams(
	clearing: ClearingValues | undefined,
	mapped: MappedFields,
	problems: FieldProblem[],
): Params {
	const cleared: Params = {};
	if (!clearing) return cleared;
	const removals: Array<{
		path: readonly string[];
		check: FieldCheck;
		part: string;
		what: string;
	}> = [];
	const offered = clearableOn(clearing.operation);
	const fields = new FieldCheck(CLEARING_LABELS.fields, problems);
	for (const given of listOfTexts(clearing.fields) ?? []) {
		const choice = clearableChoice(given, offered);
		if (choice)
			removals.push({ path: choice.param, check: fields, part: choice.label, what: 'it' });
		else
			fields.fail(
				`"${given}" is not a value that can be cleared; choose from ${offered.map((clearable) => clearable.label).join(', ')}`,
			);
	}
	const keys = new FieldCheck(CLEARING_LABELS.metadataKeys, problems);
	for (const key of new Set(listOfTexts(clearing.metadataKeys) ?? [])) {
		const part = `"${key}"`;
		const surrogate = loneSurrogateAt(key);
		if (surrogate !== undefined) keys.fail(loneSurrogateMessage(surrogate), part);
		else if (key.length > 40) keys.fail('a key has at most 40 characters', part);
		else if (/[[\]]/.test(key)) keys.fail('a key has no [ or ]', part);
		else removals.push({ path: ['metadata', key], check: keys, part, what: `the key ${part}` });
	}
	for (const { path, check, part, what } of removals) {
		const setBy = fieldGiving(mapped, path);
		if (setBy)
			check.fail(
				`${setBy} also gives ${what} a value; a value is either set or cleared: remove it from ${setBy} or from ${check.label}`,
				part,
			);
		else setEmpty(cleared, path);
	}
	return cleared;
}

/** Parameters with others added; hashes both have are merged (`invoice_settings`, `metadata`). */
function merged(params: Params, added: Params): Params {
	const result: Params = { ...params };
	for (const [key, value] of Object.entries(added)) {
		const current = Object.hasOwn(result, key) ? result[key] : undefined;
		setOwn(
			result,
			key,
			isPlainObject(value) && isPlainObject(current) ? merged(current, value) : value,
		);
	}
	return result;
}

/**
 * What the item chose to remove (Clear Fields, Metadata Keys to Remove), or every problem with it; checked before any
 * request, also where the update is only one possible outcome (Create or Update).
 */
export function toCustomerClearing(
	values: CustomerValues,
	clearing: ClearingValues,
): Checked<Partial<CustomerUpdateBody>> {
	const problems: FieldProblem[] = [];
	const cleared = clearedParams(clearing, mapFields(values), problems);
	return problems.length ? { ok: false, problems } : { ok: true, value: cleared };
}

/** Splits create parameters into what Stripe's update takes, the nested parts to complete, and what goes through other endpoints. */
function updatePlanOf(
	params: CustomerParams,
	given: CustomerField[],
	problems: FieldProblem[],
): CustomerUpdatePlan {
	for (const field of given)
		if (field.createOnly) problems.push({ field: field.label, message: field.createOnly });
	const {
		tax_id_data: taxIds = [],
		payment_method: paymentMethod,
		address,
		shipping,
		...others
	} = params;
	const updateParams = Object.fromEntries(
		Object.entries(others).filter(([param]) => !CREATE_ONLY_PARAMS.has(param)),
	);
	return {
		params: updateParams as CustomerUpdateParams,
		...(address ? { address } : {}),
		...(shipping ? { shipping } : {}),
		taxIds,
		paymentMethod,
		apiVersion: apiVersionOf(given),
	};
}

/**
 * Maps one item's values to an update of an existing customer, with what it chose to remove (`clearing`), or every
 * problem found in them.
 */
export function toCustomerUpdatePlan(
	values: CustomerValues,
	clearing?: ClearingValues,
): Checked<CustomerUpdatePlan> {
	const mapped = mapFields(values);
	const { params, given, problems } = mapped;
	const cleared = clearedParams(clearing, mapped, problems);
	const plan = updatePlanOf(params, given, problems);
	if (problems.length) return { ok: false, problems };
	if (!given.length && !Object.keys(cleared).length)
		return {
			ok: false,
			problems: [
				{ field: 'Customer', message: 'nothing to update: every field of the item is empty' },
			],
		};
	return { ok: true, value: Object.keys(cleared).length ? { ...plan, cleared } : plan };
}

/** The body of the update: its completed parameters (completeUpdate), and the removals. */
export function updateBody(
	params: CustomerUpdateParams,
	cleared: Partial<CustomerUpdateBody> = {},
): CustomerUpdateBody {
	return merged(params, cleared) as CustomerUpdateBody;
}

/** Whether completing the plan needs the customer as Stripe holds it (a part of an address or of shipping). */
export function needsCurrentCustomer(plan: CustomerUpdatePlan): boolean {
	return plan.address !== undefined || plan.shipping !== undefined;
}

/** The parts of a stored address that are set. */
function setParts(address: CurrentCustomer['address']): Stripe.AddressParam {
	const parts: Record<string, string> = {};
	for (const [key, value] of Object.entries(address ?? {}))
		if (typeof value === 'string' && value !== '') parts[key] = value;
	return parts;
}

/**
 * The update's parameters, with the address and shipping completed from the customer's current ones: Stripe
 * replaces a nested hash on update, so the parts not given are sent as they are, and the recipient stays.
 */
export function completeUpdate(
	plan: CustomerUpdatePlan,
	current: CurrentCustomer | undefined,
): Checked<CustomerUpdateParams> {
	const params: CustomerUpdateParams = { ...plan.params };
	if (plan.address) params.address = { ...setParts(current?.address), ...plan.address };
	if (plan.shipping) {
		const name =
			plan.shipping.name ??
			current?.shipping?.name ??
			plan.params.name ??
			current?.name ??
			undefined;
		if (!name)
			return {
				ok: false,
				problems: [recipientNameProblem(', and the customer has neither a recipient nor a Name')],
			};
		const phone = plan.shipping.phone ?? current?.shipping?.phone ?? undefined;
		const address = { ...setParts(current?.shipping?.address), ...plan.shipping.address };
		params.shipping = phone ? { name, phone, address } : { name, address };
	}
	return { ok: true, value: params };
}
