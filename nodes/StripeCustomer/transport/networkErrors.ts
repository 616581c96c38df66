import type { ConnectionCause } from './stripeError';

// What an exception of n8n's HTTP call was: a failure of the network (and which), or something else going wrong in
// n8n. Only the facts: whether a retry can help is the retry decision's (retryDecision.ts).

/** A connection that failed: its cause as the user is told it, the system's code, and what to show of it. */
export interface ConnectionFailure {
	cause: ConnectionCause;
	/** The socket-level code (ECONNREFUSED, EAI_AGAIN…), or the error's name for n8n's SSRF refusal. */
	code: string;
	detail: string;
}

export type HttpException =
	| ({ network: true } & ConnectionFailure)
	| { network: false; detail: string };

const CONNECTION_CAUSES: Array<{ codes: string[]; cause: ConnectionCause }> = [
	{ codes: ['ECONNREFUSED'], cause: 'refused' },
	// ENOTFOUND: the name does not exist; EAI_AGAIN: the resolver could not answer for now.
	{ codes: ['ENOTFOUND', 'EAI_AGAIN'], cause: 'dns' },
	{
		codes: ['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT'],
		cause: 'timeout',
	},
	{
		codes: ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET'],
		cause: 'closed',
	},
	{ codes: ['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN'], cause: 'unreachable' },
];

/**
 * What an exception of the HTTP call was. n8n's helper wraps the HTTP client's error; the socket-level code sits on it
 * or on one of its causes. Only a failure of the network is a connection problem: anything else (a value the HTTP
 * client refuses, a bug) is reported as what it is.
 */
export function classifyHttpException(error: unknown): HttpException {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, name, message, syscall } = current as {
			code?: unknown;
			name?: unknown;
			message?: unknown;
			syscall?: unknown;
		};
		if (typeof name === 'string' && name.startsWith('SsrfBlocked')) {
			return { network: true, cause: 'ssrf', code: name, detail: String(message ?? '') };
		}
		if (typeof code === 'string') {
			const known = CONNECTION_CAUSES.find((entry) => entry.codes.includes(code));
			if (known) return { network: true, cause: known.cause, code, detail: code };
			if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
				return { network: true, cause: 'tls', code, detail: code };
			// Another error of a socket call (Node sets `syscall` on those): the network, not the request.
			if (typeof syscall === 'string')
				return { network: true, cause: 'other', code, detail: `${code} (${syscall})` };
		}
		current = (current as { cause?: unknown }).cause;
	}
	return { network: false, detail: innermostError(error) };
}

/** JavaScript's own error types: their name says what went wrong (a URIError, a TypeError…). */
const BUILT_IN_ERRORS = ['TypeError', 'RangeError', 'URIError', 'SyntaxError', 'ReferenceError'];

/** The error at the end of a chain of causes (the one that says what happened), as a user reads it. */
export function innermostError(error: unknown): string {
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
