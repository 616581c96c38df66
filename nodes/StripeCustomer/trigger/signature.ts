import { createHmac, timingSafeEqual } from 'crypto';

// Stripe's webhook signature: header `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where each v1 is
// HMAC-SHA256(endpoint secret, "<t>.<raw body>"). Several v1 appear while a secret is being rolled.

/** How far the signed timestamp may be from now (Stripe's libraries: 300 s). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

interface SignatureInput {
	/** The Stripe-Signature header as received, if any. */
	header: string | undefined;
	/** The request body exactly as received. */
	rawBody: Uint8Array | string;
	/** The endpoint's signing secret (whsec_…). */
	secret: string;
	/** Unix seconds. */
	now: number;
	toleranceSeconds?: number;
}

/** The payload Stripe signs for a timestamp, as the bytes the receiver got. */
function signedPayload(timestamp: string, rawBody: Uint8Array | string): Buffer {
	const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
	return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]);
}

function computeSignature(secret: string, timestamp: string, rawBody: Uint8Array | string): string {
	return createHmac('sha256', secret).update(signedPayload(timestamp, rawBody)).digest('hex');
}

function parseHeader(header: string): { timestamp?: string; signatures: string[] } {
	let timestamp: string | undefined;
	const signatures: string[] = [];
	for (const part of header.split(',')) {
		const separator = part.indexOf('=');
		if (separator <= 0) continue;
		const key = part.slice(0, separator).trim();
		const value = part.slice(separator + 1).trim();
		if (key === 't') timestamp = value;
		else if (key === 'v1') signatures.push(value);
	}
	return { timestamp, signatures };
}

export function verifySignature(input: SignatureInput): SignatureCheck {
	const tolerance = input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
	if (!input.header) return { valid: false, reason: 'no Stripe-Signature header' };
	const { timestamp, signatures } = parseHeader(input.header);
	if (!timestamp || !/^\d{1,12}$/.test(timestamp))
		return { valid: false, reason: 'the Stripe-Signature header has no timestamp' };
	if (signatures.length === 0)
		return { valid: false, reason: 'the Stripe-Signature header has no v1 signature' };
	const expected = Buffer.from(computeSignature(input.secret, timestamp, input.rawBody), 'hex');
	// Every v1 is compared, each in constant time; a malformed one simply does not match.
	let matched = false;
	for (const signature of signatures) {
		const wellFormed = /^[0-9a-f]{64}$/i.test(signature);
		const candidate = wellFormed ? Buffer.from(signature, 'hex') : Buffer.alloc(expected.length);
		if (timingSafeEqual(candidate, expected) && wellFormed) matched = true;
	}
	if (!matched)
		return {
			valid: false,
			reason: "no v1 signature matches the body and this endpoint's signing secret",
		};
	const age = input.now - Number(timestamp);
	if (Math.abs(age) > tolerance) {
		return {
			valid: false,
			reason: `the signature's timestamp is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'} (at most ${tolerance} s allowed)`,
		};
	}
	return { valid: true };
}
