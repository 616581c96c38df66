import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { pause } from './cancellableWait';
import { classifyHttpException, innermostError } from './networkErrors';
import { accountRateLimiter, type RequestPermit, type RunLimiter } from './rateLimiter';
import {
	decide,
	firstTry,
	stoppedFailure,
	type Outcome,
	type RetrySettings,
} from './retryDecision';
import {
	CREDENTIAL_TYPE,
	isReplayed,
	readAnswer,
	sendRequest,
	type Connection,
	type HttpResponse,
	type StripeCallContext,
	type StripeRequest,
} from './sendRequest';
import { StripeRequestError, type StripeFailure } from './stripeError';

export {
	CREDENTIAL_TYPE,
	DEFAULT_API_VERSION,
	PACKAGE_INFO,
	type StripeMethod,
	type StripeRequest,
} from './sendRequest';
import { listPages } from './listPages';

// The client of one run: every Stripe request goes through the account's rate limiter and is sent (sendRequest.ts)
// and tried again as the retry decision says (retryDecision.ts), always under the same idempotency key unless Stripe
// stored a failure for it.

export const DEFAULT_BASE_URL = 'https://api.stripe.com';
/** Stripe's limit on an Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export interface TransportSettings extends RetrySettings {
	/** Stripe-Version of the run's requests; empty = DEFAULT_API_VERSION. */
	apiVersion?: string;
	requestsPerSecond: number;
	adaptiveRateLimit: boolean;
}

/** What the caller knows of its requests that the transport cannot. */
export interface CallerOptions {
	/**
	 * The key to send instead of `key` after Stripe replayed a stored 5xx for it and advised a retry (`renewal` counts
	 * from 1), or undefined when the key must not change (a user's own key). Without it, keys never change.
	 */
	renewKeyAfterStoredError?: (key: string, renewal: number) => string | undefined;
	/** The permission a restricted key needs for these requests, as Stripe's key editor names it (`Customers: Write`). */
	permissionNeeded?: string;
}

/** Where requests go, said the way a user recognises it. */
function describeTarget(baseUrl: string): { hostPort: string; whose: string } {
	const url = new URL(baseUrl);
	const port = url.port || (url.protocol === 'http:' ? '80' : '443');
	const whose = baseUrl === DEFAULT_BASE_URL ? "Stripe's API" : "the credential's API Base URL";
	return { hostPort: `${url.hostname}:${port}`, whose };
}

function keyFingerprint(secretKey: string): string {
	return createHash('sha256').update(secretKey).digest('hex').slice(0, 16);
}

export class StripeClient {
	private readonly limiter: RunLimiter;
	private readonly connection: Connection;
	/** Whether any request of this run got an answer (any status): until one does, a host failure is not retried. */
	private answered = false;

	private constructor(
		private readonly context: StripeCallContext,
		baseUrl: string,
		/** The Stripe account requests act on (API base URL, key, connected account), as the limiter knows it. */
		readonly accountKey: string,
		private readonly settings: TransportSettings,
		private readonly caller: CallerOptions,
	) {
		this.limiter = accountRateLimiter(accountKey, {
			requestsPerSecond: settings.requestsPerSecond,
			adaptive: settings.adaptiveRateLimit,
		});
		const withSignal = context as Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;
		this.connection = {
			context,
			baseUrl,
			apiVersion: settings.apiVersion,
			timeoutMs: settings.timeoutMs,
			// The execution's cancel signal (Stop in the editor, n8n's timeout, a shutdown); none outside executions and in older n8n.
			signal:
				typeof withSignal.getExecutionCancelSignal === 'function'
					? withSignal.getExecutionCancelSignal()
					: undefined,
		};
	}

	/** Whether requests go to Stripe's own API, not to a test server or a proxy the credential names. */
	get isStripesOwnApi(): boolean {
		return this.connection.baseUrl === DEFAULT_BASE_URL;
	}

	/** Whether the execution was cancelled: nothing more is sent once it is. */
	get cancelled(): boolean {
		return this.connection.signal?.aborted === true;
	}

