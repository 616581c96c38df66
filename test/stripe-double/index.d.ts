/**
 * Stripe API test double (see README.md). Implementation: index.js (CommonJS, // @ts-check).
 */

/** A decoded form value: Stripe's wire format carries only strings, nested in hashes and arrays. */
export type FormValue = string | FormValue[] | FormParams;
export interface FormParams {
  [key: string]: FormValue;
}

export interface FaultOptions {
  /** Fraction (0..1) of POST /v1/customers[/:id] answered 500 before anything is created (not stored for idempotency). */
  error500Rate?: number;
  /** Fraction (0..1) where the customer is created and the idempotent result stored, then the socket is destroyed. */
  dropAfterCreateRate?: number;
  /** Every Nth fault-eligible request (N > 0) starts a burst of 429s ... */
  rateLimitBurstEvery?: number;
  /** ... of this many consecutive fault-eligible requests. */
  rateLimitBurstLength?: number;
}

export type FailHow = { status: 500 | 429 | 402 | 400 | 401 } | { drop: 'before' | 'after-create' };

export interface StartStripeDoubleOptions {
  /** 0 = a free port (default). */
  port?: number;
  /** Accepted Bearer keys; default ['sk_test_double_123']. */
  secretKeys?: string[];
  /** Delay before every /v1 response, errors included (default 0). */
  latencyMs?: number;
  /** Token bucket over all /v1 requests: capacity R, refill R/s; over it → 429. Default: none. */
  rateLimitPerSecond?: number;
  faults?: FaultOptions;
  /** Seeds the fault PRNG (deterministic runs). Default: random. */
  seed?: number;
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

export interface StoredCustomer {
  id: string;
  /** The Stripe-Account header of the create request, or null. */
  account: string | null;
  /** The decoded form body exactly as received (all leaves are strings). */
  params: FormParams;
  /** The customer object (updates are merged into it). */
  customer: DoubleCustomer;
  /** The Stripe-Version header of the create request, or null. */
  apiVersion: string | null;
  idempotencyKey: string | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: FormParams;
  /** Lower-cased request headers; `authorization` is always 'redacted'. */
  headers: Record<string, string | string[] | undefined>;
  /** Decoded body (POST) or decoded query (GET). */
  params: FormParams;
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
  /** Set when a fault decided the outcome, e.g. 'failNext:500', 'burst:429', 'random:500', 'bucket:429', 'random:drop-after-create'. */
  fault?: string;
}

export interface StripeDoubleStats {
  /** Customers created (== customers.length). */
  created: number;
  /** Responses sent, by HTTP status (dropped connections are not counted here). */
  status: Record<number, number>;
  /** Idempotent replays served. */
  replays: number;
  /** Connections destroyed by drop faults. */
  dropped: number;
}

export interface StripeDouble {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  /** In creation order. Cleared in place by reset(). */
  customers: StoredCustomer[];
  /** Every /v1 request, in arrival order (control endpoints are not recorded). Cleared in place by reset(). */
  requests: RecordedRequest[];
  stats(): StripeDoubleStats;
  /** Queue a fault for the next n POST /v1/customers and POST /v1/customers/:id requests (queued before random faults). */
  failNext(n: number, how: FailHow): void;
  /** Replace the random/burst fault configuration ({} turns them off). */
  setFaults(f: FaultOptions): void;
  setLatency(ms: number): void;
  /** undefined turns the token bucket off. */
  setRateLimit(perSecond: number | undefined): void;
  /**
   * Forget customers, requests, idempotency store, stats, faults and the failNext queue; re-seed the PRNG;
   * restore latency and rate limit to the values given to startStripeDouble.
   */
  reset(): void;
  /** Stop listening and destroy open connections. */
  close(): Promise<void>;
}

export function startStripeDouble(options?: StartStripeDoubleOptions): Promise<StripeDouble>;

/** Parameters POST /v1/customers accepts (API 2026-10-28.endive). */
export const CREATE_PARAMS: readonly string[];
/** Parameters POST /v1/customers/:id accepts. */
export const UPDATE_PARAMS: readonly string[];
/** 'coupon', 'promotion_code': accepted only with a Stripe-Version dated before 2025-03-31 (e.g. 2025-02-24.acacia). */
export const LEGACY_PARAMS: readonly string[];
/** 'account_balance', 'business_vat_id', 'default_source': rejected on create with parameter_unknown. */
export const REMOVED_PARAMS: readonly string[];
/** The 135 CustomerCreateParams.TaxIdDatum.Type values of stripe@23.1.0. */
export const TAX_ID_TYPES: readonly string[];
/** '2026-10-28.endive' */
export const DEFAULT_API_VERSION: string;
/** ['sk_test_double_123'] */
export const DEFAULT_SECRET_KEYS: readonly string[];
/** True for API versions dated before 2025-03-31. */
export function isLegacyCouponVersion(apiVersion: string | null | undefined): boolean;
/** Decode Stripe's bracketed form encoding into nested objects/arrays of strings. */
export function decodeForm(input: string): FormParams;
