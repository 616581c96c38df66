import { randomBytes } from 'crypto';
import Stripe from 'stripe';

import { verifySignature } from '../../nodes/StripeCustomer/trigger/signature';

// The Stripe-Signature check, against what the official `stripe` client signs. (Inside n8n: receiveEvent.test.ts.)

const stripe = new Stripe('sk_test_unused');
// An endpoint's signing secret, as Stripe returns it on create (made up for the test).
const ENDPOINT_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const NOW = 1_780_000_000;

const body = JSON.stringify({
	id: 'evt_1',
	object: 'event',
	type: 'customer.created',
	data: { object: { id: 'cus_1', object: 'customer', name: 'Zoë Ünicode' } },
});
/** The header Stripe sends for `payload`, made by Stripe's own library. */
const signed = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
	stripe.webhooks.generateTestHeaderString({
		payload,
		secret: options.secret ?? ENDPOINT_SECRET,
		timestamp: options.timestamp ?? NOW,
	});

describe('Stripe-Signature check', () => {
	const check = (header: string | undefined, rawBody: string | Uint8Array = body, now = NOW) =>
		verifySignature({ header, rawBody, secret: ENDPOINT_SECRET, now });

	test('a delivery signed by Stripe with the endpoint secret passes, as text or as the bytes n8n received', () => {
		expect(check(signed(body))).toEqual({ valid: true });
		expect(check(signed(body), Buffer.from(body, 'utf8'))).toEqual({ valid: true });
	});

	test('a signature made with another secret fails', () => {
		expect(check(signed(body, { secret: 'whsec_someoneElse' }))).toEqual({
			valid: false,
			reason: "no v1 signature matches the body and this endpoint's signing secret",
		});
	});

	test('a body changed after signing fails, even by one character or only by re-serialising the JSON', () => {
		const header = signed(body);
		expect(check(header, body.replace('cus_1', 'cus_2')).valid).toBe(false);
		expect(check(header, JSON.stringify(JSON.parse(body), null, 1)).valid).toBe(false);
	});

	test('a timestamp more than 300 s old (a replay) or ahead fails; 300 s passes', () => {
		expect(check(signed(body, { timestamp: NOW - 300 }))).toEqual({ valid: true });
		expect(check(signed(body, { timestamp: NOW - 301 }))).toEqual({
			valid: false,
			reason: "the signature's timestamp is 301 s old (at most 300 s allowed)",
		});
		expect(check(signed(body, { timestamp: NOW + 301 }))).toEqual({
			valid: false,
			reason: "the signature's timestamp is 301 s in the future (at most 300 s allowed)",
		});
	});

	test('a missing or malformed header fails and says why', () => {
		expect(check(undefined)).toEqual({ valid: false, reason: 'no Stripe-Signature header' });
		expect(check('')).toEqual({ valid: false, reason: 'no Stripe-Signature header' });
		const v1 = signed(body).split(',')[1];
		expect(check(v1)).toEqual({
			valid: false,
			reason: 'the Stripe-Signature header has no timestamp',
		});
		expect(check(`t=${NOW}`)).toEqual({
			valid: false,
			reason: 'the Stripe-Signature header has no v1 signature',
		});
		// v0 is Stripe's test-mode scheme with a non-secret key: never accepted.
		expect(check(`t=${NOW},v0=${v1.slice(3)}`).valid).toBe(false);
		expect(check(`t=${NOW},v1=zz`).valid).toBe(false);
	});

	test('while a secret is being rolled the header carries several v1: any of them may match', () => {
		const old = signed(body, { secret: 'whsec_previousSecret' });
		const current = signed(body).split(',')[1];
		expect(check(`${old},${current}`)).toEqual({ valid: true });
		expect(check(`${old},v1=${'0'.repeat(64)}`).valid).toBe(false);
	});
});
