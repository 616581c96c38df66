import { createHash } from 'crypto';
import Stripe from 'stripe';

import type { CustomerCreateRequest, CustomerUpdatePlan } from '../customerParams';
import { sharedRateLimiter, type RequestRateLimiter } from './rateLimiter';

// The one place that talks to Stripe: the SDK client, the shared rate limiter and the 429 retry.

export const DEFAULT_BASE_URL = 'https://api.stripe.com';

const PACKAGE = { name: 'n8n-nodes-stripe-customer', version: '0.1.0', url: 'https://www.npmjs.com/package/n8n-nodes-stripe-customer' };

export interface StripeConnection {
	secretKey: string;
	baseUrl?: string;
	stripeAccount?: string;
}

export interface ClientSettings {
	apiVersion?: string;
	maxRetries: number;
	requestsPerSecond: number;
	timeoutMs?: number;
}

/** A credential problem found before any request. */
export class CredentialError extends Error {}

export function checkSecretKey(secretKey: string | undefined): string {
	const key = (secretKey ?? '').trim();
	if (!key) throw new CredentialError('The Stripe credential has no secret key');
	if (key.startsWith('pk_')) {
		throw new CredentialError(
			'The Stripe credential holds a publishable key (pk_…), which cannot create customers: use a secret key (sk_…) or a restricted key (rk_…) with write access to Customers',
		);
	}
	return key;
}

function parseBaseUrl(baseUrl: string | undefined): { host: string; port: number; protocol: 'http' | 'https' } {
	let url: URL;
	try {
		url = new URL(baseUrl || DEFAULT_BASE_URL);
	} catch {
		throw new CredentialError(`The credential's API base URL "${baseUrl}" is not a URL`);
	}
	const protocol = url.protocol === 'http:' ? 'http' : 'https';
	const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
	return { host: url.hostname, port, protocol };
}

export type StripeCustomer = Stripe.Customer;

export interface CustomerMatch {
	customer: StripeCustomer;
	/** How many customers have the email (at least; Stripe lists at most `limit`). */
	matches: number;
	moreThanListed: boolean;
}

/** Stripe's limit on an Idempotency-Key. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The key for a follow-up request of one item (update, tax ID, attach); hashed when the suffix would push it past Stripe's limit. */
function followUpKey(idempotencyKey: string, suffix: string): string {
	const base =
		idempotencyKey.length + 1 + suffix.length <= MAX_IDEMPOTENCY_KEY_LENGTH
			? idempotencyKey
			: createHash('sha256').update(idempotencyKey).digest('hex');
	return `${base}:${suffix}`;
}

const RATE_LIMIT_BACKOFF_MS = 500;
const RATE_LIMIT_BACKOFF_CAP_MS = 8000;

export class StripeCustomerClient {
	private readonly stripe: Stripe;
	private readonly limiter: RequestRateLimiter;
	private readonly account?: string;
	private readonly maxRetries: number;

	constructor(connection: StripeConnection, settings: ClientSettings) {
		const secretKey = checkSecretKey(connection.secretKey);
		this.account = connection.stripeAccount?.trim() || undefined;
		this.maxRetries = settings.maxRetries;
		this.stripe = new Stripe(secretKey, {
			...parseBaseUrl(connection.baseUrl),
			apiVersion: (settings.apiVersion || undefined) as Stripe.LatestApiVersion | undefined,
			maxNetworkRetries: settings.maxRetries,
			timeout: settings.timeoutMs,
			appInfo: PACKAGE,
			telemetry: false,
			stripeAccount: this.account,
		});
		const keyFingerprint = createHash('sha256').update(secretKey).digest('hex').slice(0, 16);
		const limiterKey = `${connection.baseUrl ?? DEFAULT_BASE_URL}|${keyFingerprint}|${this.account ?? ''}`;
		this.limiter = sharedRateLimiter(limiterKey, settings.requestsPerSecond);
	}

	async create(request: CustomerCreateRequest, idempotencyKey: string): Promise<StripeCustomer> {
		return this.send(() =>
			this.stripe.customers.create(request.params as Stripe.CustomerCreateParams, {
				idempotencyKey,
				...(request.apiVersion ? { apiVersion: request.apiVersion } : {}),
			}),
		);
	}

	/** Updates an existing customer; tax IDs and a payment method, which update does not take, are added by their own calls. */
	async update(
		customerId: string,
		plan: CustomerUpdatePlan,
		idempotencyKey: string,
		apiVersion?: string,
	): Promise<StripeCustomer> {
		const version = apiVersion ? { apiVersion } : {};
		if (plan.paymentMethod) {
			const paymentMethod = plan.paymentMethod;
			await this.send(() =>
				this.stripe.paymentMethods.attach(
					paymentMethod,
					{ customer: customerId },
					{ idempotencyKey: followUpKey(idempotencyKey, 'attach') },
				),
			);
		}
		for (const [index, taxId] of plan.taxIds.entries()) {
			await this.send(() =>
				this.stripe.customers.createTaxId(customerId, taxId, { idempotencyKey: followUpKey(idempotencyKey, `tax_id:${index}`) }),
			);
		}
		return this.send(() =>
			this.stripe.customers.update(customerId, plan.params as Stripe.CustomerUpdateParams, {
				idempotencyKey: followUpKey(idempotencyKey, 'update'),
				...version,
			}),
		);
	}

	/** Exact, immediately consistent lookup (list, not search). Stripe's email filter is case-sensitive, so the lower-case form is asked too. */
	async findByEmail(email: string): Promise<CustomerMatch | undefined> {
		const variants = [...new Set([email, email.toLowerCase()])];
		const found = new Map<string, StripeCustomer>();
		let moreThanListed = false;
		for (const variant of variants) {
			const page = await this.send(() => this.stripe.customers.list({ email: variant, limit: 10 }));
			moreThanListed ||= page.has_more;
			for (const customer of page.data) found.set(customer.id, customer);
		}
		const newestFirst = [...found.values()].sort((a, b) => b.created - a.created);
		if (!newestFirst.length) return undefined;
		return { customer: newestFirst[0], matches: newestFirst.length, moreThanListed };
	}

	/** Every request waits for the shared limiter; a plain 429 (which the SDK does not retry) is retried with the same idempotency key. */
	private async send<T>(call: () => Promise<T>): Promise<T> {
		for (let attempt = 0; ; attempt++) {
			await this.limiter.acquire();
			try {
				return await call();
			} catch (error) {
				if (!(error instanceof Stripe.errors.StripeRateLimitError) || attempt >= this.maxRetries) throw error;
				const backoff = Math.min(RATE_LIMIT_BACKOFF_CAP_MS, RATE_LIMIT_BACKOFF_MS * 2 ** attempt);
				await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
			}
		}
	}
}

/** Stripe's error fields worth showing, without headers or anything else that could carry the key. */
export function describeStripeError(error: unknown) {
	if (!(error instanceof Stripe.errors.StripeError)) return undefined;
	return {
		message: error.message,
		type: error.rawType ?? error.type,
		code: error.code,
		param: error.param,
		statusCode: error.statusCode,
		requestId: error.requestId,
		docUrl: error.doc_url,
	};
}
