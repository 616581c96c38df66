import type Stripe from 'stripe';

import { renewedKey } from '../../helpers/idempotency';
import { refusal, settled } from '../../helpers/stripeAnswers';
import type { StripeClient } from '../../transport/stripeRequest';
import { postCustomerUpdate, retrieveCustomer } from '../customer/customerApi';

// Stripe's PaymentMethod endpoints of a customer, as the operations use them (the transport does the HTTP).

export type StripePaymentMethod = Stripe.PaymentMethod;

const paymentMethodPath = (paymentMethodId: string) =>
	`/v1/payment_methods/${encodeURIComponent(paymentMethodId)}`;
const customerPaymentMethodsPath = (customerId: string) =>
	`/v1/customers/${encodeURIComponent(customerId)}/payment_methods`;

/** The attach request of a payment method to a customer (its path and form). */
export function attachRequest(paymentMethodId: string, customerId: string) {
	return {
		path: `${paymentMethodPath(paymentMethodId)}/attach`,
		params: { customer: customerId },
	};
}

/** The customer a payment method is attached to, or null. */
export function ownerOf(paymentMethod: StripePaymentMethod): string | null {
	const { customer } = paymentMethod;
	return typeof customer === 'string' ? customer : (customer?.id ?? null);
}

export async function retrievePaymentMethod(
	stripe: StripeClient,
	paymentMethodId: string,
): Promise<StripePaymentMethod> {
	return await stripe.request<StripePaymentMethod>({
		method: 'GET',
		path: paymentMethodPath(paymentMethodId),
	});
}

/**
 * What an attach did. attached: by this request; alreadyAttached: attached to this customer before (a repeat);
 * attachedElsewhere: Stripe refused (`refusal`), it belongs to another customer; detachedSince: Stripe replayed earlier
 * attaches for the key and each payment method was detached since.
 */
export type Attachment =
	| {
			outcome: 'attached' | 'alreadyAttached' | 'detachedSince';
			paymentMethod: StripePaymentMethod;
	  }
	| { outcome: 'attachedElsewhere'; paymentMethod: StripePaymentMethod; refusal: unknown };

/** How many keys of the chain an attach tries after replays of payment methods detached since. */
const MAX_RENEWALS = 3;

/**
 * Attaches a payment method to a customer. Stripe refuses to attach one that is attached to a customer, whichever:
 * the payment method then says to which. A replayed attach is checked the same way: one detached since is never the
 * result; the next key of the chain attaches anew (a test payment method such as pm_card_visa makes a new one; any
 * other is refused by Stripe, which never attaches a detached payment method again), and a re-run walks that chain.
 */
export async function attachPaymentMethod(
	stripe: StripeClient,
	paymentMethodId: string,
	customerId: string,
	idempotencyKey: string,
): Promise<Attachment> {
	let replay: StripePaymentMethod | undefined;
	for (let generation = 1; generation <= MAX_RENEWALS + 1; generation++) {
		const key = generation === 1 ? idempotencyKey : renewedKey(idempotencyKey, generation);
		const attached = await settled(
			stripe.exchange<StripePaymentMethod>({
				method: 'POST',
				...attachRequest(paymentMethodId, customerId),
				idempotencyKey: key,
			}),
		);
		if (attached.ok && !attached.value.replayed)
			return { outcome: 'attached', paymentMethod: attached.value.body };
		if (attached.ok) {
			replay = await retrievePaymentMethod(stripe, attached.value.body.id);
			if (ownerOf(replay) === customerId)
				return { outcome: 'alreadyAttached', paymentMethod: replay };
			continue;
		}
		if (refusal(attached.error)?.statusCode !== 400) throw attached.error;
		const now = await settled(retrievePaymentMethod(stripe, paymentMethodId));
		const owner = now.ok ? ownerOf(now.value) : null;
		if (!now.ok || owner === null) throw attached.error;
		return owner === customerId
			? { outcome: 'alreadyAttached', paymentMethod: now.value }
			: { outcome: 'attachedElsewhere', paymentMethod: now.value, refusal: attached.error };
	}
	return { outcome: 'detachedSince', paymentMethod: replay! };
}

/** Detaches a payment method from its customer, for good. */
export async function detachPaymentMethod(
	stripe: StripeClient,
	paymentMethodId: string,
	idempotencyKey: string,
): Promise<StripePaymentMethod> {
	return await stripe.request<StripePaymentMethod>({
		method: 'POST',
		path: `${paymentMethodPath(paymentMethodId)}/detach`,
		idempotencyKey,
	});
}

/** A customer's payment methods, newest first, of one type or all, up to `limit` (all when undefined). */
export async function listCustomerPaymentMethods(
	stripe: StripeClient,
	customerId: string,
	type: string | undefined,
	limit: number | undefined,
): Promise<StripePaymentMethod[]> {
	const request = {
		method: 'GET' as const,
		path: customerPaymentMethodsPath(customerId),
		params: { type },
	};
	return await stripe.collect<StripePaymentMethod>(request, limit);
}

/** One page of a customer's payment methods for the picker; `next` continues the list. */
export async function paymentMethodPage(
	stripe: StripeClient,
	customerId: string,
	cursor: string | undefined,
	pageSize: number,
): Promise<{ paymentMethods: StripePaymentMethod[]; next?: string }> {
	const page = await stripe.request<{ data: StripePaymentMethod[]; has_more: boolean }>({
		method: 'GET',
		path: customerPaymentMethodsPath(customerId),
		params: { limit: pageSize, starting_after: cursor },
	});
	return { paymentMethods: page.data, next: page.has_more ? page.data.at(-1)?.id : undefined };
}

/**
 * The customer's default payment method for invoices (`invoice_settings.default_payment_method`), null when it has
 * none; `deleted` for a deleted customer.
 */
export async function invoiceDefaultOf(
	stripe: StripeClient,
	customerId: string,
): Promise<{ deleted: true } | { deleted: false; paymentMethodId: string | null }> {
	const customer = await retrieveCustomer(stripe, customerId);
	if (customer.deleted) return { deleted: true };
	const current = customer.invoice_settings?.default_payment_method ?? null;
	return {
		deleted: false,
		paymentMethodId: typeof current === 'string' ? current : (current?.id ?? null),
	};
}

/** Makes a payment method (attached to the customer) its default for invoices and subscriptions. */
export async function setInvoiceDefault(
	stripe: StripeClient,
	customerId: string,
	paymentMethodId: string,
	idempotencyKey: string,
) {
	const params = { invoice_settings: { default_payment_method: paymentMethodId } };
	return await postCustomerUpdate(stripe, customerId, params, undefined, idempotencyKey);
}
