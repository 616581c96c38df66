import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../transport/stripeRequest';
import { invalid, unencodableText, valid, type Checked } from './checks';

// Idempotency keys: Stripe returns the stored result of a request whose key it has seen in the last 24 hours
// (per account) instead of doing the work again. Which repeats count as "the same request" is the user's choice.

/**
 * perInput: the same item values sent by the same node of the same workflow on the same n8n instance are one request:
 *   Retry On Fail, a re-run of a failed execution and a redelivered webhook return the customer already made.
 * perExecution: one request per item per execution: Retry On Fail is safe; a new execution creates again.
 * custom: the user's key (an order ID), the same across executions and workflows.
 */
export type IdempotencyMode = 'perInput' | 'perExecution' | 'custom';

/** Options → Idempotency, as one item gives it. */
export interface IdempotencySettings {
	mode: IdempotencyMode;
	/** The user's key, with mode "custom" (and checked against it otherwise). */
	customKey?: string;
	/** The editor's label of the custom key, for errors. */
	customKeyField: string;
}

export interface KeyScope {
	/** n8n's instance ID: execution and workflow IDs repeat across n8n instances (another database, a restored backup). */
	instanceId: string;
	workflowId: string;
	executionId: string;
	nodeId: string;
}

/** What every key the node derives starts with; a custom key may not, so the two kinds never meet. */
const DERIVED_KEY_PREFIX = 'n8n-sc';

/** Characters of a custom key sent as they are: visible ASCII except `%`, which starts an encoded character. */
const SENT_AS_IS = /^[\x21-\x24\x26-\x7e]$/;

/**
 * A custom key as it can travel in an HTTP header: characters outside visible ASCII, `%` and spaces become their UTF-8
 * bytes as %XX. A key of visible ASCII without `%` is sent unchanged; every encoded key holds a `%` followed by two hex
 * digits, so two different keys never become one (`订单-42` → `%E8%AE%A2%E5%8D%95-42`, `发票-42` → `%E5%8F%91%E7%A5%A8-42`).
 */
