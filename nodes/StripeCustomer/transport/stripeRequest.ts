import { createHash } from 'crypto';
import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
} from 'n8n-workflow';

import { encodeStripeForm } from './formEncoding';
import { accountRateLimiter, type RunLimiter } from './rateLimiter';
import { StripeRequestError, type ConnectionCause, type StripeFailure } from './stripeError';

// The only code that speaks HTTP: every Stripe request goes through n8n's httpRequestWithAuthentication with the
// package's credential (whose `authenticate` attaches the key), through the account's rate limiter, with Stripe's
// form encoding and headers, and with the retries Stripe documents, always under the same idempotency key.

export const CREDENTIAL_TYPE = 'stripeCustomerApi';
export const DEFAULT_BASE_URL = 'https://api.stripe.com';
/** The Stripe API version the node is written and tested against (the one stripe@23.1.0 pins). */
export const DEFAULT_API_VERSION = '2026-10-28.endive';
/** Stripe's limit on an Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** What the package tells Stripe about itself; test/transport.test.ts keeps `version` equal to package.json's. */
export const PACKAGE_INFO = {
	name: 'n8n-nodes-stripe-customer',
	version: '0.2.0',
	url: 'https://github.com/n8n-nodes-stripe-customer/n8n-nodes-stripe-customer',
};
// Stripe asks plugins to name themselves in the User-Agent (what its client calls appInfo).
const USER_AGENT = `${PACKAGE_INFO.name}/${PACKAGE_INFO.version} (${PACKAGE_INFO.url})`;

const BACKOFF_START_MS = 500;
const BACKOFF_CAP_MS = 5_000;

export type StripeMethod = 'GET' | 'POST' | 'DELETE';

export interface StripeRequest {
	method: StripeMethod;
	/** e.g. `/v1/customers/cus_123` */
	path: string;
	/** Form body of a POST, query of a GET or DELETE. */
	params?: object;
	/** POST only; reused by every retry of this request. */
	idempotencyKey?: string;
	/** A Stripe-Version other than the run's, for this request only (the coupon rule). */
	apiVersion?: string;
}

/** Why the run was stopped: the execution's cancel signal aborted (Stop in the editor, a timeout, a shutdown). */
const CANCELLED = 'AbortError';

export interface TransportSettings {
	/** Stripe-Version of the run's requests; empty = DEFAULT_API_VERSION. */
	apiVersion?: string;
	/** Retries of a request after a connection error, a timeout, 409 or 5xx. */
	maxRetries: number;
	/** How long one request may wait for Stripe's answer. */
	timeoutMs: number;
	/** How long one request answered 429 is retried (unless Stripe says not to). */
	rateLimitWaitMs: number;
	requestsPerSecond: number;
	adaptiveRateLimit: boolean;
	/**
	 * The key to send instead of `key` after Stripe replayed a stored 5xx for it and advised a retry
	 * (`renewal` counts from 1), or undefined when the key must not change (a user's own key).
	 */
	keyAfterStoredError?: (key: string, renewal: number) => string | undefined;
}

type StripeCallContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

