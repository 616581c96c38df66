import { randomBytes } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	startStripeDouble,
	type StartStripeDoubleOptions,
	type StripeDouble,
} from '../stripe-double';

/** A key unique to this test run, so a test can search every output for it. */
export const SECRET_KEY = `sk_test_${randomBytes(12).toString('hex')}`;

/** The double of a local setup: it takes webhook endpoints on loopback, where the tests' n8n receives them. */
export async function startDouble(options: StartStripeDoubleOptions = {}): Promise<StripeDouble> {
	return startStripeDouble({
		secretKeys: [SECRET_KEY],
		seed: 7,
		localWebhookUrls: true,
		...options,
	});
}

export function credentialsFor(
	double: StripeDouble,
	extra: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return {
		stripeCustomerApi: { secretKey: SECRET_KEY, baseUrl: double.url, stripeAccount: '', ...extra },
	};
}
