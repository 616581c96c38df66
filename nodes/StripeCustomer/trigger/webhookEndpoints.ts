import type Stripe from 'stripe';
import { NodeApiError, type IHookFunctions, type JsonObject } from 'n8n-workflow';

import { readRequestSettings } from '../helpers/requestSettings';
import { StripeRequestError, type StripeFailure } from '../transport/stripeError';
import { CREDENTIAL_TYPE, PACKAGE_INFO, StripeClient } from '../transport/stripeRequest';

// Every Stripe call of the trigger: Stripe's webhook endpoints API (create, retrieve, update, list, delete), and the
// errors that say what to do when Stripe refuses (a restricted key without the permission, the 16-endpoint limit).

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
	) {}

	static async connect(context: IHookFunctions): Promise<WebhookEndpoints> {
		// The trigger has no request options: the action node's defaults.
		const client = await StripeClient.connect(context, readRequestSettings({}), {
			permissionNeeded: RESTRICTED_KEY_PERMISSION,
		});
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const account = String(credentials.stripeAccount ?? '').trim() || undefined;
		return new WebhookEndpoints(context, client, account);
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

	/** A restricted key without the webhook permission gets an error that names the permission; others pass as the transport made them. */
	private explain(error: unknown): unknown {
		if (!(error instanceof StripeRequestError) || error.stripeFailure.kind !== 'permission')
			return error;
		const failure = error.stripeFailure;
		return new NodeApiError(this.context.getNode(), error.fields as JsonObject, {
			message: `The key of the credential "${this.credentialName}" may not manage webhook endpoints: ${failure.message}`,
			description:
				`The trigger registers its URL at Stripe as a webhook endpoint. A restricted key (rk_…) needs the permission "${RESTRICTED_KEY_PERMISSION}": ` +
				'in the Stripe Dashboard, Developers → API keys → edit the key → "Webhook Endpoints" (under "All webhook resources") → Write; or use a secret key (sk_…).' +
				(failure.requestId ? ` Request: ${failure.requestId}.` : ''),
			httpCode: '403',
		});
	}

	private limitError(error: unknown, endpoints: WebhookEndpoint[]): NodeApiError {
		const failure = failureOf(error);
		const fields = error instanceof StripeRequestError ? error.fields : {};
		const ours = endpoints.filter(isPackageEndpoint);
		const removable = ours.length
			? `Endpoints made by this package (${PACKAGE_INFO.name}) that you could remove if their workflows no longer need them: ${ours.map(describeEndpoint).join('; ')}.`
			: 'None of them was made by this package.';
		return new NodeApiError(this.context.getNode(), fields as JsonObject, {
			message: `Stripe allows ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints per account and this account has ${endpoints.length}: remove one in the Stripe Dashboard (Developers → Webhooks), then activate again`,
			description: `${removable}${failure ? ` Stripe said: ${failure.message}` : ''}`,
			httpCode: failure?.statusCode ? String(failure.statusCode) : undefined,
		});
	}
}

/** The metadata key every endpoint this package makes carries, with the package's name. */
export const PACKAGE_METADATA_KEY = 'n8n_package';

export function isPackageEndpoint(endpoint: WebhookEndpoint): boolean {
	return endpoint.metadata?.[PACKAGE_METADATA_KEY] === PACKAGE_INFO.name;
}

function isMissing(error: unknown): boolean {
	const failure = failureOf(error);
	return failure?.statusCode === 404;
}
