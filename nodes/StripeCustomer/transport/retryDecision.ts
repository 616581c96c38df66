import type { ConnectionFailure } from './networkErrors';
import type { StripeAnswer, StripeMethod } from './sendRequest';
import type { ConnectionCause, StripeFailure } from './stripeError';

// Whether a failed try of a Stripe request is tried again, after how long and with which idempotency key, or what
// the user is told. Pure: whatever varies (the jitter, the clock's readings, the renewed key) comes in as input.

const BACKOFF_START_MS = 500;
const BACKOFF_CAP_MS = 5_000;

export interface RetrySettings {
	/** Retries of a request after a connection error, a timeout, 409 or 5xx. */
	maxRetries: number;
	/** How long one request answered 429 is retried (unless Stripe says not to). */
	rateLimitWaitMs: number;
	/** How long one request may wait for Stripe's answer. */
	timeoutMs: number;
}

/** What one try came to, short of a 2xx answer. */
export type Outcome =
	| { kind: 'answer'; answer: StripeAnswer }
	/** The connection failed; `hostPort` and `whose` say where it went, as the user recognises it. */
	| { kind: 'network'; failure: ConnectionFailure; hostPort: string; whose: string }
	/** Something else went wrong in n8n's HTTP call: not the network. */
	| { kind: 'unexpected'; detail: string };

/** How far one request has come: carried from one try to the next. */
export interface Progress {
	/** The key of this try (undefined: none). */
	idempotencyKey?: string;
	/** Retries so far that count against Max Retries: connection failures, 409, 5xx, renewed keys. */
	retries: number;
	/** Retries so far after 429s: bounded by Rate-Limit Wait, they only set the back-off. */
	rateLimitRetries: number;
	/** New keys tried so far after stored 5xx answers. */
	keyRenewals: number;
}

/** One try: the request's progress, and what the caller read from the run and the clock when it ended. */
export interface Attempt extends Progress {
	method: StripeMethod;
	/** The key to send after Stripe replayed a stored 5xx and advised a retry; undefined: the key must not change. */
	renewedKey?: string;
	/** Whether any request of this run (this client) has had an answer, of any status. */
	hostAnswered: boolean;
	/** How long this request has been answered 429, this answer included (0 at its first 429). */
	rateLimitedMs: number;
	/** How long since any request of the Stripe account succeeded. */
	msSinceAccountSuccess: number;
	/** Whether the execution was cancelled. */
	cancelled: boolean;
	/** A draw in [0, 1): the back-off's jitter. */
	jitter: number;
}

export type Decision =
	| { retry: true; afterMs: number; next: Progress }
	| { retry: false; failure: StripeFailure };

/** What the user is told of a request the stop ended. */
export function stoppedFailure(): StripeFailure {
	return { kind: 'cancelled', message: 'The execution was stopped' };
}

export function firstTry(idempotencyKey: string | undefined): Progress {
	return { idempotencyKey, retries: 0, rateLimitRetries: 0, keyRenewals: 0 };
}

/** Exponential back-off with equal jitter: half of the ceiling, plus up to the other half. */
export function backoffMs(retry: number, jitter: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** retry);
	return ceiling / 2 + jitter * (ceiling / 2);
}

/**
 * When a retry can help after a connection failure: always (the connection dropped, the network failed once), once
 * the host has answered a request of this run (before that, the next try meets the same host), or never (the name
 * does not exist, the certificate or n8n refuses the host: every try is refused alike).
 */
const RETRY_AFTER_CONNECTION_FAILURE: Record<ConnectionCause, 'always' | 'onceAnswered' | 'never'> =
	{
		closed: 'always',
		other: 'always',
		refused: 'onceAnswered',
		unreachable: 'onceAnswered',
		timeout: 'onceAnswered',
		dns: 'never',
		tls: 'never',
		ssrf: 'never',
	};
/** A resolver that could not answer for now, unlike a name that does not exist (ENOTFOUND). */
const TEMPORARY_DNS_FAILURE = 'EAI_AGAIN';

/** What a failed try leads to: the next try (after how long, with which key), or the failure the user sees. */
export function decide(outcome: Outcome, attempt: Attempt, settings: RetrySettings): Decision {
	if (attempt.cancelled) return { retry: false, failure: stoppedFailure() };
	if (outcome.kind === 'unexpected') {
		const failure: StripeFailure = {
			kind: 'unexpected',
			message: outcome.detail,
			attempts: attempt.retries + 1,
		};
		return { retry: false, failure };
	}
	if (outcome.kind === 'network') return afterConnectionFailure(outcome, attempt, settings);
	return afterAnswer(outcome.answer, attempt, settings);
}

