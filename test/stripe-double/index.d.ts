/**
 * Stripe API test double (see README.md). Implementation: index.js (CommonJS, // @ts-check).
 */

/** A decoded form value: Stripe's wire format carries only strings, nested in hashes and arrays. */
export type FormValue = string | FormValue[] | FormParams;
export interface FormParams {
	[key: string]: FormValue;
}

/**
 * Which routes faults apply to: route names as registered, `'METHOD /v1/path/:param'` (e.g.
 * `'POST /v1/customers/:id/tax_ids'`, `'GET /v1/customers/search'`), or `'*'` for every /v1 route. Unset: the
 * customer writes (`POST /v1/customers`, `POST /v1/customers/:id`, `DELETE /v1/customers/:id`).
 */
export type RouteSelector = '*' | string | string[];

export interface FaultOptions {
	/** Fraction (0..1) of the selected requests answered 500 before anything changes (nothing stored for idempotency). */
	error500Rate?: number;
	/** Fraction (0..1) where the change is made and the idempotent result stored, then the socket is destroyed. */
	dropAfterCreateRate?: number;
	/** Every Nth selected request (N > 0) starts a burst of 429s ... */
	rateLimitBurstEvery?: number;
	/** ... of this many consecutive selected requests. */
	rateLimitBurstLength?: number;
	/**
	 * A sustained rate limit (a busy account shared with other integrations): every /v1 request arriving in the
	 * first `forMs` of each `everyMs` period gets a 429 (periods count from the moment the faults were set).
	 */
	rateLimitWindow?: { everyMs: number; forMs: number };
	/** Where error500Rate, dropAfterCreateRate and the bursts apply (default: the customer writes). */
	routes?: RouteSelector;
	/** Stripe-Should-Retry on the limiters' 429s (window, bucket, burst, concurrency); unset: no header, as Stripe mostly sends. */
	rateLimitShouldRetry?: boolean;
}

/**
 * An injected answer. Without `after`, the request is refused before it executes: nothing changes and nothing is
 * stored for its idempotency key. With `after`, it executed and then failed ('rollback': nothing changed;
 * 'commit': the change was made), and its answer is stored and replayed for the key, as Stripe stores every
 * executed request's answer. `shouldRetry` sets Stripe-Should-Retry (null: none); by default it is what Stripe
 * sends: 'true' on a 500 that stored nothing, 409 and 429 lock_timeout; 'false' on a stored 500, 400, 402, 404.
 * 500 api_error; 429 rate_limit or lock_timeout; 409 idempotency_key_in_use; 403 a restricted key without the
 * permission (stripe-node: StripePermissionError); 402 a card error with `decline_code` (default
 * 'generic_decline'); 401 invalid key; 400 invalid request.
 */
export type FailHow =
	| {
			status: 500 | 429 | 409 | 403 | 402 | 401 | 400;
			decline_code?: string;
			code?: 'rate_limit' | 'lock_timeout';
			after?: 'rollback' | 'commit';
			shouldRetry?: boolean | null;
	  }
	/** The connection is destroyed before anything happens, or after the change was made and stored. */
	| { drop: 'before' | 'after-create' }
	/** This request is answered this much later (on top of the latency), otherwise normally. */
	| { delayMs: number };

