import type Stripe from 'stripe';

import {
	loneSurrogateAt,
	loneSurrogateMessage,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { FieldCheck, type ShippingParam } from './fieldRules';
import {
	customerFields,
	inFormOrder,
	SHIPPING_RECIPIENT_LABEL,
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
	return { params: params as CustomerParams, given, problems };
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

/** Maps one item's values to an update of an existing customer, or every problem found in them. */
export function toCustomerUpdatePlan(values: CustomerValues): Checked<CustomerUpdatePlan> {
	const { params, given, problems } = mapFields(values);
	const plan = updatePlanOf(params, given, problems);
	if (problems.length) return { ok: false, problems };
	if (!given.length)
		return {
			ok: false,
			problems: [
				{ field: 'Customer', message: 'nothing to update: every field of the item is empty' },
			],
		};
	return { ok: true, value: plan };
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