function afterConnectionFailure(
	outcome: Extract<Outcome, { kind: 'network' }>,
	attempt: Attempt,
	settings: RetrySettings,
): Decision {
	const { cause, code, detail } = outcome.failure;
	const when = code === TEMPORARY_DNS_FAILURE ? 'always' : RETRY_AFTER_CONNECTION_FAILURE[cause];
	const helps = when === 'always' || (when === 'onceAnswered' && attempt.hostAnswered);
	// A timed-out request may have been done: repeat it only where a repeat is harmless.
	const harmless =
		cause !== 'timeout' || attempt.method !== 'POST' || attempt.idempotencyKey !== undefined;
	if (helps && harmless && attempt.retries < settings.maxRetries) return retrySameKey(attempt);
	const failure: StripeFailure = {
		kind: 'connection',
		message: '',
		connection: {
			cause,
			detail,
			hostPort: outcome.hostPort,
			whose: outcome.whose,
			attempts: attempt.retries + 1,
			timeoutSeconds: Math.round(settings.timeoutMs / 1000),
			noAnswerYet: !attempt.hostAnswered,
		},
	};
	return { retry: false, failure };
}

function afterAnswer(answer: StripeAnswer, attempt: Attempt, settings: RetrySettings): Decision {
	const { statusCode, shouldRetry } = answer;
	const withMaxRetries = attempt.retries < settings.maxRetries;
	if (statusCode === 429) {
		// Bounded by time (Rate-Limit Wait), not by Max Retries: this request's own, whatever others do.
		if (shouldRetry !== false && attempt.rateLimitedMs < settings.rateLimitWaitMs)
			return retryAfterRateLimit(attempt, answer.retryAfterMs);
		const failure: StripeFailure = {
			...answer.failure,
			shouldRetry,
			waitedSeconds: Math.round(settings.rateLimitWaitMs / 1000),
			accountStalled: attempt.msSinceAccountSuccess >= attempt.rateLimitedMs,
		};
		return { retry: false, failure };
	}
	if (answer.replayed) {
		// Stripe's stored answer to this key: the same key gets it again for 24 hours, so only a new key can help,
		// and only where Stripe advises a retry and the key may change.
		if (statusCode >= 500 && shouldRetry === true && attempt.renewedKey && withMaxRetries)
			return retryWithKey(attempt, attempt.renewedKey);
		const failure: StripeFailure = {
			...answer.failure,
			replayed: true,
			shouldRetry,
			keyRenewals: attempt.keyRenewals,
		};
		return { retry: false, failure };
	}
	// Stripe's advice first, then its documented rule: 409 and 5xx are safe to retry with the same key.
	if ((shouldRetry ?? (statusCode === 409 || statusCode >= 500)) && withMaxRetries)
		return retrySameKey(attempt);
	const failure: StripeFailure = {
		...answer.failure,
		shouldRetry,
		keyRenewals: attempt.keyRenewals,
	};
	return { retry: false, failure };
}

function progressOf({ idempotencyKey, retries, rateLimitRetries, keyRenewals }: Attempt): Progress {
	return { idempotencyKey, retries, rateLimitRetries, keyRenewals };
}

/** The same key again after the back-off; counts against Max Retries. */
function retrySameKey(attempt: Attempt): Decision {
	const next = { ...progressOf(attempt), retries: attempt.retries + 1 };
	return { retry: true, afterMs: backoffMs(attempt.retries, attempt.jitter), next };
}

/** A new key after the back-off; counts against Max Retries. */
function retryWithKey(attempt: Attempt, idempotencyKey: string): Decision {
	const next = {
		idempotencyKey,
		retries: attempt.retries + 1,
		rateLimitRetries: attempt.rateLimitRetries,
		keyRenewals: attempt.keyRenewals + 1,
	};
	return { retry: true, afterMs: backoffMs(attempt.retries, attempt.jitter), next };
}

/** After a 429: Stripe's Retry-After or the back-off, whichever is longer; bounded by Rate-Limit Wait only. */
function retryAfterRateLimit(attempt: Attempt, retryAfterMs = 0): Decision {
	const next = { ...progressOf(attempt), rateLimitRetries: attempt.rateLimitRetries + 1 };
	const afterMs = Math.max(retryAfterMs, backoffMs(attempt.rateLimitRetries, attempt.jitter));
	return { retry: true, afterMs, next };
}
