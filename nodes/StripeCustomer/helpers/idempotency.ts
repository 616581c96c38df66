import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../transport/stripeRequest';
import { invalid, valid, type Checked } from './checks';

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

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal parameters always hash alike. */
function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== undefined);
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

/** The derived key of one item's request: per execution, or per input (what is sent, and to which endpoint). */
export function derivedKey(
	mode: Exclude<IdempotencyMode, 'custom'>,
	scope: KeyScope,
	itemIndex: number,
	request: { path: string; params: object; apiVersion?: string },
): string {
	const instance = scope.instanceId.slice(0, 16) || 'instance';
	if (mode === 'perExecution') {
		return withinLimit('n8n-sc', [instance, scope.workflowId, scope.executionId, scope.nodeId, String(itemIndex)]);
	}
	const fingerprint = sha256(canonicalJson({ path: request.path, apiVersion: request.apiVersion ?? '', params: request.params }));
	return withinLimit('n8n-sc', [instance, scope.workflowId, scope.nodeId, 'input', fingerprint.slice(0, 40)]);
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

/**
 * The idempotency key of one item's write, as the item's settings ask. `perInputAllowed: false` for writes that must
 * apply each time they are sent (an update repeated later with earlier values): those are keyed per execution.
 */
export function idempotencyKeyFor(
	context: IExecuteFunctions,
	itemIndex: number,
	settings: IdempotencySettings,
	request: { path: string; params: object; apiVersion?: string },
	perInputAllowed = true,
): Checked<string> {
	const { mode, customKey, customKeyField } = settings;
	if (mode === 'custom') {
		if (!customKey) {
			return invalid(customKeyField, 'empty, and Options → Idempotency is "Custom Key": give a key (e.g. {{ $json.orderId }}) or choose another Idempotency');
		}
		if (customKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
			return invalid(customKeyField, `Stripe accepts at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; got ${customKey.length}`);
		}
		return valid(customKey);
	}
	if (customKey) return invalid(customKeyField, 'set, but Options → Idempotency is not "Custom Key": choose "Custom Key" to use it, or clear it');
	const derivedMode = mode === 'perInput' && perInputAllowed ? 'perInput' : 'perExecution';
	return valid(derivedKey(derivedMode, keyScope(context), itemIndex, request));
}

/** The key of a further request of the same item (an update after a lookup, a tax ID, an attach). */
export function followUpKey(idempotencyKey: string, suffix: string): string {
	const base = idempotencyKey.length + 1 + suffix.length <= MAX_IDEMPOTENCY_KEY_LENGTH ? idempotencyKey : sha256(idempotencyKey);
	return `${base}:${suffix}`;
}