export interface StartStripeDoubleOptions {
	/** 0 = a free port (default). */
	port?: number;
	/** Accepted API keys, all of the account 'acct_double' (the platform); default ['sk_test_double_123']. */
	secretKeys?: string[];
	/**
	 * More accounts and their keys, e.g. `{acct_platform: ['sk_test_…', 'rk_test_…']}`: a secret and a restricted key
	 * of one account share its customers and its idempotency keys.
	 */
	accounts?: Record<string, string[]>;
	/**
	 * Stripe's concurrency limiter: a request that arrives while this many requests of the same account are in
	 * flight gets a 429 rate_limit (nothing stored). Default: none.
	 */
	concurrencyLimit?: number;
	/** How long an idempotency key's stored answer is replayed. Default 24 h (Stripe: at least 24 hours). */
	idempotencyTtlMs?: number;
	/** Delay before every /v1 response, errors included (default 0). */
	latencyMs?: number;
	/**
	 * Token bucket over all /v1 requests of the whole double (every key, account and client process):
	 * capacity R, refill R/s; over it → 429. Default: none.
	 */
	rateLimitPerSecond?: number;
	/** Send `Retry-After: N` with every 429. Default: none (Stripe mostly sends none). */
	retryAfterSeconds?: number;
	/** Search lags writes by this long (Stripe: up to about a minute); list stays consistent. Default 1000. */
	searchLagMs?: number;
	/** Serve TLS with a self-signed certificate made by the `openssl` CLI (see caPem / caFile). Default false. */
	https?: boolean;
	faults?: FaultOptions;
	/** Seeds the fault PRNG (deterministic runs). Default: random. */
	seed?: number;
	/**
	 * Back-off before each retry of a webhook delivery that got no 2xx (the number of entries is the number of
	 * retries). Default [100, 200, 400, 800, 1600] (Stripe: hours, for up to 3 days).
	 */
	webhookRetryDelaysMs?: readonly number[];
	/** How long a webhook receiver may take to answer before the attempt counts as failed. Default 10000. */
	webhookTimeoutMs?: number;
	/**
	 * Accept webhook endpoint URLs on this machine or a private network (loopback, private addresses, `localhost`),
	 * for a local setup: Stripe refuses them ("URL must be publicly accessible"), and so does the double without this.
	 */
	localWebhookUrls?: boolean;
}

export interface StripeErrorBody {
	type: string;
	code?: string;
	message: string;
	param?: string;
	doc_url?: string;
	decline_code?: string;
}

export interface DoubleAddress {
	city: string | null;
	country: string | null;
	line1: string | null;
	line2: string | null;
	postal_code: string | null;
	state: string | null;
}

/** The customer object the double returns (a subset of Stripe.Customer, same field names and types). */
export interface DoubleCustomer {
	id: string;
	object: 'customer';
	address: DoubleAddress | null;
	balance: number;
	business_name: string | null;
	created: number;
	currency: string | null;
	customer_account: string | null;
	default_source: string | null;
	delinquent: boolean;
	description: string | null;
	/** null unless `coupon` / `promotion_code` was sent (API versions before 2025-03-31 only). */
	discount: { coupon: { id: string } | null; promotion_code?: string | null } | null;
	email: string | null;
	individual_name: string | null;
	invoice_prefix: string;
	invoice_settings: {
		custom_fields: { name: string; value: string }[] | null;
		default_payment_method: string | null;
		footer: string | null;
		rendering_options: { amount_tax_display: string | null; template: string | null } | null;
	};
	livemode: false;
	metadata: Record<string, string>;
	name: string | null;
	next_invoice_sequence: number;
	phone: string | null;
	preferred_locales: string[];
	shipping: { address: DoubleAddress | null; name: string | null; phone: string | null } | null;
	tax_exempt: 'none' | 'exempt' | 'reverse' | string;
	test_clock: string | null;
	/** Only when the request asked for `expand: ['tax_ids']`. */
	tax_ids?: { object: 'list'; data: DoubleTaxId[]; has_more: boolean; url: string };
}

export interface DoubleTaxId {
	id: string;
	object: 'tax_id';
	country: string | null;
	created: number;
	customer: string;
	livemode: false;
	type: string;
	value: string;
}

/** A customer balance transaction (Stripe.CustomerBalanceTransaction, same field names and types). */
export interface DoubleBalanceTransaction {
	id: string;
	object: 'customer_balance_transaction';
	/** Negative: a credit; positive: a debit. */
	amount: number;
	checkout_session: null;
	created: number;
	credit_note: null;
	currency: string;
	customer: string;
	customer_account: null;
	description: string | null;
	/** The balance the transaction moved (the customer's own currency, or the transaction's), after it. */
	ending_balance: number;
	invoice: null;
	livemode: false;
	metadata: Record<string, string>;
	type: 'adjustment';
}