function backoffMs(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_START_MS * 2 ** attempt);
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The Retry-After header in milliseconds (seconds or an HTTP date), if any. */
function retryAfterMs(headers: Record<string, unknown>): number | undefined {
	const value = header(headers, 'retry-after');
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Where requests go, said the way a user recognises it. */
function describeTarget(baseUrl: string): { hostPort: string; whose: string } {
	const url = new URL(baseUrl);
	const port = url.port || (url.protocol === 'http:' ? '80' : '443');
	const whose = baseUrl === DEFAULT_BASE_URL ? "Stripe's API" : "the credential's API Base URL";
	return { hostPort: `${url.hostname}:${port}`, whose };
}

const CONNECTION_CAUSES: Array<{ codes: string[]; cause: ConnectionCause; retryable: boolean }> = [
	{ codes: ['ECONNREFUSED'], cause: 'refused', retryable: true },
	{ codes: ['ENOTFOUND'], cause: 'dns', retryable: false },
	{ codes: ['EAI_AGAIN'], cause: 'dns', retryable: true },
	{
		codes: ['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT'],
		cause: 'timeout',
		retryable: true,
	},
	{
		codes: ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'],
		cause: 'closed',
		retryable: true,
	},
	{
		codes: ['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN'],
		cause: 'unreachable',
		retryable: true,
	},
];

type Outcome =
	| { network: true; cause: ConnectionCause; retryable: boolean; detail: string }
	| { network: false; detail: string };

/**
 * What an exception of the HTTP call was. n8n's helper wraps the HTTP client's error; the socket-level code sits on it
 * or on one of its causes. Only a failure of the network is a connection problem: anything else (a value the HTTP
 * client refuses, a bug) is reported as what it is, and not retried.
 */
function outcomeOf(error: unknown): Outcome {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, name, message, syscall } = current as {
			code?: unknown;
			name?: unknown;
			message?: unknown;
			syscall?: unknown;
		};
		if (typeof name === 'string' && name.startsWith('SsrfBlocked')) {
			return { network: true, cause: 'ssrf', retryable: false, detail: String(message ?? '') };
		}
		if (typeof code === 'string') {
			const known = CONNECTION_CAUSES.find((entry) => entry.codes.includes(code));
			if (known) return { network: true, ...known, detail: code };
			if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
				return { network: true, cause: 'tls', retryable: false, detail: code };
			// Another error of a socket call (Node sets `syscall` on those): the network, not the request.
			if (typeof syscall === 'string')
				return { network: true, cause: 'other', retryable: true, detail: `${code} (${syscall})` };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return { network: false, detail: innermostError(error) };
}

/** JavaScript's own error types: their name says what went wrong (a URIError, a TypeError…). */
const BUILT_IN_ERRORS = ['TypeError', 'RangeError', 'URIError', 'SyntaxError', 'ReferenceError'];

/** The error at the end of a chain of causes (the one that says what happened), as a user reads it. */
function innermostError(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5; depth++) {
		const cause = (current as { cause?: unknown } | undefined)?.cause;
		if (!(cause instanceof Error)) break;
		current = cause;
	}
	if (!(current instanceof Error)) return String(current);
	return BUILT_IN_ERRORS.includes(current.name)
		? `${current.name}: ${current.message}`
		: current.message;
}

/** The longest single sleep of a wait: a cancelled wait leaves no timer behind for longer than this. */
const WAIT_STEP_MS = 1000;

/** Waits `ms`, or less: a cancelled execution ends the wait at once (and the wait throws). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return await sleep(ms);
	const end = performance.now() + ms;
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(cancelledError());
		signal.addEventListener('abort', onAbort, { once: true });
	});
	aborted.catch(() => {});
	try {
		for (let left = ms; left > 0; left = end - performance.now()) {
			if (signal.aborted) throw cancelledError();
			await Promise.race([sleep(Math.min(left, WAIT_STEP_MS)), aborted]);
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	if (signal.aborted) throw cancelledError();
}

function cancelledError(): Error {
	const error = new Error('The execution was cancelled');
	error.name = CANCELLED;
	return error;
}

function stripeFailureOf(response: HttpResponse): StripeFailure {
	const requestId = header(response.headers, 'request-id');
	const body = response.body as { error?: Record<string, unknown> } | string | undefined;
	const error = typeof body === 'object' && body?.error ? body.error : undefined;
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
	const status = response.statusCode;
	const kind =
		status === 401
			? 'credential'
			: status === 403
				? 'permission'
				: status === 429
					? 'rateLimit'
					: 'stripe';
	return {
		kind,
		message: text(error?.message) ?? `Stripe answered HTTP ${status} without an error message`,
		statusCode: status,
		type: text(error?.type),
		code: text(error?.code),
		param: text(error?.param),
		declineCode: text(error?.decline_code),
		docUrl: text(error?.doc_url),
		requestId,
	};
}

/** Stripe-Should-Retry: Stripe's own advice, when it gives one. */
function retryAdvice(response: HttpResponse): boolean | undefined {
	const advice = header(response.headers, 'stripe-should-retry');
	return advice === 'true' ? true : advice === 'false' ? false : undefined;
}

