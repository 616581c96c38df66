import type Stripe from 'stripe';

import { createdParam, type CreatedRange } from '../../helpers/dateTime';
import { refusal, settled } from '../../helpers/stripeAnswers';
import type { StripeClient } from '../../transport/stripeRequest';
import type { CustomerCreateRequest, CustomerUpdateBody } from './customerMapping';

// Stripe's Customer endpoints, as the operations use them (the transport does the HTTP).

export type StripeCustomer = Stripe.Customer;
export type DeletedCustomer = Stripe.DeletedCustomer;

const customerPath = (customerId: string) => `/v1/customers/${encodeURIComponent(customerId)}`;

/** Creates a customer; `replayed` when Stripe returned the result of an earlier request with this key. */
export async function createCustomer(
	stripe: StripeClient,
	request: CustomerCreateRequest,
	idempotencyKey: string,
) {
	const { body, replayed } = await stripe.exchange<StripeCustomer>({
		method: 'POST',
		path: '/v1/customers',
		params: request.params,
		apiVersion: request.apiVersion,
		idempotencyKey,
	});
	return { customer: body, replayed };
}

/** The update request itself (address and shipping already completed). */
export async function postCustomerUpdate(
	stripe: StripeClient,
	customerId: string,
	params: CustomerUpdateBody,
	apiVersion: string | undefined,
	idempotencyKey: string,
) {
	const { body, replayed } = await stripe.exchange<StripeCustomer>({
		method: 'POST',
		path: customerPath(customerId),
		params,
		apiVersion,
		idempotencyKey,
	});
	return { customer: body, replayed };
}

/** The customer as Stripe holds it; `withTaxIds` adds its tax IDs (`tax_ids`, which Stripe sends only when asked). */
export async function retrieveCustomer(
	stripe: StripeClient,
	customerId: string,
	{ withTaxIds = false } = {},
) {
	return await stripe.request<StripeCustomer | DeletedCustomer>({
		method: 'GET',
		path: customerPath(customerId),
		params: withTaxIds ? { expand: ['tax_ids'] } : undefined,
	});
}

// Stripe ignores idempotency keys on DELETE: deleting is idempotent by nature (a second delete answers "No such customer").
export async function deleteCustomer(stripe: StripeClient, customerId: string) {
	return await stripe.request<DeletedCustomer>({
		method: 'DELETE',
		path: customerPath(customerId),
	});
}

/** Get Many's filters: an exact email, a creation time range. */
export interface CustomerListFilter extends CreatedRange {
	email?: string;
}

/** Customers, newest first, page by page up to `limit` (all when undefined). */
export async function listCustomers(
	stripe: StripeClient,
	filter: CustomerListFilter,
	limit: number | undefined,
): Promise<StripeCustomer[]> {
	const params = { email: filter.email, created: createdParam(filter) };
	return await stripe.collect<StripeCustomer>(
		{ method: 'GET', path: '/v1/customers', params },
		limit,
	);
}

/** Customers matching a query in Stripe's search language (which lags writes by up to a minute). */
export async function searchCustomers(
	stripe: StripeClient,
	query: string,
	limit: number | undefined,
): Promise<StripeCustomer[]> {
	const request = { method: 'GET' as const, path: '/v1/customers/search', params: { query } };
	return await stripe.collect<StripeCustomer>(request, limit);
}