export interface StoredCustomer {
	id: string;
	/** The Stripe-Account header of the create request, or null (the platform). */
	account: string | null;
	/** The decoded form body exactly as received (all leaves are strings). */
	params: FormParams;
	/** The customer object (updates are merged into it). */
	customer: DoubleCustomer;
	/** The Stripe-Version header of the create request, or null. */
	apiVersion: string | null;
	idempotencyKey: string | null;
	/**
	 * Payment methods attached (create's `payment_method`, POST /v1/payment_methods/:id/attach), oldest first; a test
	 * payment method (`pm_card_visa`…) is attached as a new `pm_…`; a detached one is removed.
	 */
	paymentMethods: string[];
	/** Set once the customer was deleted (it stays in `customers`). */
	deleted?: true;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: FormParams;
	/** Lower-cased request headers; `authorization` is always 'redacted'. */
	headers: Record<string, string | string[] | undefined>;
	/** Decoded body (POST) or decoded query (GET, DELETE). */
	params: FormParams;
	/** The request body exactly as received ('' for GET). */
	rawBody: string;
	/** The Content-Type header, or null. */
	contentType: string | null;
	/** The connection (TCP, or TLS over TCP) that carried the request: equal ids = one kept-alive connection. */
	connectionId: number;
	/** HTTP status sent; 0 while still pending or when the connection was dropped. */
	status: number;
	idempotencyKey: string | null;
	apiVersion: string | null;
	account: string | null;
	replayed: boolean;
	/** Arrival time, ms since epoch. */
	at: number;
	/** The Request-Id header sent back. */
	requestId: string;
	/** Set when the connection was destroyed instead of answered. */
	dropped?: 'before' | 'after-create';
	/**
	 * Set when a fault decided the outcome, e.g. 'failNext:500', 'failNext:500-after-commit', 'failNext:delay-200',
	 * 'burst:429', 'random:500', 'bucket:429', 'window:429', 'concurrency:429', 'random:drop-after-create'.
	 */
	fault?: string;
}

/** A webhook endpoint as the double keeps it (`endpoint` is what the API answers, without the secret). */
export interface StoredWebhookEndpoint {
	id: string;
	/** The Stripe-Account header of the create request, or null. */
	account: string | null;
	/** The account it belongs to (store key; '' = the platform). */
	accountKey: string;
	/** A Connect endpoint: receives the events of connected accounts (with `account`). */
	connect: boolean;
	/** The signing secret (whsec_…), returned by the API on create only. */
	secret: string;
	endpoint: {
		id: string;
		object: 'webhook_endpoint';
		api_version: string | null;
		application: null;
		created: number;
		description: string | null;
		enabled_events: string[];
		livemode: false;
		metadata: Record<string, string>;
		status: 'enabled' | 'disabled';
		url: string;
	};
	deleted?: true;
}

/** An event (`evt_…`) as delivered and as `GET /v1/events/:id` answers it. */
export interface DoubleEvent {
	id: string;
	object: 'event';
	/** The connected account the event happened on (Connect). */
	account?: string;
	api_version: string;
	created: number;
	data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
	livemode: false;
	/** Endpoints that have not acknowledged it yet. */
	pending_webhooks: number;
	request: { id: string | null; idempotency_key: string | null };
	type: string;
}

export interface StoredEvent {
	id: string;
	/** The connected account it happened on, or null (the platform). */
	account: string | null;
	accountKey: string;
	event: DoubleEvent;
}

/** How a delivery is signed: as Stripe does, or one of the ways a receiver must refuse. */
export type WebhookSigning =
	| 'valid'
	| 'wrong-secret'
	| 'old-timestamp'
	| 'missing'
	| 'tampered-body';

/** One POST of an event to a webhook endpoint, with the receiver's answer. */
export interface DeliveryAttempt {
	/** Order in which attempts started. */
	seq: number;
	eventId: string;
	type: string;
	endpointId: string;
	url: string;
	/** 1 = the first attempt of this event to this endpoint, 2 = the first retry…; 0 = a one-off `webhooks.send`. */
	attempt: number;
	/** The second copy of an attempt (`webhooks.failNext(n, 'duplicate')`). */
	duplicate: boolean;
	signing: WebhookSigning;
	/** ms since epoch. */
	at: number;
	/** The Stripe-Signature header sent (null with signing 'missing'). */
	signature: string | null;
	/** The raw body sent (pretty-printed JSON, as Stripe sends it). */
	body: string;
	/** The receiver's HTTP status; 0 while pending or when it did not answer. */
	status: number;
	/** Why there was no answer (ECONNREFUSED, a timeout…). */
	error?: string;
	/** The start of the receiver's answer. */
	response: string;
	/** How long the receiver took. */
	ms: number;
}