/** Stripe's retry advice first, then its documented rule: 409 and 5xx are safe to retry (with the same key). */
function isRetryableStatus(response: HttpResponse): boolean {
	return retryAdvice(response) ?? (response.statusCode === 409 || response.statusCode >= 500);
}

function keyFingerprint(secretKey: string): string {
	return createHash('sha256').update(secretKey).digest('hex').slice(0, 16);
}

export class StripeClient {
	private readonly limiter: RunLimiter;
	/** The execution's cancel signal (Stop in the editor, n8n's timeout, a shutdown); undefined outside executions and in older n8n. */
	private readonly signal: AbortSignal | undefined;
	/** Whether any request of this run got an answer (any status): a host that never answers stops the run at its first timeout. */
	private answered = false;

	private constructor(
		private readonly context: StripeCallContext,
		private readonly baseUrl: string,
		/** The Stripe account requests act on (API base URL, key, connected account), as the limiter knows it. */
		readonly accountKey: string,
		private readonly settings: TransportSettings,
	) {
		this.limiter = accountRateLimiter(accountKey, {
			requestsPerSecond: settings.requestsPerSecond,
			adaptive: settings.adaptiveRateLimit,
		});
		const withSignal = context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;
		this.signal =
			typeof withSignal.getExecutionCancelSignal === 'function'
				? withSignal.getExecutionCancelSignal()
				: undefined;
	}

	/** Whether requests go to Stripe's own API, not to a test server or a proxy the credential names. */
	get isStripesOwnApi(): boolean {
		return this.baseUrl === DEFAULT_BASE_URL;
	}

	/** Whether the execution was cancelled: nothing more is sent once it is. */
	get cancelled(): boolean {
		return this.signal?.aborted === true;
	}

	/** Reads the credential once and checks what can be checked before any request. */
	static async connect(
		context: StripeCallContext,
		settings: TransportSettings,
	): Promise<StripeClient> {
		const node = context.getNode();
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const secretKey = String(credentials.secretKey ?? '').trim();
		const credentialName = node.credentials?.[CREDENTIAL_TYPE]?.name ?? 'Stripe Customer API';
		if (!secretKey || secretKey.startsWith('pk_')) {
			throw new StripeRequestError(node, {
				kind: 'credential',
				message: secretKey
					? `The credential "${credentialName}" holds a publishable key (pk_…), which cannot read or write customers`
					: `The credential "${credentialName}" has no secret key`,
				credentialName,
			});
		}
		// "https://api.stripe.com/v1" is the address Stripe's docs show: the paths already start with /v1.
		const baseUrl =
			String(credentials.baseUrl ?? '')
				.trim()
				.replace(/\/+$/, '')
				.replace(/\/v1$/, '') || DEFAULT_BASE_URL;
		if (!/^https?:\/\/[^/]+/.test(baseUrl)) {
			throw new StripeRequestError(node, {
				kind: 'credential',
				message: `The API Base URL "${baseUrl}" of the credential "${credentialName}" is not an http(s) URL`,
				credentialName,
			});
		}
		const account = String(credentials.stripeAccount ?? '').trim();
		const accountKey = `${baseUrl}|${keyFingerprint(secretKey)}|${account}`;
		return new StripeClient(context, baseUrl, accountKey, settings);
	}

	private get node(): INode {
		return this.context.getNode();
	}

	private get credentialName(): string {
		return this.node.credentials?.[CREDENTIAL_TYPE]?.name ?? 'Stripe Customer API';
	}

