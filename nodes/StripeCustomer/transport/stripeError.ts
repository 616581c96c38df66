import { NodeApiError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

// The transport's one error type: what went wrong with one Stripe request, in words a user can act on, carrying
// Stripe's fields (type, code, param, request ID…) and never anything that could hold the key.

export type ConnectionCause = 'refused' | 'dns' | 'timeout' | 'closed' | 'unreachable' | 'tls' | 'ssrf' | 'cancelled' | 'other';

export interface StripeFailure {
	/**
	 * stripe: Stripe refused this request (the item's problem); rateLimit: still 429 after waiting;
	 * credential / permission: the key was refused (every request would fail);
	 * connection: Stripe could not be reached; cancelled: the execution was stopped.
	 */
	kind: 'stripe' | 'rateLimit' | 'credential' | 'permission' | 'connection' | 'cancelled';
	message: string;
	statusCode?: number;
	type?: string;
	code?: string;
	param?: string;
	declineCode?: string;
	docUrl?: string;
	requestId?: string;
	credentialName?: string;
	waitedSeconds?: number;
	connection?: { cause: ConnectionCause; detail: string; hostPort: string; whose: string; attempts: number };
}

/** Causes that fail every request alike (the host cannot be reached at all), unlike a connection dropped once. */
const HOST_CAUSES: ConnectionCause[] = ['refused', 'dns', 'unreachable', 'tls', 'ssrf'];

const CONNECTION_WORDS: Record<ConnectionCause, string> = {
	refused: 'connection refused by',
	dns: 'no DNS entry for',
	timeout: 'no answer in time from',
	closed: 'the connection was closed by',
	unreachable: 'no route to',
	tls: 'the TLS certificate was not accepted for',
	ssrf: "n8n's SSRF protection blocked",
	cancelled: 'the execution was cancelled while calling',
	other: 'the request failed for',
};

function connectionMessage(failure: StripeFailure): { message: string; description: string } {
	const connection = failure.connection!;
	const where = `${connection.hostPort} (${connection.whose})`;
	const message = `Could not reach Stripe: ${CONNECTION_WORDS[connection.cause]} ${where}`;
	const hints: Record<ConnectionCause, string> = {
		refused: 'Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running.',
		dns: 'Check the host name of the API Base URL, and that this n8n instance can resolve it.',
		timeout: 'Check the network between n8n and that host (firewall, proxy settings HTTP_PROXY / HTTPS_PROXY).',
		closed: 'The server or a proxy closed the connection without an answer.',
		unreachable: 'Check the network between n8n and that host.',
		tls: `The certificate check failed (${connection.detail}): use https://api.stripe.com, or a test server whose certificate this n8n trusts.`,
		ssrf: 'An n8n admin can allow this host with N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES.',
		cancelled: 'The execution was stopped.',
		other: connection.detail,
	};
	const tries = connection.attempts > 1 ? ` Tried ${connection.attempts} times.` : '';
	return { message, description: `${hints[connection.cause]}${tries}` };
}

function credentialMessage(failure: StripeFailure): { message: string; description: string } {
	const name = failure.credentialName ?? 'Stripe Customer API';
	if (failure.kind === 'permission') {
		return {
			message: `The key of the credential "${name}" may not do this: ${failure.message}`,
			description: `Stripe answered 403 (permission_error). A restricted key (rk_…) needs write access to Customers (and read access for Get, Get Many and Search): edit its permissions in the Stripe Dashboard, or use a secret key (sk_…).${failure.requestId ? ` Request: ${failure.requestId}.` : ''}`,
		};
	}
	return {
		// Without a status code the node refused the credential itself, before asking Stripe.
		message: failure.statusCode === undefined ? failure.message : `Stripe refused the credential "${name}": ${failure.message}`,
		description:
			'Check the credential: it needs a secret key (sk_test_… or sk_live_…) or a restricted key (rk_…) of this Stripe account, not a publishable key (pk_…), and the key must not have been rolled or revoked. The credential window\'s "Test" button checks it.',
	};
}

/** Stripe's own explanation, as shown for an item: code, decline code, param and request ID. */
function stripeDetails(failure: StripeFailure): string {
	return [
		failure.code && `code: ${failure.code}`,
		failure.declineCode && `decline code: ${failure.declineCode}`,
		failure.param && `param: ${failure.param}`,
		failure.requestId && `request: ${failure.requestId}`,
	]
		.filter(Boolean)
		.join(', ');
}

function stripeMessage(failure: StripeFailure): string {
	if (failure.kind === 'rateLimit') {
		return `Stripe: ${failure.message} (rate-limited for ${failure.waitedSeconds ?? 0} s without any request of this account succeeding: lower Options → Requests Per Second or Concurrency, or raise Rate-Limit Wait)`;
	}
	if (failure.type === 'idempotency_error') {
		return `Stripe: ${failure.message} (this idempotency key was already used with other values in the last 24 hours: with a custom key, give each customer its own; see Options → Idempotency)`;
	}
	return `Stripe: ${failure.message}`;
}

function describeFailure(failure: StripeFailure): { message: string; description?: string } {
	if (failure.kind === 'connection' || failure.kind === 'cancelled') return connectionMessage(failure);
	if (failure.kind === 'credential' || failure.kind === 'permission') return credentialMessage(failure);
	return { message: stripeMessage(failure), description: stripeDetails(failure) || undefined };
}

/** Stripe's fields of a failure, as an error item shows them (no key, no headers). */
function failureFields(failure: StripeFailure): IDataObject {
	const fields: IDataObject = {
		type: failure.type,
		code: failure.code,
		declineCode: failure.declineCode,
		param: failure.param,
		statusCode: failure.statusCode,
		requestId: failure.requestId,
		docUrl: failure.docUrl,
	};
	for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
	return fields;
}

/** A failed Stripe request. The transport does not know items: `forItem` tells the same failure for one. */
export class StripeRequestError extends NodeApiError {
	constructor(
		node: INode,
		readonly stripeFailure: StripeFailure,
		itemIndex?: number,
	) {
		const { message, description } = describeFailure(stripeFailure);
		super(node, failureFields(stripeFailure) as JsonObject, {
			message: itemIndex === undefined ? message : `[item ${itemIndex}] ${message}`,
			description,
			httpCode: stripeFailure.statusCode ? String(stripeFailure.statusCode) : undefined,
			itemIndex,
		});
	}

	/** Whether the failure is nobody's item (the key was refused, the host cannot be reached): the run stops. */
	get stopsRun(): boolean {
		const { kind, connection } = this.stripeFailure;
		if (kind === 'connection') return HOST_CAUSES.includes(connection!.cause);
		return kind === 'credential' || kind === 'permission' || kind === 'cancelled';
	}

	/** The same failure told for one item; a failure that stops the run is nobody's item and stays as it is. */
	forItem(itemIndex: number): StripeRequestError {
		return this.stopsRun ? this : new StripeRequestError(this.node, this.stripeFailure, itemIndex);
	}

	/** Stripe's fields (type, code, param, request ID…) for an error item. */
	get fields(): IDataObject {
		return failureFields(this.stripeFailure);
	}
}
