import type Stripe from 'stripe';

import type { Checked, FieldProblem } from '../../helpers/checks';
import { FieldCheck } from './fieldRules';
import { customerFields, inFormOrder, type CustomerField, type CustomerParams, type CustomerValues } from './fields';

// Pure: one item's field values → the Stripe request for a customer, or every problem with them. No `this`, no I/O.
// Each field's rule lives with its definition (fields.ts); this file applies them and the rules between fields.

export interface CustomerCreateRequest {
	params: CustomerParams;
	/** Set when the request must be sent with a particular Stripe-Version (the coupon rule). */
	apiVersion?: string;
}

export type CustomerUpdateParams = Stripe.CustomerUpdateParams & Pick<CustomerParams, 'coupon' | 'promotion_code'>;

/** What an update sends: Stripe's update takes no tax IDs and no payment method to attach, so those go separately. */
export interface CustomerUpdatePlan {
	params: CustomerUpdateParams;
	taxIds: Stripe.CustomerCreateParams.TaxIdDatum[];
	paymentMethod?: string;
	apiVersion?: string;
}

const CREATE_ONLY_PARAMS = new Set<string>(customerFields.filter((field) => field.createOnly).flatMap((field) => field.params));

/** Why two fields may not give one Stripe parameter different values. */
const ONE_VALUE_REASONS: Partial<Record<string, string>> = {
	source: 'Stripe attaches one source on create and makes it the default',
	payment_method: 'Stripe attaches one payment method on create',
};

type Params = Record<string, unknown>;

function isPlainObject(value: unknown): value is Params {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drops undefined members, deeply; an object left empty is dropped too. */
function withoutUndefined(value: Params): Params {
	const result: Params = {};
	for (const [key, member] of Object.entries(value)) {
		const kept = isPlainObject(member) ? withoutUndefined(member) : member;
		if (kept !== undefined && !(isPlainObject(kept) && Object.keys(kept).length === 0)) result[key] = kept;
	}
	return result;
}

/**
 * Adds one field's parameters to the request. Two fields may give the same parameter (Default Source and Source ID),
 * but not different values: that is a problem of the later field.
 */
function mergeInto(params: Params, patch: Params, field: CustomerField, givenBy: Map<string, CustomerField>, check: FieldCheck, path = '') {
	for (const [key, value] of Object.entries(patch)) {
		const at = path ? `${path}[${key}]` : key;
		if (isPlainObject(value) && isPlainObject(params[key])) {
			mergeInto(params[key] as Params, value, field, givenBy, check, at);
			continue;
		}
		if (params[key] === undefined) {
			params[key] = value;
			givenBy.set(at, field);
			continue;
		}
		if (JSON.stringify(params[key]) === JSON.stringify(value)) continue;
		const other = givenBy.get(at)?.label ?? 'another field';
		const reason = ONE_VALUE_REASONS[at] ? `: ${ONE_VALUE_REASONS[at]}` : '';
		check.fail(`"${String(value)}" and ${other} "${String(params[key])}" would both be Stripe's ${at}${reason}; leave one empty or give the same ID`);
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
	const otherField = (name: string) => values[name as keyof CustomerValues];
	for (const field of customerFields) {
		const check = new FieldCheck(field.label, problems);
		const patch = withoutUndefined(field.map(values[field.name], check, otherField) ?? {});
		if (!Object.keys(patch).length) continue;
		given.push(field);
		mergeInto(params, patch, field, givenBy, check);
	}
	return { params: params as CustomerParams, given, problems };
}

/** The Stripe-Version the given fields need, if any (Coupon and Promotion Code). */
function apiVersionOf(given: CustomerField[]): string | undefined {
	return given.find((field) => field.apiVersion)?.apiVersion;
}

/** Maps one item's values to the Stripe create request, or every problem found in them. */
export function toCustomerCreateRequest(values: CustomerValues): Checked<CustomerCreateRequest> {
	const { params, given, problems } = mapFields(values);
	if (problems.length) return { ok: false, problems };
	if (!given.some((field) => field.customerData)) {
		const identifying = inFormOrder(customerFields.filter((field) => field.customerData)).map((field) => field.label);
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
	const apiVersion = apiVersionOf(given);
	return { ok: true, value: apiVersion ? { params, apiVersion } : { params } };
}

/** Splits create parameters into what Stripe's update takes and what goes through other endpoints. */
function updatePlanOf(params: CustomerParams, given: CustomerField[], problems: FieldProblem[]): CustomerUpdatePlan {
	for (const field of given) if (field.createOnly) problems.push({ field: field.label, message: field.createOnly });
	const { tax_id_data: taxIds = [], payment_method: paymentMethod, ...others } = params;
	const updateParams = Object.fromEntries(Object.entries(others).filter(([param]) => !CREATE_ONLY_PARAMS.has(param)));
	return { params: updateParams as CustomerUpdateParams, taxIds, paymentMethod, apiVersion: apiVersionOf(given) };
}

/** Maps one item's values to an update of an existing customer, or every problem found in them. */
export function toCustomerUpdatePlan(values: CustomerValues): Checked<CustomerUpdatePlan> {
	const { params, given, problems } = mapFields(values);
	const plan = updatePlanOf(params, given, problems);
	if (problems.length) return { ok: false, problems };
	if (!given.length) return { ok: false, problems: [{ field: 'Customer', message: 'nothing to update: every field of the item is empty' }] };
	return { ok: true, value: plan };
}

/** The update that follows a create request when the customer already exists (Create or Update). */
export function updatePlanForExisting(request: CustomerCreateRequest): Checked<CustomerUpdatePlan> {
	const given = customerFields.filter((field) => field.params.some((param) => request.params[param] !== undefined));
	const problems: FieldProblem[] = [];
	const plan = updatePlanOf(request.params, given, problems);
	return problems.length ? { ok: false, problems } : { ok: true, value: plan };
}