	/** Sends one Stripe request, retrying as Stripe documents; resolves with the parsed JSON body or throws a StripeRequestError. */
	async request<T = IDataObject>(request: StripeRequest): Promise<T> {
		return (await this.exchange<T>(request)).body;
	}

	/** As `request`, and says whether Stripe answered with the stored result of an earlier request with the same idempotency key. */
	async exchange<T = IDataObject>(request: StripeRequest): Promise<{ body: T; replayed: boolean }> {
		const outcome = await this.exchangeWithRetries<T>(request).then(
			(answer) => ({ answer }),
			(error: unknown) => ({ error }),
		);
		if ('answer' in outcome) return outcome.answer;
		throw this.failureOf(outcome.error);
	}

	/** What a failed exchange tells the user: a wait ended by the cancel throws an AbortError, and the run was stopped. */
	private failureOf(error: unknown): StripeRequestError {
		if (this.cancelled) return this.cancelledFailure();
		if (error instanceof StripeRequestError) return error;
		return new StripeRequestError(this.node, {
			kind: 'unexpected',
			message: innermostError(error),
		});
	}

	private async exchangeWithRetries<T>(
		request: StripeRequest,
	): Promise<{ body: T; replayed: boolean }> {
		let rateLimitedSince: number | undefined;
		let rateLimitRetries = 0;
		let retries = 0;
		let idempotencyKey = request.idempotencyKey;
		let keyRenewals = 0;
		for (;;) {
			if (this.cancelled) throw this.cancelledFailure();
			const permit = await this.limiter.acquire(this.signal);
			// The limiter may let a request through after the cancel: it is not sent.
			if (this.cancelled) {
				permit.release(Number.NaN);
				throw this.cancelledFailure();
			}
			let response: HttpResponse | undefined;
			let thrown: unknown;
			try {
				response = await this.send({ ...request, idempotencyKey });
			} catch (error) {
				thrown = error;
			} finally {
				// Only an answer tells the latency; a timeout or a dropped connection would skew it.
				permit.release(response ? performance.now() - permit.sentAt : Number.NaN);
			}
			if (!response) {
				if (this.cancelled) throw this.cancelledFailure();
				const outcome = outcomeOf(thrown);
				if (!outcome.network) {
					throw new StripeRequestError(this.node, {
						kind: 'unexpected',
						message: outcome.detail,
						attempts: retries + 1,
					});
				}
				const timedOut = outcome.cause === 'timeout';
				// A timed-out request may have been done: repeat it only where a repeat is harmless.
				const repeatable = !timedOut || request.method !== 'POST' || idempotencyKey !== undefined;
				// A host that has not answered any request of this run will not answer the next one either.
				const hostSilent = timedOut && !this.answered;
				if (outcome.retryable && repeatable && !hostSilent && retries < this.settings.maxRetries) {
					await pause(backoffMs(retries++), this.signal);
					continue;
				}
				const { hostPort, whose } = describeTarget(this.baseUrl);
				throw new StripeRequestError(this.node, {
					kind: 'connection',
					message: '',
					connection: {
						cause: outcome.cause,
						detail: outcome.detail,
						hostPort,
						whose,
						attempts: retries + 1,
						timeoutSeconds: Math.round(this.settings.timeoutMs / 1000),
						noAnswerYet: !this.answered,
					},
				});
			}
			this.answered = true;
			const replayed = header(response.headers, 'idempotent-replayed') === 'true';
			if (response.statusCode < 300) {
				this.limiter.recordSuccess();
				return { body: response.body as T, replayed };
			}
			const failure = stripeFailureOf(response);
			const advice = retryAdvice(response);
			if (response.statusCode === 429) {
				const retryAfter = retryAfterMs(response.headers);
				this.limiter.recordRateLimited(permit.sentAt, retryAfter);
				rateLimitedSince ??= performance.now();
				// 429s are bounded by time (Rate-Limit Wait), not by Max Retries: this request's own, whatever others do.
				const waitedMs = performance.now() - rateLimitedSince;
				if (advice !== false && waitedMs < this.settings.rateLimitWaitMs) {
					await pause(Math.max(retryAfter ?? 0, backoffMs(rateLimitRetries++)), this.signal);
					continue;
				}
				failure.shouldRetry = advice;
				failure.waitedSeconds = Math.round(this.settings.rateLimitWaitMs / 1000);
				failure.accountStalled = this.limiter.msSinceLastSuccess() >= waitedMs;
			} else if (replayed) {
				// Stripe's stored answer to this key: the same key gets it again for 24 hours, so only a new key can help,
				// and only where Stripe advises a retry and the key is the node's own.
				const renewedKey =
					response.statusCode >= 500 &&
					advice === true &&
					request.idempotencyKey &&
					retries < this.settings.maxRetries
						? this.settings.keyAfterStoredError?.(request.idempotencyKey, keyRenewals + 1)
						: undefined;
				if (renewedKey) {
					idempotencyKey = renewedKey;
					keyRenewals++;
					await pause(backoffMs(retries++), this.signal);
					continue;
				}
				failure.replayed = true;
				failure.shouldRetry = advice;
				failure.keyRenewals = keyRenewals;
			} else if (isRetryableStatus(response) && retries < this.settings.maxRetries) {
				await pause(backoffMs(retries++), this.signal);
				continue;
			} else {
				failure.shouldRetry = advice;
				failure.keyRenewals = keyRenewals;
			}
			if (failure.kind === 'credential' || failure.kind === 'permission')
				failure.credentialName = this.credentialName;
			throw new StripeRequestError(this.node, failure);
		}
	}

