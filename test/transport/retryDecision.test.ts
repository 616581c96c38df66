import type { ConnectionFailure } from '../../nodes/StripeCustomer/transport/networkErrors';
import {
	backoffMs,
	decide,
	type Attempt,
	type Decision,
	type Outcome,
	type Progress,
	type RetrySettings,
} from '../../nodes/StripeCustomer/transport/retryDecision';
import type { StripeAnswer } from '../../nodes/StripeCustomer/transport/sendRequest';
import type { StripeFailure } from '../../nodes/StripeCustomer/transport/stripeError';

// Every retry rule the README states (Request Options → Max Retries and Rate-Limit Wait, the Errors section), one row
// each: what one failed try of a request leads to. The jitter is 0 unless a row says otherwise, so each back-off is
// half of its ceiling: 250 ms before the first retry, then 500, 1000, 2000, and 2500 from the fifth on.

const settings: RetrySettings = { maxRetries: 5, rateLimitWaitMs: 60_000, timeoutMs: 80_000 };

const KEY = 'n8n-sc:input:abc';
const RENEWED_KEY = `${KEY}:retry:1`;

/** A try of a create under the node's own key, after Stripe has answered other requests of the run. */
const attemptOf = (changes: Partial<Attempt> = {}): Attempt => ({
	method: 'POST',
	idempotencyKey: KEY,
	retries: 0,
	rateLimitRetries: 0,
	keyRenewals: 0,
	renewedKey: RENEWED_KEY,
	hostAnswered: true,
	rateLimitedMs: 0,
	msSinceAccountSuccess: 0,
	cancelled: false,
	jitter: 0,
	...changes,
});

const CODES: Record<string, ConnectionFailure> = {
	ECONNREFUSED: { cause: 'refused', code: 'ECONNREFUSED', detail: 'ECONNREFUSED' },
	ENOTFOUND: { cause: 'dns', code: 'ENOTFOUND', detail: 'ENOTFOUND' },
	EAI_AGAIN: { cause: 'dns', code: 'EAI_AGAIN', detail: 'EAI_AGAIN' },
	EHOSTUNREACH: { cause: 'unreachable', code: 'EHOSTUNREACH', detail: 'EHOSTUNREACH' },
	ENETUNREACH: { cause: 'unreachable', code: 'ENETUNREACH', detail: 'ENETUNREACH' },
	CERT_HAS_EXPIRED: { cause: 'tls', code: 'CERT_HAS_EXPIRED', detail: 'CERT_HAS_EXPIRED' },
	SsrfBlockedIpError: { cause: 'ssrf', code: 'SsrfBlockedIpError', detail: 'blocked 10.0.0.1' },
	ECONNRESET: { cause: 'closed', code: 'ECONNRESET', detail: 'ECONNRESET' },
	EPIPE: { cause: 'closed', code: 'EPIPE', detail: 'EPIPE' },
	EPROTO: { cause: 'other', code: 'EPROTO', detail: 'EPROTO (read)' },
	ETIMEDOUT: { cause: 'timeout', code: 'ETIMEDOUT', detail: 'ETIMEDOUT' },
};

const where = { hostPort: 'api.stripe.com:443', whose: "Stripe's API" };
const network = (code: keyof typeof CODES): Outcome => ({
	kind: 'network',
	failure: CODES[code],
	...where,
});

const KINDS: Record<number, StripeFailure['kind']> = {
	401: 'credential',
	403: 'permission',
	429: 'rateLimit',
};
/** Stripe's words for a failed request, as sendRequest reads them from its answer. */
const stripeSays = (statusCode: number): StripeFailure => ({
	kind: KINDS[statusCode] ?? 'stripe',
	message: `Stripe answered ${statusCode}`,
	statusCode,
	requestId: 'req_1',
});
const answer = (
	statusCode: number,
	extra: Partial<Omit<StripeAnswer, 'statusCode' | 'failure'>> = {},
): Outcome => ({
	kind: 'answer',
	answer: { statusCode, replayed: false, ...extra, failure: stripeSays(statusCode) },
});

/** The next try, after `afterMs`; `changes` are what moved on from the attempt's progress. */
const retry = (afterMs: number, changes: Partial<Progress> = {}, from = attemptOf()): Decision => ({
	retry: true,
	afterMs,
	next: {
		idempotencyKey: from.idempotencyKey,
		retries: from.retries,
		rateLimitRetries: from.rateLimitRetries,
		keyRenewals: from.keyRenewals,
		...changes,
	},
});
const fail = (failure: StripeFailure): Decision => ({ retry: false, failure });

