import type Stripe from 'stripe';
import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { readRequestSettings } from '../helpers/requestSettings';
import { StripeRequestError, type StripeFailure } from '../transport/stripeError';
import { CREDENTIAL_TYPE, PACKAGE_INFO, StripeClient } from '../transport/stripeRequest';
import { PUBLIC_URL_ADVICE } from './webhookUrl';

// Every Stripe call of the trigger: Stripe's webhook endpoints API (create, retrieve, update, list, delete), and the
// errors that say what to do when it fails (Stripe unreachable, a restricted key without the permission, the
// 16-endpoint limit, n8n's URL refused). Where a publish fails, n8n 2.x shows an error's message only, and n8n 1.x a
// NodeApiError's description but any other error's message: so each is a NodeOperationError whose message says it all.

/**
 * How the trigger's calls are sent. n8n waits for them while it publishes and retries a failed activation itself
 * (2.x: 5 tries over about 15 s; 1.x at start: until it works): retries of the trigger's own would multiply its wait,
 * so there are none, and an answer is awaited 10 s at most.
 */
export const TRIGGER_REQUEST_SETTINGS = readRequestSettings({
	maxRetries: 0,
	timeout: 10,
	rateLimitWait: 10,
});

/** Stripe's limit on webhook endpoints per account. */
export const MAX_WEBHOOK_ENDPOINTS = 16;

/** What Stripe said about a failed request, when the transport raised it. */
function failureOf(error: unknown): StripeFailure | undefined {
	return error instanceof StripeRequestError ? error.stripeFailure : undefined;
}

export type WebhookEndpoint = Pick<
	Stripe.WebhookEndpoint,
	| 'id'
	| 'url'
	| 'enabled_events'
	| 'api_version'
	| 'description'
	| 'metadata'
	| 'status'
	| 'livemode'
	| 'secret'
>;

export type EndpointCreateParams = Stripe.WebhookEndpointCreateParams;
export type EndpointUpdateParams = Stripe.WebhookEndpointUpdateParams;

const endpointPath = (endpointId: string) =>
	`/v1/webhook_endpoints/${encodeURIComponent(endpointId)}`;

/** The words a user acts on, for the permission a restricted key lacks. */
export const RESTRICTED_KEY_PERMISSION = 'Webhook Endpoints: Write';

/** One label line per endpoint, for error messages that list endpoints. */
export function describeEndpoint(endpoint: WebhookEndpoint): string {
	return `${endpoint.id} (${endpoint.description || 'no description'}; ${endpoint.url})`;
}

export class WebhookEndpoints {
	private constructor(
		private readonly context: IHookFunctions,
		private readonly client: StripeClient,
		/** The credential's Connected Account ID, if any: every call acts on that account. */
		readonly account: string | undefined,
		/** Whether the credential holds a live-mode key (Stripe delivers live events over HTTPS only). */
		readonly liveMode: boolean,
	) {}

	static async connect(context: IHookFunctions): Promise<WebhookEndpoints> {
		const client = await StripeClient.connect(context, TRIGGER_REQUEST_SETTINGS, {
			permissionNeeded: RESTRICTED_KEY_PERMISSION,
		});
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const account = String(credentials.stripeAccount ?? '').trim() || undefined;
		const liveMode = /^(sk|rk)_live_/.test(String(credentials.secretKey ?? '').trim());
		return new WebhookEndpoints(context, client, account, liveMode);
	}

	/** Whether the calls go to Stripe's own API (not to a local test server or a proxy). */
	get isStripesOwnApi(): boolean {
		return this.client.isStripesOwnApi;
	}

	/** The endpoint, or undefined when Stripe no longer has it. */
	async retrieve(endpointId: string): Promise<WebhookEndpoint | undefined> {
		try {
			return await this.client.request<WebhookEndpoint>({
				method: 'GET',
				path: endpointPath(endpointId),
			});
		} catch (error) {
			if (isMissing(error)) return undefined;
			throw this.explain(error);
		}
	}

	/** Creates an endpoint; Stripe returns its signing secret on create only. */
	async create(params: EndpointCreateParams, idempotencyKey: string): Promise<WebhookEndpoint> {
		try {
			return await this.client.request<WebhookEndpoint>({
				method: 'POST',
				path: '/v1/webhook_endpoints',
				params,
				idempotencyKey,
			});
		} catch (error) {
			const failure = failureOf(error);
			// Stripe refuses a 17th endpoint with a 400; the list shows whether that is why.
			if (failure?.statusCode === 400) {
				const endpoints = await this.list().catch(() => undefined);
				if (endpoints && endpoints.length >= MAX_WEBHOOK_ENDPOINTS)
					throw this.limitError(error, endpoints);
			}
			throw this.explain(error);
		}
	}

