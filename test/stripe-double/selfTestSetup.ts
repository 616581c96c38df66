import Stripe from 'stripe';

import { useDouble } from '../support/testSetup';
import { DEFAULT_SECRET_KEYS, startStripeDouble } from './index';
import { rawRequest } from './testClient';

// What the double's self-tests (core/*.test.ts, endpoints/*.test.ts, cli.test.ts) share: the double they check (seed
// 42, the default keys), started before a file's tests, reset before each and closed after; clients on it; helpers.

export const KEY = DEFAULT_SECRET_KEYS[0];

export function useDoubleUnderTest() {
	// Its webhook receivers listen on loopback, as a local setup's do.
	const d = useDouble(() => startStripeDouble({ seed: 42, localWebhookUrls: true }));

	/** Stripe's official client on the double: no retries, no telemetry, the default key unless told. */
	function client(opts: Partial<Stripe.StripeConfig> = {}, key = KEY): Stripe {
		return new Stripe(key, {
			host: '127.0.0.1',
			port: d.port,
			protocol: 'http',
			maxNetworkRetries: 0,
			telemetry: false,
			...opts,
		});
	}

	/** A raw HTTP request to the double (control endpoints, hand-written bodies). */
	function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
		return rawRequest(d.url, method, path, { body, headers });
	}

	return { d, client, raw };
}

/** Await a promise that must reject with a Stripe error; return the error. */
export async function failure(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await p;
	} catch (err) {
		return err as Stripe.errors.StripeError;
	}
	throw new Error('expected the request to fail');
}

/** An object without some of its (enumerable) keys; the SDK's lastResponse is not enumerable. */
export function without(o: object, ...keys: string[]) {
	return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