/** The connection failure a user is told: where, the cause, how many tries, whether anything had answered. */
const connectionFailure = (
	code: keyof typeof CODES,
	attempts: number,
	noAnswerYet: boolean,
	timeoutSeconds = 80,
): Decision =>
	fail({
		kind: 'connection',
		message: '',
		connection: {
			cause: CODES[code].cause,
			detail: CODES[code].detail,
			...where,
			attempts,
			timeoutSeconds,
			noAnswerYet,
		},
	});

interface Row {
	claim: string;
	outcome: Outcome;
	attempt?: Partial<Attempt>;
	settings?: Partial<RetrySettings>;
	decision: Decision;
}

const beforeAnyAnswer = { hostAnswered: false };

const rows: Row[] = [
	// A connection that fails before any request of the run got an answer: the host itself, unless it may pass.
	...(
		['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED'] as const
	).map(
		(code): Row => ({
			claim: `before any answer, ${code} fails at once: the next try would meet the same host`,
			outcome: network(code),
			attempt: beforeAnyAnswer,
			decision: connectionFailure(code, 1, true),
		}),
	),
	{
		claim: "before any answer, n8n's SSRF refusal fails at once",
		outcome: network('SsrfBlockedIpError'),
		attempt: beforeAnyAnswer,
		decision: connectionFailure('SsrfBlockedIpError', 1, true),
	},
	{
		claim: 'before any answer, a timeout fails at once (the host never answers)',
		outcome: network('ETIMEDOUT'),
		attempt: { ...beforeAnyAnswer, method: 'GET', idempotencyKey: undefined },
		settings: { timeoutMs: 1000 },
		decision: connectionFailure('ETIMEDOUT', 1, true, 1),
	},
	...(['EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'EPROTO'] as const).map(
		(code): Row => ({
			claim: `before any answer, ${code} is retried with the same key (it may pass)`,
			outcome: network(code),
			attempt: beforeAnyAnswer,
			decision: retry(250, { retries: 1 }),
		}),
	),
	// After an answer: a blip, retried up to Max Retries, but for what every try meets alike.
	...(
		['ECONNREFUSED', 'EHOSTUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPROTO', 'ETIMEDOUT'] as const
	).map(
		(code): Row => ({
			claim: `after an answer, ${code} is retried with the same key`,
			outcome: network(code),
			decision: retry(250, { retries: 1 }),
		}),
	),
	...(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'SsrfBlockedIpError'] as const).map(
		(code): Row => ({
			claim: `after an answer too, ${code} fails at once: no try can differ`,
			outcome: network(code),
			decision: connectionFailure(code, 1, false),
		}),
	),
	{
		claim: 'after an answer, a timed-out GET is retried',
		outcome: network('ETIMEDOUT'),
		attempt: { method: 'GET', idempotencyKey: undefined, renewedKey: undefined },
		decision: retry(250, { retries: 1, idempotencyKey: undefined }),
	},
	{
		claim: 'a timed-out POST without an idempotency key is not repeated: it may have been done',
		outcome: network('ETIMEDOUT'),
		attempt: { idempotencyKey: undefined, renewedKey: undefined },
		decision: connectionFailure('ETIMEDOUT', 1, false),
	},
	{
		claim: 'a connection failure with Max Retries used up fails, counting every try',
		outcome: network('ECONNRESET'),
		attempt: { retries: 5 },
		decision: connectionFailure('ECONNRESET', 6, false),
	},
	{
		claim: 'Max Retries 0: a dropped connection fails at its first try',
		outcome: network('ECONNRESET'),
		settings: { maxRetries: 0 },
		decision: connectionFailure('ECONNRESET', 1, false),
	},
	{
		claim: 'the back-off doubles with each retry (jitter 0: half the ceiling)',
		outcome: network('ECONNRESET'),
		attempt: { retries: 2 },
		decision: retry(1000, { retries: 3 }, attemptOf({ retries: 2 })),
	},
	{
		claim:
			'the back-off is capped at 5 s: from the fifth retry on, 2.5 s plus up to 2.5 s of jitter',
		outcome: network('ECONNRESET'),
		attempt: { retries: 4, jitter: 0.5 },
		decision: retry(3750, { retries: 5 }, attemptOf({ retries: 4 })),
	},
	{
		claim: 'the jitter draws within the upper half of the ceiling',
		outcome: network('ECONNRESET'),
		attempt: { jitter: 0.5 },
		decision: retry(375, { retries: 1 }),
	},
	{
		claim: 'something else going wrong in n8n is not retried, and says how many tries there were',
		outcome: { kind: 'unexpected', detail: 'Invalid URL' },
		attempt: { retries: 2 },
		decision: fail({ kind: 'unexpected', message: 'Invalid URL', attempts: 3 }),
	},

	// Stripe's answers.
	{
		claim: 'a 409 (the same key still in flight) is retried with the same key',
		outcome: answer(409),
		decision: retry(250, { retries: 1 }),
	},
	...[500, 502, 503].map(
		(status): Row => ({
			claim: `a ${status} is retried with the same key`,
			outcome: answer(status),
			decision: retry(250, { retries: 1 }),
		}),
	),
	{
		claim: 'a retry after a renewed key keeps the renewed key',
		outcome: answer(500),
		attempt: { idempotencyKey: RENEWED_KEY, retries: 1, keyRenewals: 1 },
		decision: retry(
			500,
			{ retries: 2 },
			attemptOf({ idempotencyKey: RENEWED_KEY, retries: 1, keyRenewals: 1 }),
		),
	},
	...[400, 402, 404].map(
		(status): Row => ({
			claim: `a ${status} is not retried: it is the item that is wrong`,
			outcome: answer(status),
			decision: fail({ ...stripeSays(status), shouldRetry: undefined, keyRenewals: 0 }),
		}),
	),
	{
		claim: 'a 401 (the key refused) is not retried',
		outcome: answer(401),
		decision: fail({ ...stripeSays(401), shouldRetry: undefined, keyRenewals: 0 }),
	},
	{
		claim: 'a 403 (a permission missing) is not retried',
		outcome: answer(403),
		decision: fail({ ...stripeSays(403), shouldRetry: undefined, keyRenewals: 0 }),
	},
	{
		claim: 'a 500 with Max Retries used up fails with what Stripe said',
		outcome: answer(500),
		attempt: { retries: 5 },
		decision: fail({ ...stripeSays(500), shouldRetry: undefined, keyRenewals: 0 }),
	},
	{
		claim: 'Stripe-Should-Retry: true makes a 400 retried',
		outcome: answer(400, { shouldRetry: true }),
		decision: retry(250, { retries: 1 }),
	},
	{
		claim: 'Stripe-Should-Retry: false stops a 500',
		outcome: answer(500, { shouldRetry: false }),
		decision: fail({ ...stripeSays(500), shouldRetry: false, keyRenewals: 0 }),
	},
	{
		claim: 'Stripe-Should-Retry: false stops a 409',
		outcome: answer(409, { shouldRetry: false }),
		decision: fail({ ...stripeSays(409), shouldRetry: false, keyRenewals: 0 }),
	},
	{
		claim: 'Stripe-Should-Retry: false on a 400 says so',
		outcome: answer(400, { shouldRetry: false }),
		decision: fail({ ...stripeSays(400), shouldRetry: false, keyRenewals: 0 }),
	},

	// 429: bounded by Rate-Limit Wait, not Max Retries.
	{
		claim: 'a 429 without Retry-After is retried after the back-off, with the same key',
		outcome: answer(429),
		decision: retry(250, { rateLimitRetries: 1 }),
	},
	{
		claim: "a 429 waits Stripe's Retry-After when it is longer than the back-off",
		outcome: answer(429, { retryAfterMs: 3000 }),
		decision: retry(3000, { rateLimitRetries: 1 }),
	},
	{
		claim: 'a 429 waits the back-off when Retry-After is shorter',
		outcome: answer(429, { retryAfterMs: 100 }),
		attempt: { rateLimitRetries: 1 },
		decision: retry(500, { rateLimitRetries: 2 }, attemptOf({ rateLimitRetries: 1 })),
	},
	{
		claim: 'a 429 is retried while within Rate-Limit Wait, whatever Max Retries says',
		outcome: answer(429),
		attempt: { rateLimitedMs: 59_999, retries: 5, rateLimitRetries: 30 },
		decision: retry(
			2500,
			{ rateLimitRetries: 31 },
			attemptOf({ retries: 5, rateLimitRetries: 30 }),
		),
	},
	{
		claim: 'a 429 with Stripe-Should-Retry: true (a lock timeout) is retried',
		outcome: answer(429, { shouldRetry: true }),
		decision: retry(250, { rateLimitRetries: 1 }),
	},
	{
		claim:
			'a 429 after Rate-Limit Wait fails; no request of the account succeeded meanwhile: the account is stalled',
		outcome: answer(429),
		attempt: { rateLimitedMs: 60_000, msSinceAccountSuccess: 75_000 },
		decision: fail({
			...stripeSays(429),
			shouldRetry: undefined,
			waitedSeconds: 60,
			accountStalled: true,
		}),
	},
	{
		claim:
			"a 429 after Rate-Limit Wait fails; other requests of the account got through: only this one's",
		outcome: answer(429),
		attempt: { rateLimitedMs: 60_000, msSinceAccountSuccess: 1_000 },
		decision: fail({
			...stripeSays(429),
			shouldRetry: undefined,
			waitedSeconds: 60,
			accountStalled: false,
		}),
	},
	{
		claim: 'Rate-Limit Wait 0: the first 429 fails',
		outcome: answer(429),
		settings: { rateLimitWaitMs: 0 },
		attempt: { msSinceAccountSuccess: 0 },
		decision: fail({
			...stripeSays(429),
			shouldRetry: undefined,
			waitedSeconds: 0,
			accountStalled: true,
		}),
	},
	{
		claim: 'a 429 with Stripe-Should-Retry: false fails at once, saying Stripe said so',
		outcome: answer(429, { shouldRetry: false, retryAfterMs: 1000 }),
		attempt: { msSinceAccountSuccess: 5 },
		decision: fail({
			...stripeSays(429),
			shouldRetry: false,
			waitedSeconds: 60,
			accountStalled: true,
		}),
	},

	// Stripe's stored answer to the key, replayed: the same key gets it again for 24 hours.
	{
		claim:
			"a replayed stored 500 that Stripe advises to retry, under the node's own key: the renewed key",
		outcome: answer(500, { replayed: true, shouldRetry: true }),
		decision: retry(250, { idempotencyKey: RENEWED_KEY, retries: 1, keyRenewals: 1 }),
	},
	{
		claim: 'a replayed stored 500 under a custom key (no renewal): fails, replayed',
		outcome: answer(500, { replayed: true, shouldRetry: true }),
		attempt: { idempotencyKey: 'order-42', renewedKey: undefined },
		decision: fail({ ...stripeSays(500), replayed: true, shouldRetry: true, keyRenewals: 0 }),
	},
	{
		claim: 'a replayed stored 500 Stripe says not to retry: fails, replayed, the key kept',
		outcome: answer(500, { replayed: true, shouldRetry: false }),
		decision: fail({ ...stripeSays(500), replayed: true, shouldRetry: false, keyRenewals: 0 }),
	},
	{
		claim: 'a replayed stored 500 without advice: fails, replayed, the key kept',
		outcome: answer(500, { replayed: true }),
		decision: fail({ ...stripeSays(500), replayed: true, shouldRetry: undefined, keyRenewals: 0 }),
	},
	{
		claim:
			'a replayed stored 500 once Max Retries is used up: fails, saying how many keys were tried',
		outcome: answer(500, { replayed: true, shouldRetry: true }),
		attempt: { retries: 5, keyRenewals: 2, idempotencyKey: `${KEY}:retry:2` },
		decision: fail({ ...stripeSays(500), replayed: true, shouldRetry: true, keyRenewals: 2 }),
	},
	{
		claim: 'a replayed 402 (a stored decline) is not retried, under any key, whatever the advice',
		outcome: answer(402, { replayed: true, shouldRetry: true }),
		decision: fail({ ...stripeSays(402), replayed: true, shouldRetry: true, keyRenewals: 0 }),
	},
	{
		claim: 'a replayed 409 is not retried with the key that replays it',
		outcome: answer(409, { replayed: true }),
		decision: fail({ ...stripeSays(409), replayed: true, shouldRetry: undefined, keyRenewals: 0 }),
	},

	// Stop.
	{
		claim: 'a cancelled execution is not retried, whatever the outcome: the run was stopped',
		outcome: answer(500),
		attempt: { cancelled: true },
		decision: fail({ kind: 'cancelled', message: 'The execution was stopped' }),
	},
	{
		claim: 'a connection the stop cut is the stop, not a connection failure',
		outcome: network('ECONNRESET'),
		attempt: { cancelled: true },
		decision: fail({ kind: 'cancelled', message: 'The execution was stopped' }),
	},
];

test.each(rows)('$claim', (row) => {
	expect(decide(row.outcome, attemptOf(row.attempt), { ...settings, ...row.settings })).toEqual(
		row.decision,
	);
});

test('the back-off: 0.5 s doubling per retry, capped at 5 s, jitter in the upper half', () => {
	const ceilings = [0, 1, 2, 3, 4, 5, 10].map((retry) => [
		backoffMs(retry, 0),
		backoffMs(retry, 1),
	]);
	expect(ceilings).toEqual([
		[250, 500],
		[500, 1000],
		[1000, 2000],
		[2000, 4000],
		[2500, 5000],
		[2500, 5000],
		[2500, 5000],
	]);
});