function quoted(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One page of customers for the picker: the newest, or those whose email or name holds `text` (Stripe's search
 * matches substrings from 3 characters on; shorter texts look for the exact value). `next` continues the list.
 */
export async function customerPage(
	stripe: StripeClient,
	text: string,
	cursor: string | undefined,
	pageSize: number,
): Promise<{ customers: StripeCustomer[]; next?: string }> {
	type Page = { data: StripeCustomer[]; has_more: boolean; next_page?: string | null };
	if (!text) {
		const params = { limit: pageSize, starting_after: cursor };
		const page = await stripe.request<Page>({ method: 'GET', path: '/v1/customers', params });
		return { customers: page.data, next: page.has_more ? page.data.at(-1)?.id : undefined };
	}
	const operator = text.length >= 3 ? '~' : ':';
	const query = `email${operator}${quoted(text)} OR name${operator}${quoted(text)}`;
	const params = { query, limit: pageSize, page: cursor };
	const page = await stripe.request<Page>({ method: 'GET', path: '/v1/customers/search', params });
	return { customers: page.data, next: page.has_more ? (page.next_page ?? undefined) : undefined };
}

export interface CustomerMatch {
	customer: StripeCustomer;
	/** How many customers have the email (at least: Stripe lists at most 10 here). */
	matches: number;
	moreThanListed: boolean;
}

/** What a lookup by email found, and what the user should know about how. */
export interface EmailLookup {
	match?: CustomerMatch;
	note?: string;
}

type CustomerPage = { data: StripeCustomer[]; has_more: boolean };

/** How far back a look at the newest customers goes: past search's lag (under a minute) with room for clocks apart. */
const RECENT_SECONDS = 5 * 60;
/** At most this many of the newest customers are read (10 pages). */
const RECENT_LIMIT = 1000;

const hasEmail = (email: string) => (customer: { email?: string | null }) =>
	normalizeEmail(customer.email ?? '') === normalizeEmail(email);

/** The lookup's answer: the newest of the customers found. */
function newestOf(found: StripeCustomer[], moreThanListed: boolean): CustomerMatch | undefined {
	const byId = new Map(found.map((customer) => [customer.id, customer]));
	const newestFirst = [...byId.values()].sort((a, b) => b.created - a.created);
	return newestFirst.length
		? { customer: newestFirst[0], matches: newestFirst.length, moreThanListed }
		: undefined;
}

/**
 * The customer with this email, in any case (trimmed). Stripe's list filter is exact and case-sensitive but up to date
 * at once: it is asked for the email as given and in lower case, which finds what this node made. When it finds
 * none, Stripe's search, which ignores case but sees a customer only about a minute after a write: each customer it
 * finds is read again, so one deleted or changed since is not taken. `recent`: also look through the customers made
 * in the last minutes (after another process made the email's customer with its key, in another case).
 */
export async function findCustomerByEmail(
	stripe: StripeClient,
	email: string,
	options: { recent?: boolean } = {},
): Promise<EmailLookup> {
	const variants = [...new Set([email, email.toLowerCase()])];
	const listed: StripeCustomer[] = [];
	let moreThanListed = false;
	for (const variant of variants) {
		const page = await stripe.request<CustomerPage>({
			method: 'GET',
			path: '/v1/customers',
			params: { email: variant, limit: 10 },
		});
		moreThanListed ||= page.has_more;
		listed.push(...page.data);
	}
	if (listed.length) return { match: newestOf(listed, moreThanListed) };

	const searched = await settled(
		stripe.request<CustomerPage>({
			method: 'GET',
			path: '/v1/customers/search',
			params: { query: `email:${quoted(email)}`, limit: 100 },
		}),
	);
	const found: StripeCustomer[] = [];
	let note: string | undefined;
	if (searched.ok) {
		for (const hit of searched.value.data.filter(hasEmail(email))) {
			const now = await retrieveCustomer(stripe, hit.id);
			if (!now.deleted && hasEmail(email)(now)) found.push(now);
		}
	} else {
		// Stripe offers search to most accounts, not all (not in India): the exact lookup stands alone there.
		const refused = refusal(searched.error);
		if (refused?.kind !== 'stripe' || ![400, 404].includes(refused.statusCode ?? 0))
			throw searched.error;
		note = `Stripe's search refused the lookup in any case (${refused.message}), so only ${variants.map((variant) => `"${variant}"`).join(' and ')} ${variants.length > 1 ? 'were' : 'was'} looked up`;
	}
	if (!found.length && options.recent) {
		const since = Math.floor(Date.now() / 1000) - RECENT_SECONDS;
		const recent = await stripe.collect<StripeCustomer>(
			{ method: 'GET', path: '/v1/customers', params: { created: { gte: since } } },
			RECENT_LIMIT,
		);
		found.push(...recent.filter(hasEmail(email)));
	}
	return { match: newestOf(found, false), note };
}

export function normalizeEmail(email: string): string {
	return email.trim().toLowerCase();
}

export function severalMatchesNote(match: CustomerMatch | undefined): string | undefined {
	if (!match || match.matches < 2) return undefined;
	return `${match.moreThanListed ? 'More than ' : ''}${match.matches} customers have this email; used the most recent`;
}