	/** Reads the credential once and checks what can be checked before any request. */
	static async connect(
		context: StripeCallContext,
		settings: TransportSettings,
		caller: CallerOptions,
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
		return new StripeClient(context, baseUrl, accountKey, settings, caller);
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
		if (this.cancelled) return this.requestError(stoppedFailure());
		if (error instanceof StripeRequestError) return error;
		return this.requestError({ kind: 'unexpected', message: innermostError(error) });
	}

	/** Sends, asks the retry decision what a failed try means, waits as it says (the stop ends the wait), sends again. */
	private async exchangeWithRetries<T>(
		request: StripeRequest,
	): Promise<{ body: T; replayed: boolean }> {
		let progress = firstTry(request.idempotencyKey);
		let rateLimitedSince: number | undefined;
		for (;;) {
			const permit = await this.permit();
			let response: HttpResponse | undefined;
			let thrown: unknown;
			try {
				response = await sendRequest(this.connection, {
					...request,
					idempotencyKey: progress.idempotencyKey,
				});
			} catch (error) {
				thrown = error;
			} finally {
				// Only an answer tells the latency; a timeout or a dropped connection would skew it.
				permit.release(response ? performance.now() - permit.sentAt : Number.NaN);
			}
			let outcome: Outcome;
			if (response) {
				this.answered = true;
				if (response.statusCode < 300) {
					this.limiter.recordSuccess();
					return { body: response.body as T, replayed: isReplayed(response) };
				}
				const answer = readAnswer(response);
				if (answer.statusCode === 429) {
					this.limiter.recordRateLimited(permit.sentAt, answer.retryAfterMs);
					rateLimitedSince ??= performance.now();
				}
				outcome = { kind: 'answer', answer };
			} else {
				const exception = classifyHttpException(thrown);
				outcome = exception.network
					? { kind: 'network', failure: exception, ...describeTarget(this.connection.baseUrl) }
					: { kind: 'unexpected', detail: exception.detail };
			}
			const decision = decide(
				outcome,
				{
					...progress,
					method: request.method,
					renewedKey: this.renewedKey(request.idempotencyKey, progress.keyRenewals + 1),
					hostAnswered: this.answered,
					rateLimitedMs: rateLimitedSince === undefined ? 0 : performance.now() - rateLimitedSince,
					msSinceAccountSuccess: this.limiter.msSinceLastSuccess(),
					cancelled: this.cancelled,
					jitter: Math.random(),
				},
				this.settings,
			);
			if (!decision.retry) throw this.requestError(decision.failure);
			await pause(decision.afterMs, this.connection.signal);
			progress = decision.next;
		}
	}

	/** The caller's next key after a stored 5xx; none for a request without a key. */
	private renewedKey(key: string | undefined, renewal: number): string | undefined {
		return key === undefined ? undefined : this.caller.renewKeyAfterStoredError?.(key, renewal);
	}

	/** A turn at the account's limiter; nothing is sent once the execution was cancelled, also while waiting for one. */
	private async permit(): Promise<RequestPermit> {
		if (this.cancelled) throw this.requestError(stoppedFailure());
		const permit = await this.limiter.acquire(this.connection.signal);
		if (this.cancelled) {
			permit.release(Number.NaN);
			throw this.requestError(stoppedFailure());
		}
		return permit;
	}

	/** The failure as the user reads it: a refused key names the credential, a missing permission the one needed. */
	private requestError(failure: StripeFailure): StripeRequestError {
		if (failure.kind !== 'credential' && failure.kind !== 'permission')
			return new StripeRequestError(this.node, failure);
		return new StripeRequestError(this.node, {
			...failure,
			credentialName: this.credentialName,
			permissionNeeded: failure.kind === 'permission' ? this.caller.permissionNeeded : undefined,
		});
	}

	/** GET a list endpoint page by page (`starting_after` or search's `page`) until `limit` objects or the end. */
	pages<T extends { id: string }>(request: StripeRequest, limit: number | undefined) {
		return listPages<T>(this, request, limit);
	}

	/** Every object of a list endpoint, page by page, up to `limit` (all when undefined). */
	async collect<T extends { id: string }>(request: StripeRequest, limit: number | undefined) {
		const objects: T[] = [];
		for await (const page of listPages<T>(this, request, limit)) objects.push(...page);
		return objects;
	}
}
