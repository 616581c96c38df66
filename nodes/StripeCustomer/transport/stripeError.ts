import { NodeApiError, type IDataObject, type INode, type JsonObject } from 'n8n-workflow';

// The transport's one error type: what went wrong with one Stripe request, in words a user can act on, carrying
// Stripe's fields (type, code, param, request ID…) and never anything that could hold the key.

export type ConnectionCause =
	| 'refused'
	| 'dns'
	| 'timeout'
	| 'closed'
	| 'unreachable'
	| 'tls'
	| 'ssrf'
	| 'other';

export interface StripeFailure {
	/**
	 * stripe: Stripe refused this request (the item's problem); rateLimit: still 429 after waiting;
	 * credential / permission: the key was refused (every request would fail);
	 * connection: Stripe could not be reached (the network); cancelled: the execution was stopped;
	 * unexpected: the request failed in n8n for another reason (`message` is that exception's).
	 */
	kind:
		| 'stripe'
		| 'rateLimit'
		| 'credential'
		| 'permission'
		| 'connection'
		| 'cancelled'
		| 'unexpected';
	message: string;
	statusCode?: number;
	type?: string;
	code?: string;
	param?: string;
	declineCode?: string;
	docUrl?: string;
	requestId?: string;
	credentialName?: string;
	/** permission: what a restricted key needs for the request, as Stripe's key editor names it (`Customers: Write`). */
	permissionNeeded?: string;
	/** rateLimit: how long this request was answered 429; whether no request of the account succeeded meanwhile. */
	waitedSeconds?: number;
	accountStalled?: boolean;
	/** Stripe-Should-Retry, when Stripe sent it. */
	shouldRetry?: boolean;
	/** Stripe's stored answer to the idempotency key, replayed (Idempotent-Replayed: true). */
	replayed?: boolean;
	/** How many new keys were tried after stored 5xx answers. */
	keyRenewals?: number;
	/** unexpected: how many times the request was tried. */
	attempts?: number;
	connection?: {
		cause: ConnectionCause;
		detail: string;
		hostPort: string;
		whose: string;
		attempts: number;
		timeoutSeconds: number;
		/** No request of the run had got any answer. */
		noAnswerYet: boolean;
	};
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
	other: 'the network failed between n8n and',
};

function connectionMessage(failure: StripeFailure): { message: string; description: string } {
	const connection = failure.connection!;
	const where = `${connection.hostPort} (${connection.whose})`;
	const tries = connection.attempts > 1 ? ` Tried ${connection.attempts} times.` : '';
	if (connection.cause === 'timeout') {
		const description = connection.noAnswerYet
			? `No request of this run got any answer, so the run stopped at the first timeout instead of waiting for every item. Check the API Base URL, and the network between n8n and that host (a firewall dropping packets, a proxy: HTTP_PROXY / HTTPS_PROXY); Options → Timeout sets how long a request may wait.${tries}`
			: `Other requests of this run were answered; this one was not${connection.attempts > 1 ? `, in ${connection.attempts} tries with the same idempotency key` : ''}. It may have been done at Stripe: running the node again with the same idempotency key returns the result instead of doing it twice. Options → Timeout sets how long a request may wait.`;
		return {
			message: `Stripe did not answer within ${connection.timeoutSeconds} s at ${where}`,
			description,
		};
	}
	const message = `Could not reach Stripe: ${CONNECTION_WORDS[connection.cause]} ${where}`;
	const hints: Record<ConnectionCause, string> = {
		refused:
			'Nothing accepts connections there: check the host and port of the API Base URL, or that the server behind it is running.',
		dns: 'Check the host name of the API Base URL, and that this n8n instance can resolve it.',
		timeout: '',
		closed: 'The server or a proxy closed the connection without an answer.',
		unreachable: 'Check the network between n8n and that host.',
		tls: `The certificate check failed (${connection.detail}): use https://api.stripe.com, or a test server whose certificate this n8n trusts.`,
		ssrf: 'An n8n admin can allow this host with N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES.',
		other: `The network error was ${connection.detail}.`,
	};
	// Refused or unreachable before any answer: not retried, as every try would meet the same host.
	const notRetried =
		connection.noAnswerYet && (connection.cause === 'refused' || connection.cause === 'unreachable')
			? ' No request of this run got any answer, so the run stopped at once instead of retrying.'
			: '';
	return { message, description: `${hints[connection.cause]}${notRetried}${tries}` };
}

