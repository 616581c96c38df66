import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import { encodeStripeForm } from './formEncoding';
import type { StripeFailure } from './stripeError';

// One try of one Stripe request: n8n's httpRequestWithAuthentication with the package's credential (whose
// `authenticate` attaches the key), Stripe's form encoding and headers; and what Stripe's answer says.

export const CREDENTIAL_TYPE = 'stripeCustomerApi';
/** The Stripe API version the node is written and tested against (the one stripe@23.1.0 pins). */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

/** What the package tells Stripe about itself; test/transport/stripeRequest.test.ts keeps `version` equal to package.json's. */
export const PACKAGE_INFO = {
	name: 'n8n-nodes-stripe-customer',
	version: '1.0.0',
	url: 'https://github.com/n8n-nodes-stripe-customer/n8n-nodes-stripe-customer',
};
// Stripe asks plugins to name themselves in the User-Agent (what its client calls appInfo).
const USER_AGENT = `${PACKAGE_INFO.name}/${PACKAGE_INFO.version} (${PACKAGE_INFO.url})`;

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

export type StripeCallContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

/** Where and how a client's requests go. */
export interface Connection {
	context: StripeCallContext;
	baseUrl: string;
	/** Stripe-Version of the run's requests; empty = DEFAULT_API_VERSION. */
	apiVersion?: string;
	timeoutMs: number;
	/** The execution's cancel signal: it aborts the request in flight. */
	signal?: AbortSignal;
}

export interface HttpResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** What a non-2xx answer of Stripe says: the failure in Stripe's words, and what bears on a retry. */
export interface StripeAnswer {
	statusCode: number;
	/** Stripe's stored answer to this idempotency key, replayed (Idempotent-Replayed: true). */
	replayed: boolean;
	/** Stripe-Should-Retry, when Stripe sent it. */
	shouldRetry?: boolean;
	/** Retry-After, in milliseconds, when Stripe sent it. */
	retryAfterMs?: number;
	failure: StripeFailure;
}

/** Sends one request as it is (no retry); resolves with any answer, a 4xx or 5xx included. */
export async function sendRequest(
	connection: Connection,
	request: StripeRequest,
): Promise<HttpResponse> {
	const encoded = request.params ? encodeStripeForm(request.params) : '';
	const isPost = request.method === 'POST';
	const headers: IDataObject = {
		Accept: 'application/json',
		'User-Agent': USER_AGENT,
		'Stripe-Version': request.apiVersion || connection.apiVersion || DEFAULT_API_VERSION,
	};
	if (isPost) headers['Content-Type'] = 'application/x-www-form-urlencoded';
	if (isPost && request.idempotencyKey) headers['Idempotency-Key'] = request.idempotencyKey;
	const options: IHttpRequestOptions = {
		method: request.method as IHttpRequestMethods,
		url: `${connection.baseUrl}${request.path}${!isPost && encoded ? `?${encoded}` : ''}`,
		headers,
		body: isPost ? encoded : undefined,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: connection.timeoutMs,
		abortSignal: connection.signal,
	};
	const { context } = connection;
	const response = (await context.helpers.httpRequestWithAuthentication.call(
		context,
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

function header(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** Whether Stripe answered with the stored result of an earlier request with the same idempotency key. */
export function isReplayed(response: HttpResponse): boolean {
	return header(response.headers, 'idempotent-replayed') === 'true';
}

/** A non-2xx answer, read. */
export function readAnswer(response: HttpResponse): StripeAnswer {
	const advice = header(response.headers, 'stripe-should-retry');
	return {
		statusCode: response.statusCode,
		replayed: isReplayed(response),
		shouldRetry: advice === 'true' ? true : advice === 'false' ? false : undefined,
		retryAfterMs: retryAfterMs(response.headers),
		failure: stripeFailureOf(response),
	};
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

function stripeFailureOf(response: HttpResponse): StripeFailure {
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
		requestId: header(response.headers, 'request-id'),
	};
}
