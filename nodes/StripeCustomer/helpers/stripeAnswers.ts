import { StripeRequestError } from '../transport/stripeError';

// Stripe's answers as values, for the operations that treat some of Stripe's refusals as done (an object already
// deleted, a tax ID already added, a payment method already attached: a repeated request converges).

/** A request's answer or its error, as a value. */
export async function settled<T>(
	request: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	return await request.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

/** Whether Stripe answered that the object asked for does not exist (in this account). */
export function isNoSuchObject(error: unknown): boolean {
	return refusal(error)?.statusCode === 404 && refusal(error)?.code === 'resource_missing';
}

/** What Stripe said when it refused a request (status, code, type…), or undefined for any other error. */
export function refusal(error: unknown) {
	return error instanceof StripeRequestError ? error.stripeFailure : undefined;
}
