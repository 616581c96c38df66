import type Stripe from 'stripe';

import { followUpKey } from '../../helpers/idempotency';
import type { StripeClient } from '../../transport/stripeRequest';
import type { CustomerCreateRequest, CustomerUpdatePlan } from './mapping';

// Stripe's Customer endpoints, as the operations use them (the transport does the HTTP).

export type StripeCustomer = Stripe.Customer;
export type DeletedCustomer = Stripe.DeletedCustomer;

const customerPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}`;

/** Creates a customer; `replayed` when Stripe returned the one an earlier request with this key created. */
export async function createCustomer(stripe: StripeClient, request: CustomerCreateRequest, idempotencyKey: string) {
	const { body, replayed } = await stripe.exchange<StripeCustomer>({
		method: 'POST',
		path: '/v1/customers',
		params: request.params,
		apiVersion: request.apiVersion,
		idempotencyKey,
	});
	return { customer: body, replayed };
}

/** Updates a customer; tax IDs and a payment method, which Stripe's update does not take, go through their own endpoints first. */
export async function updateCustomer(stripe: StripeClient, customerId: string, plan: CustomerUpdatePlan, idempotencyKey: string) {
	if (plan.paymentMethod) {
		await stripe.request({
			method: 'POST',
			path: `/v1/payment_methods/${encodeURIComponent(plan.paymentMethod)}/attach`,
			params: { customer: customerId },
			idempotencyKey: followUpKey(idempotencyKey, 'attach'),
		});
	}
	for (const [index, taxId] of plan.taxIds.entries()) {
		await stripe.request({
			method: 'POST',
			path: `${customerPath(customerId)}/tax_ids`,
			params: taxId,
			idempotencyKey: followUpKey(idempotencyKey, `tax_id:${index}`),
		});
	}
	return await stripe.request<StripeCustomer>({
		method: 'POST',
		path: customerPath(customerId),
		params: plan.params,
		apiVersion: plan.apiVersion,
		idempotencyKey: followUpKey(idempotencyKey, 'update'),
	});
}

export async function retrieveCustomer(stripe: StripeClient, customerId: string) {
	return await stripe.request<StripeCustomer | DeletedCustomer>({ method: 'GET', path: customerPath(customerId) });
}

// Stripe ignores idempotency keys on DELETE: deleting is idempotent by nature (a second delete answers "No such customer").
export async function deleteCustomer(stripe: StripeClient, customerId: string) {
	return await stripe.request<DeletedCustomer>({ method: 'DELETE', path: customerPath(customerId) });
}

export interface CustomerMatch {
	customer: StripeCustomer;
	/** How many customers have the email (at least: Stripe lists at most 10 here). */
	matches: number;
	moreThanListed: boolean;
}

/**
 * Exact, immediately consistent lookup by email: the list endpoint, not search (which lags writes by up to a minute).
 * Stripe's email filter is case-sensitive, so the lower-case form is asked too.
 */
export async function findCustomerByEmail(stripe: StripeClient, email: string): Promise<CustomerMatch | undefined> {
	const found = new Map<string, StripeCustomer>();
	let moreThanListed = false;
	for (const variant of new Set([email, email.toLowerCase()])) {
		const page = await stripe.request<{ data: StripeCustomer[]; has_more: boolean }>({
			method: 'GET',
			path: '/v1/customers',
			params: { email: variant, limit: 10 },
		});
		moreThanListed ||= page.has_more;
		for (const customer of page.data) found.set(customer.id, customer);
	}
	const newestFirst = [...found.values()].sort((a, b) => b.created - a.created);
	return newestFirst.length ? { customer: newestFirst[0], matches: newestFirst.length, moreThanListed } : undefined;
}

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

export function severalMatchesNote(match: CustomerMatch | undefined): string | undefined {
	if (!match || match.matches < 2) return undefined;
	return `${match.moreThanListed ? 'More than ' : ''}${match.matches} customers have this email; used the most recent`;
}