/** Webhook delivery controls. */
export interface WebhookControls {
	/** Hold deliveries (they wait, in order) until resume(). */
	pause(): void;
	resume(): void;
	/**
	 * The next n deliveries: 'duplicate' = delivered twice; 'wrong-signature' = signed with another secret;
	 * 'old-timestamp' = signed 10 minutes ago. A delivery the receiver refuses is retried as usual (correctly signed).
	 */
	failNext(n: number, how: 'duplicate' | 'wrong-signature' | 'old-timestamp'): void;
	/** Replace the back-off before each retry (ms); reset() restores the start option. */
	setRetryDelays(ms: readonly number[]): void;
	/** Fire an arbitrary event (stored, listed, delivered like any other); `account`: a connected account's id. */
	fire(spec: {
		type: string;
		object?: Record<string, unknown>;
		account?: string | null;
		previousAttributes?: Record<string, unknown>;
	}): DoubleEvent;
	/** One POST to an endpoint, not retried: an existing event (`event`: its id) or any payload, signed as asked. */
	send(
		endpointId: string,
		how?: {
			event?: string;
			payload?: Record<string, unknown>;
			signing?: WebhookSigning;
			timestamp?: number;
		},
	): Promise<DeliveryAttempt>;
	/** Resolves true once no delivery is running or waiting to be retried (held ones of a paused double aside), false after timeoutMs (default 10000). */
	idle(timeoutMs?: number): Promise<boolean>;
	/** The Stripe-Signature header Stripe sends for a body: `t=<timestamp>,v1=<HMAC-SHA256(secret, "t.body")>`. */
	signatureHeader(body: string, secret: string, timestamp?: number): string;
}

/** A customer portal configuration of an account (the double keeps only what sessions use). */
export interface DoublePortalConfiguration {
	id: string;
	/** The account it belongs to ('acct_double' unless a connected account). */
	account: string;
	/** The one saving the portal settings in the Dashboard makes; sessions without `configuration` use it. */
	is_default: boolean;
	active: boolean;
	default_return_url: string | null;
}

/** A portal session as the double answered it, with the account it was made in. */
export interface DoublePortalSession {
	id: string;
	object: 'billing_portal.session';
	configuration: string;
	created: number;
	customer: string;
	flow: Record<string, unknown> | null;
	livemode: false;
	locale: string | null;
	return_url: string | null;
	url: string;
	account: string;
}

/** The customer portal: no configuration until `saveSettings()` (as a new Stripe account), reset() forgets them. */
export interface BillingPortalControls {
	configurations: DoublePortalConfiguration[];
	/** Every session made, oldest first. */
	sessions: DoublePortalSession[];
	/** What saving the portal settings in the Dashboard does: a new default configuration of the account. */
	saveSettings(spec?: {
		account?: string;
		defaultReturnUrl?: string | null;
	}): DoublePortalConfiguration;
	/** A configuration made with the API (not the default). */
	createConfiguration(spec?: {
		account?: string;
		defaultReturnUrl?: string | null;
		active?: boolean;
	}): DoublePortalConfiguration;
}

export interface SecondCounters {
	/** Seconds since start or the last reset (0 = the first second). */
	second: number;
	/** /v1 requests that arrived in this second. */
	requests: number;
	/** POST /v1/customers requests that arrived in this second. */
	createRequests: number;
	/** 429s sent to requests that arrived in this second. */
	status429: number;
}

export interface StripeDoubleStats {
	/** Customers created (== customers.length, deleted ones included). */
	created: number;
	/** Customers deleted. */
	deleted: number;
	/** Responses sent, by HTTP status (dropped connections are not counted here). */
	status: Record<number, number>;
	/** Idempotent replays served. */
	replays: number;
	/** Connections destroyed by drop faults. */
	dropped: number;
	/** POST /v1/customers requests received: 429s, replays and errors included. */
	createRequests: number;
	/** TCP connections accepted on the API port (control requests on that port included). */
	connections: number;
	/** Full TLS handshakes (HTTPS only). */
	tlsHandshakes: number;
	/** Resumed TLS sessions (HTTPS only). */
	tlsResumed: number;
	/** Per-second counters since start / the last reset, one entry per second (dense). */
	perSecond: SecondCounters[];
	/** The most requests of one account in flight at once (past the rate limiters and authentication). */
	maxInFlight: number;
}

