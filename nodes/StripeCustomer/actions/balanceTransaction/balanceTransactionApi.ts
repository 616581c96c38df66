import type Stripe from 'stripe';

import { createdParam, type CreatedRange } from '../../helpers/dateTime';
import type { StripeClient } from '../../transport/stripeRequest';

// Stripe's customer balance transaction endpoints, as the operations use them (the transport does the HTTP).

export type BalanceTransaction = Stripe.CustomerBalanceTransaction;
export type BalanceTransactionParams = Stripe.CustomerCreateBalanceTransactionParams;

/** Where a customer's balance transactions are: what a create is posted to (and its idempotency key stands for). */
export function balanceTransactionsPath(customerId: string): string {
	return `/v1/customers/${encodeURIComponent(customerId)}/balance_transactions`;
}

/** Credits or debits the customer's balance; `replayed` when Stripe returned the transaction made earlier with this key. */
export async function createBalanceTransaction(
	stripe: StripeClient,
	customerId: string,
	params: BalanceTransactionParams,
	idempotencyKey: string,
) {
	const { body, replayed } = await stripe.exchange<BalanceTransaction>({
		method: 'POST',
		path: balanceTransactionsPath(customerId),
		params,
		idempotencyKey,
	});
	return { transaction: body, replayed };
}

export async function retrieveBalanceTransaction(
	stripe: StripeClient,
	customerId: string,
	transactionId: string,
) {
	return await stripe.request<BalanceTransaction>({
		method: 'GET',
		path: `${balanceTransactionsPath(customerId)}/${encodeURIComponent(transactionId)}`,
	});
}

/** Get Many's filters: a creation time range, an invoice. */
export interface BalanceTransactionFilter extends CreatedRange {
	invoice?: string;
}

/** A customer's balance transactions, newest first, page by page up to `limit` (all when undefined). */
export async function listBalanceTransactions(
	stripe: StripeClient,
	customerId: string,
	filter: BalanceTransactionFilter,
	limit: number | undefined,
): Promise<BalanceTransaction[]> {
	const params = { created: createdParam(filter), invoice: filter.invoice };
	return await stripe.collect<BalanceTransaction>(
		{ method: 'GET', path: balanceTransactionsPath(customerId), params },
		limit,
	);
}