	/** Updates an endpoint in place (URL, events, description, metadata, disabled); undefined when Stripe no longer has it. */
	async update(
		endpointId: string,
		params: EndpointUpdateParams,
		idempotencyKey: string,
	): Promise<WebhookEndpoint | undefined> {
		try {
			return await this.client.request<WebhookEndpoint>({
				method: 'POST',
				path: endpointPath(endpointId),
				params,
				idempotencyKey,
			});
		} catch (error) {
			if (isMissing(error)) return undefined;
			throw this.explain(error);
		}
	}

	/** Every endpoint of the account (Stripe allows 16, so one page). */
	async list(): Promise<WebhookEndpoint[]> {
		const endpoints: WebhookEndpoint[] = [];
		try {
			for await (const page of this.client.pages<WebhookEndpoint>(
				{ method: 'GET', path: '/v1/webhook_endpoints' },
				undefined,
			)) {
				endpoints.push(...page);
			}
		} catch (error) {
			throw this.explain(error);
		}
		return endpoints;
	}

	/** Deletes an endpoint; false when Stripe no longer had it. */
	async remove(endpointId: string): Promise<boolean> {
		try {
			await this.client.request({ method: 'DELETE', path: endpointPath(endpointId) });
			return true;
		} catch (error) {
			if (isMissing(error)) return false;
			throw this.explain(error);
		}
	}

	private get credentialName(): string {
		return this.context.getNode().credentials?.[CREDENTIAL_TYPE]?.name ?? 'Stripe Customer API';
	}

	/** The whole story of a failed call in one message: what went wrong, and what to do. */
	private explain(error: unknown): unknown {
		if (!(error instanceof StripeRequestError)) return error;
		const failure = error.stripeFailure;
		if (failure.kind === 'permission') {
			return this.failure(
				`The key of the credential "${this.credentialName}" may not manage webhook endpoints: ${failure.message}. ` +
					`The trigger registers n8n's URL at Stripe as a webhook endpoint: a restricted key (rk_…) needs the permission "${RESTRICTED_KEY_PERMISSION}" ` +
					'(Stripe Dashboard, Developers → API keys → edit the key → "Webhook Endpoints", under "All webhook resources" → Write), or use a secret key (sk_…).',
				failure,
			);
		}
		if (failure.kind === 'stripe' && failure.param === 'url') {
			return this.failure(
				`Stripe refused n8n's webhook URL: ${failure.message} ${PUBLIC_URL_ADVICE}`,
				failure,
			);
		}
		return this.failure(
			[error.message, error.description].filter(Boolean).map(asSentence).join(' '),
			failure,
		);
	}

	private failure(message: string, failure?: StripeFailure): NodeOperationError {
		return new NodeOperationError(this.context.getNode(), message, {
			description: failure?.requestId ? `Stripe request ID: ${failure.requestId}` : undefined,
		});
	}

	private limitError(error: unknown, endpoints: WebhookEndpoint[]): NodeOperationError {
		const ours = endpoints.filter(isPackageEndpoint);
		const removable = ours.length
			? `Endpoints this package (${PACKAGE_INFO.name}) made, which you can remove if their workflows no longer need them: ${ours.map(describeEndpoint).join('; ')}.`
			: 'None of them was made by this package.';
		return this.failure(
			`Stripe allows ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints per account and this account has ${endpoints.length}: remove one in the Stripe Dashboard (Developers → Webhooks), then try again. ${removable}`,
			failureOf(error),
		);
	}
}

/** Text ending in one full stop. */
const asSentence = (text: string | null | undefined) => `${String(text).replace(/\.+$/, '')}.`;

/** The metadata key every endpoint this package makes carries, with the package's name. */
export const PACKAGE_METADATA_KEY = 'n8n_package';

export function isPackageEndpoint(endpoint: WebhookEndpoint): boolean {
	return endpoint.metadata?.[PACKAGE_METADATA_KEY] === PACKAGE_INFO.name;
}

function isMissing(error: unknown): boolean {
	const failure = failureOf(error);
	return failure?.statusCode === 404;
}