export interface StripeDouble {
	/** 'http://127.0.0.1:PORT', or 'https://127.0.0.1:PORT' with the https option. */
	url: string;
	port: number;
	/** Where /_double/* answers over plain HTTP: `url` itself, or a second port for an HTTPS double. */
	controlUrl: string;
	/** HTTPS only: the self-signed certificate (PEM), to pass as `ca` to a client. */
	caPem?: string;
	/** HTTPS only: the same certificate as a file (e.g. for NODE_EXTRA_CA_CERTS); removed by close(). */
	caFile?: string;
	/** In creation order. Cleared in place by reset(). */
	customers: StoredCustomer[];
	/** Every /v1 request, in arrival order (control endpoints are not recorded). Cleared in place by reset(). */
	requests: RecordedRequest[];
	/** Every customer balance transaction, in creation order. Cleared in place by reset(). */
	balanceTransactions: DoubleBalanceTransaction[];
	/** In creation order, deleted ones included. Cleared in place by reset(). */
	webhookEndpoints: StoredWebhookEndpoint[];
	/** Every event, oldest first. Cleared in place by reset(). */
	events: StoredEvent[];
	/** Every webhook delivery attempt, in the order they started. Cleared in place by reset(). */
	deliveries: DeliveryAttempt[];
	webhooks: WebhookControls;
	billingPortal: BillingPortalControls;
	stats(): StripeDoubleStats;
	/**
	 * Queue a fault for the next n requests of the selected routes (default: the customer writes); queued faults
	 * come before random ones.
	 */
	failNext(n: number, how: FailHow, on?: RouteSelector): void;
	/** Replace the random/burst fault configuration ({} turns them off). */
	setFaults(f: FaultOptions): void;
	setLatency(ms: number): void;
	/** undefined turns the token bucket off. */
	setRateLimit(perSecond: number | undefined): void;
	/** undefined: no Retry-After header on 429s. */
	setRetryAfter(seconds: number | undefined): void;
	/** How long search lags writes (0 = immediately consistent). */
	setSearchLag(ms: number): void;
	/** Requests in flight per account above which Stripe's concurrency limiter answers 429 (undefined: no limit). */
	setConcurrencyLimit(n: number | undefined): void;
	/** How long stored idempotent answers are replayed (keys stored earlier expire by the new rule). */
	setIdempotencyTtl(ms: number): void;
	/**
	 * Forget customers, balance transactions, webhook endpoints, events, deliveries, requests, idempotency store,
	 * stats, faults and the failNext queues; re-seed the PRNG; restore every setting (latency, rate limit,
	 * Retry-After, search lag, concurrency limit, idempotency TTL, webhook retry delays) to the values given to
	 * startStripeDouble.
	 */
	reset(): void;
	/** Stop listening, destroy open connections, remove the certificate folder. */
	close(): Promise<void>;
}

export function startStripeDouble(options?: StartStripeDoubleOptions): Promise<StripeDouble>;

/** Parameters POST /v1/customers accepts (API 2026-10-28.endive). */
export const CREATE_PARAMS: readonly string[];
/** Parameters POST /v1/customers/:id accepts. */
export const UPDATE_PARAMS: readonly string[];
/** 'coupon', 'promotion_code': accepted only with a Stripe-Version dated before 2025-03-31 (e.g. 2025-02-24.acacia). */
export const LEGACY_PARAMS: readonly string[];
/** The 135 CustomerCreateParams.TaxIdDatum.Type values of stripe@23.1.0. */
export const TAX_ID_TYPES: readonly string[];
/** The 57 CustomerListPaymentMethodsParams.Type values of stripe@23.1.0 (the `type` filter of a customer's list). */
export const PAYMENT_METHOD_TYPES: readonly string[];
/** '2026-10-28.endive' */
export const DEFAULT_API_VERSION: string;
/** ['sk_test_double_123'] */
export const DEFAULT_SECRET_KEYS: readonly string[];
/** 1000: how long search lags writes unless `searchLagMs` says otherwise. */
export const DEFAULT_SEARCH_LAG_MS: number;
/** 'acct_double': the account of DEFAULT_SECRET_KEYS and of `secretKeys`. */
export const DEFAULT_ACCOUNT: string;
/** True for API versions dated before 2025-03-31. */
export function isLegacyCouponVersion(apiVersion: string | null | undefined): boolean;
/** Decode Stripe's bracketed form encoding into nested objects/arrays of strings. */
export function decodeForm(input: string): FormParams;
/** The event types a webhook endpoint can enable ('*' first), from stripe@23.1.0. */
export const EVENT_TYPES: readonly string[];
/** The Stripe-Signature header for a webhook body (see WebhookControls.signatureHeader). */
export function webhookSignatureHeader(body: string, secret: string, timestamp?: number): string;
