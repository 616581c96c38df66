import type Stripe from 'stripe';

import { refusal, settled } from '../../helpers/stripeAnswers';
import type { StripeClient } from '../../transport/stripeRequest';
import type { TaxIdData } from './taxIdFields';

// Stripe's endpoints of a customer's tax IDs, as the Tax ID operations and a customer update use them (the
// transport does the HTTP).

export type TaxId = Stripe.TaxId;

const taxIdsPath = (customerId: string) =>
	`/v1/customers/${encodeURIComponent(customerId)}/tax_ids`;

/** The tax IDs a customer has, up to `limit` (all when undefined). */
export async function listTaxIds(
	stripe: StripeClient,
	customerId: string,
	limit?: number,
): Promise<TaxId[]> {
	return await stripe.collect<TaxId>({ method: 'GET', path: taxIdsPath(customerId) }, limit);
}

/** Whether two tax IDs are the same to Stripe (the value as written, without spaces, in any case). */
export function sameTaxId(
	a: { type: string; value: string },
	b: { type: string; value: string },
): boolean {
	const value = (text: string) => text.replace(/\s+/g, '').toUpperCase();
	return a.type === b.type && value(a.value) === value(b.value);
}

/**
 * Adds a tax ID; undefined when Stripe says the customer has it already (another request added it meanwhile).
 * `replayed`: Stripe answered with the tax ID an earlier request with this key added.
 */
export async function addTaxId(
	stripe: StripeClient,
	customerId: string,
	taxId: TaxIdData,
	idempotencyKey: string,
): Promise<{ taxId: TaxId; replayed: boolean } | undefined> {
	const added = await settled(
		stripe.exchange<TaxId>({
			method: 'POST',
			path: taxIdsPath(customerId),
			params: taxId,
			idempotencyKey,
		}),
	);
	if (added.ok) return { taxId: added.value.body, replayed: added.value.replayed };
	if (refusal(added.error)?.code === 'resource_already_exists') return undefined;
	throw added.error;
}

// Stripe ignores idempotency keys on DELETE; a second delete of a tax ID answers "No such tax_id".
export async function deleteTaxId(stripe: StripeClient, customerId: string, taxIdId: string) {
	await stripe.request({
		method: 'DELETE',
		path: `${taxIdsPath(customerId)}/${encodeURIComponent(taxIdId)}`,
	});
}

/** How far back a deletion is looked for: Stripe's events of the last 30 days, the most recent first. */
const DELETIONS_LOOKED_AT = 1000;

/**
 * When Stripe recorded the deletion of this tax ID of this customer (its `customer.tax_id.deleted` event, Unix
 * seconds), or undefined. Stripe forgets a deleted tax ID ("No such tax_id", as for one that never existed); its
 * events, kept 30 days, still tell.
 */
export async function taxIdDeletedAt(
	stripe: StripeClient,
	customerId: string,
	taxIdId: string,
): Promise<number | undefined> {
	const request = {
		method: 'GET' as const,
		path: '/v1/events',
		params: { type: 'customer.tax_id.deleted' },
	};
	for await (const events of stripe.pages<Stripe.Event>(request, DELETIONS_LOOKED_AT)) {
		const deletion = events.find((event) => {
			const object = event.data.object as Partial<TaxId>;
			return object.id === taxIdId && object.customer === customerId;
		});
		if (deletion) return deletion.created;
	}
	return undefined;
}