function credentialMessage(failure: StripeFailure): { message: string; description: string } {
	const name = failure.credentialName ?? 'Stripe Customer API';
	if (failure.kind === 'permission') {
		const needs = failure.permissionNeeded
			? `A restricted key (rk_…) needs the permission "${failure.permissionNeeded}" for this`
			: 'The key lacks a permission this request needs: a restricted key (rk_…) must allow it';
		return {
			message: `The key of the credential "${name}" may not do this: ${failure.message}`,
			description: `Stripe answered 403 (permission_error). ${needs}: edit its permissions in the Stripe Dashboard (Developers → API keys), or use a secret key (sk_…).${failure.requestId ? ` Request: ${failure.requestId}.` : ''}`,
		};
	}
	return {
		// Without a status code the node refused the credential itself, before asking Stripe.
		message:
			failure.statusCode === undefined
				? failure.message
				: `Stripe refused the credential "${name}": ${failure.message}`,
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
		if (failure.shouldRetry === false) {
			return `Stripe: ${failure.message} (Stripe answered 429 and said not to retry this request (Stripe-Should-Retry: false): lower Options → Requests Per Second, and run it again later)`;
		}
		const whose = failure.accountStalled
			? 'without any request of this account succeeding'
			: 'while other requests of this account got through';
		return `Stripe: ${failure.message} (rate-limited for ${failure.waitedSeconds ?? 0} s ${whose}: lower Options → Requests Per Second, or raise Rate-Limit Wait)`;
	}
	if (failure.replayed) {
		return `Stripe: ${failure.message} (Stripe's stored answer to this idempotency key, replayed: Stripe gives this answer to this key for 24 hours)`;
	}
	if (failure.type === 'idempotency_error') {
		return `Stripe: ${failure.message} (this idempotency key was already used with other values in the last 24 hours: with a custom key, give each customer its own; see Options → Idempotency)`;
	}
	return `Stripe: ${failure.message}`;
}

/** What a user can do about a failure Stripe will repeat, or was told not to retry. */
function stripeAdvice(failure: StripeFailure): string {
	if (failure.replayed) {
		const renewed = failure.keyRenewals
			? ` The node had already tried ${failure.keyRenewals} new key${failure.keyRenewals === 1 ? '' : 's'} derived from it.`
			: '';
		if ((failure.statusCode ?? 0) >= 500) {
			return `The request was not retried: Stripe answers the same key with the same error until the key expires (24 hours), and ${failure.shouldRetry === true ? "a new key is only chosen for the node's own keys (not a Custom Key)" : 'Stripe did not advise a retry (Stripe-Should-Retry)'}.${renewed} Check in the Stripe Dashboard (Developers → Logs, by the request ID) whether the work was done; to send it again now, give the item another key (a Custom Key with a suffix, or other values with Per Input), or wait 24 hours.`;
		}
		return `The request was not retried: Stripe answers the same key with the same error for 24 hours. Fix the cause (for a declined card, another card): changed values make a new key with Idempotency Per Input; with a Custom Key give a new key.`;
	}
	if (failure.shouldRetry === false && (failure.statusCode ?? 0) >= 500) {
		return 'Stripe said a retry would not help (Stripe-Should-Retry: false): the request was not retried, and the same idempotency key gets this answer again for 24 hours.';
	}
	return '';
}

function unexpectedMessage(failure: StripeFailure): { message: string; description: string } {
	return {
		message: `The request to Stripe failed in n8n: ${failure.message}`,
		description: `This is not a network problem, so it was not retried${failure.attempts && failure.attempts > 1 ? ` (after ${failure.attempts - 1} retries for network errors)` : ''}. The request may not have reached Stripe. If the message names a value, check it; otherwise report this message.`,
	};
}

function describeFailure(failure: StripeFailure): { message: string; description?: string } {
	if (failure.kind === 'cancelled') {
		return {
			message: 'The execution was stopped while the node was calling Stripe',
			description:
				'No request was sent after the stop; requests Stripe had already answered stay done.',
		};
	}
	if (failure.kind === 'unexpected') return unexpectedMessage(failure);
	if (failure.kind === 'connection') return connectionMessage(failure);
	if (failure.kind === 'credential' || failure.kind === 'permission')
		return credentialMessage(failure);
	const description = [stripeDetails(failure), stripeAdvice(failure)].filter(Boolean).join('. ');
	return { message: stripeMessage(failure), description: description || undefined };
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
		replayed: failure.replayed,
		shouldRetry: failure.shouldRetry,
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
		if (kind === 'connection')
			return (
				HOST_CAUSES.includes(connection!.cause) ||
				(connection!.cause === 'timeout' && connection!.noAnswerYet)
			);
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