export function encodeCustomKey(key: string): string {
	let encoded = '';
	for (const character of key)
		encoded += SENT_AS_IS.test(character) ? character : encodeURIComponent(character);
	return encoded;
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal parameters always hash alike. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(
			([, member]) => member !== undefined,
		);
		entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

/** Readable keys where they fit (Stripe's Dashboard shows them in its logs), hashed where user-chosen IDs make them long. */
function withinLimit(prefix: string, parts: string[]): string {
	const key = `${prefix}:${parts.join(':')}`;
	return key.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? key : `${prefix}:${sha256(parts.join(':'))}`;
}

/** A request to an endpoint, as an idempotency key stands for it. */
export interface KeyedRequest {
	path: string;
	params: object;
	apiVersion?: string;
}

/** What makes two requests the same to Stripe's idempotency layer: endpoint, version and parameters. */
function requestFingerprint(request: KeyedRequest): string {
	return sha256(
		canonicalJson({
			path: request.path,
			apiVersion: request.apiVersion ?? '',
			params: request.params,
		}),
	);
}

/** The derived key of one item's request: per execution, or per input (what is sent, and to which endpoint). */
export function derivedKey(
	mode: Exclude<IdempotencyMode, 'custom'>,
	scope: KeyScope,
	itemIndex: number,
	request: KeyedRequest,
): string {
	const instance = scope.instanceId.slice(0, 16) || 'instance';
	if (mode === 'perExecution') {
		return withinLimit(DERIVED_KEY_PREFIX, [
			instance,
			scope.workflowId,
			scope.executionId,
			scope.nodeId,
			String(itemIndex),
		]);
	}
	const fingerprint = requestFingerprint(request);
	return withinLimit(DERIVED_KEY_PREFIX, [
		instance,
		scope.workflowId,
		scope.nodeId,
		'input',
		fingerprint.slice(0, 40),
	]);
}

/** What identifies this run for derived keys. */
function keyScope(context: IExecuteFunctions): KeyScope {
	return {
		instanceId: context.getInstanceId?.() ?? '',
		workflowId: String(context.getWorkflow().id ?? 'unsaved'),
		executionId: context.getExecutionId() || `unsaved-${Date.now()}`,
		nodeId: context.getNode().id,
	};
}

/** The idempotency key of one item's create, as the item's settings ask. */
export function idempotencyKeyFor(
	context: IExecuteFunctions,
	itemIndex: number,
	settings: IdempotencySettings,
	request: KeyedRequest,
): Checked<string> {
	const { mode, customKey, customKeyField } = settings;
	if (mode === 'custom') {
		if (!customKey) {
			return invalid(
				customKeyField,
				'empty, and Options → Idempotency is "Custom Key": add the key with Options → Add Option → Idempotency Key (e.g. {{ $json.orderId }}), or choose another Idempotency',
			);
		}
		const unencodable = unencodableText(customKeyField, customKey);
		if (unencodable) return { ok: false, problems: [unencodable] };
		if (customKey.startsWith(`${DERIVED_KEY_PREFIX}:`)) {
			return invalid(
				customKeyField,
				`keys starting with "${DERIVED_KEY_PREFIX}:" are the node's own (Per Input, Per Execution): choose a key that does not`,
			);
		}
		const encoded = encodeCustomKey(customKey);
		if (encoded.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
			const how =
				encoded.length === customKey.length
					? ''
					: ' once encoded (characters other than visible ASCII, spaces and % are sent as %XX UTF-8 bytes)';
			return invalid(
				customKeyField,
				`Stripe accepts at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; this key has ${encoded.length}${how}`,
			);
		}
		return valid(encoded);
	}
	if (customKey)
		return invalid(
			customKeyField,
			'set, but Options → Idempotency is not "Custom Key": choose "Custom Key" to use it, or clear it',
		);
	return valid(derivedKey(mode, keyScope(context), itemIndex, request));
}

/**
 * The key of an item's update: always per execution, node and item, whatever Options → Idempotency says. An update
 * repeated later (a re-run, an update with earlier values) must apply again, not be replayed by Stripe; Retry On
 * Fail (the same execution) replays it.
 */
export function updateKeyFor(context: IExecuteFunctions, itemIndex: number): string {
	return derivedKey('perExecution', keyScope(context), itemIndex, { path: '', params: {} });
}

/**
 * The create key of a customer looked up by email (Create or Update, If Email Exists): the normalised email alone,
 * not the values, so that two executions creating the same new email at once, in any n8n process of any instance,
 * send the same key and Stripe lets one of them create (keys are scoped to the Stripe account).
 */
export function emailKey(normalizedEmail: string): string {
	return `${DERIVED_KEY_PREFIX}:email:${sha256(normalizedEmail).slice(0, 40)}`;
}

/**
 * The key that replaces `key` once the customer Stripe holds for it is gone (deleted, or no longer of this email):
 * the next in a chain every process computes alike, so a re-run finds the customer made under it.
 */
export function renewedKey(key: string, generation: number): string {
	return followUpKey(key, `renewed:${generation}`);
}

/** The key of a further request of the same item (an update after a lookup, a tax ID, an attach). */
export function followUpKey(idempotencyKey: string, suffix: string): string {
	const base =
		idempotencyKey.length + 1 + suffix.length <= MAX_IDEMPOTENCY_KEY_LENGTH
			? idempotencyKey
			: sha256(idempotencyKey);
	return `${base}:${suffix}`;
}

/**
 * The key to send after Stripe replayed a stored 5xx for `key` and advised a retry: the next of a chain every run
 * computes alike (`<key>:retry:1`, `:retry:2`…), so a re-run follows the same keys. Only for the node's own keys: a
 * custom key is the user's promise of one request, and is never changed.
 */
export function keyAfterStoredError(key: string, renewal: number): string | undefined {
	return key.startsWith(`${DERIVED_KEY_PREFIX}:`)
		? followUpKey(key, `retry:${renewal}`)
		: undefined;
}
