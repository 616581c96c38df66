import type { INode } from 'n8n-workflow';
import type Stripe from 'stripe';

import { refusal } from '../../helpers/stripeAnswers';
import { StripeRequestError } from '../../transport/stripeError';
import type { StripeClient } from '../../transport/stripeRequest';
import type { PortalSessionParams } from './billingPortalSessionFields';

// Stripe's billing portal session endpoint (the transport does the HTTP).

export type PortalSession = Stripe.BillingPortal.Session;

/** Creates a portal session; `replayed` when Stripe returned the session an earlier request with this key made. */
export async function createPortalSession(
	stripe: StripeClient,
	params: PortalSessionParams,
	idempotencyKey: string,
): Promise<{ session: PortalSession; replayed: boolean }> {
	const { body, replayed } = await stripe.exchange<PortalSession>({
		method: 'POST',
		path: '/v1/billing_portal/sessions',
		params,
		idempotencyKey,
	});
	return { session: body, replayed };
}

/**
 * Stripe's refusal of a session for an account whose portal settings were never saved ("You can't create a portal
 * session in test mode until you save your customer portal settings in test mode at …"), with what to do; any other
 * error as it is.
 */
export function withPortalSettingsAdvice(node: INode, error: unknown): unknown {
	const failure = refusal(error);
	if (!failure || !/save your customer portal settings/i.test(failure.message)) return error;
	return new StripeRequestError(node, {
		...failure,
		message: `${failure.message} (in the Stripe Dashboard: Settings → Billing → Customer portal, choose what customers may do and click Save, once in test mode and once in live mode, in the connected account with a Connected Account ID; or give Options → Configuration ID)`,
	});
}