	private cancelledFailure(): StripeRequestError {
		return new StripeRequestError(this.node, {
			kind: 'cancelled',
			message: 'The execution was stopped',
		});
	}

	/** GET a list endpoint page by page (`starting_after` or search's `page`) until `limit` objects or the end. */
	async *pages<T extends { id: string }>(
		request: StripeRequest,
		limit: number | undefined,
	): AsyncGenerator<T[]> {
		let fetched = 0;
		let cursor: { starting_after?: string; page?: string } = {};
		for (;;) {
			const pageSize = Math.min(100, limit === undefined ? 100 : limit - fetched);
			if (pageSize <= 0) return;
			const page = await this.request<{ data: T[]; has_more: boolean; next_page?: string | null }>({
				...request,
				params: { ...request.params, ...cursor, limit: pageSize },
			});
			fetched += page.data.length;
			yield page.data;
			if (!page.has_more || page.data.length === 0) return;
			cursor = page.next_page
				? { page: page.next_page }
				: { starting_after: page.data[page.data.length - 1].id };
		}
	}

	private async send(request: StripeRequest): Promise<HttpResponse> {
		const encoded = request.params ? encodeStripeForm(request.params) : '';
		const isPost = request.method === 'POST';
		const headers: IDataObject = {
			Accept: 'application/json',
			'User-Agent': USER_AGENT,
			'Stripe-Version': request.apiVersion || this.settings.apiVersion || DEFAULT_API_VERSION,
		};
		if (isPost) headers['Content-Type'] = 'application/x-www-form-urlencoded';
		if (isPost && request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
		const options: IHttpRequestOptions = {
			method: request.method as IHttpRequestMethods,
			url: `${this.baseUrl}${request.path}${!isPost && encoded ? `?${encoded}` : ''}`,
			headers,
			body: isPost ? encoded : undefined,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: this.settings.timeoutMs,
			abortSignal: this.signal,
		};
		const response = (await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			CREDENTIAL_TYPE,
			options,
		)) as HttpResponse;
		// A body that is not JSON (a proxy's HTML error page, say) arrives as text.
		if (typeof response.body === 'string' && response.body.trim().startsWith('{')) {
			try {
				response.body = JSON.parse(response.body);
			} catch {
				// not JSON after all; the status code says what happened
			}
		}
		return response;
	}
}
