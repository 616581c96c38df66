import { NodeOperationError, type INode } from 'n8n-workflow';

// The local checks of one item, before anything is sent: what to send, or every problem found in its values.

/** A value of one item that Stripe would refuse; `field` is the label the editor shows ("Billing Address → Country"). */
export interface FieldProblem {
	field: string;
	message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export function valid<T>(value: T): Checked<T> {
	return { ok: true, value };
}

export function invalid<T = never>(field: string, message: string): Checked<T> {
	return { ok: false, problems: [{ field, message }] };
}

/** Combines the checks of several parts of one item into one result that carries every problem. */
export function combineChecks<T extends Record<string, Checked<unknown>>>(
	parts: T,
): Checked<{ [K in keyof T]: T[K] extends Checked<infer V> ? V : never }> {
	const problems = Object.values(parts).flatMap((part) => (part.ok ? [] : part.problems));
	if (problems.length) return { ok: false, problems };
	const values = Object.entries(parts).map(([key, part]) => [key, (part as { value: unknown }).value]);
	return valid(Object.fromEntries(values) as never);
}

/** A trimmed, non-empty string, or undefined for "not given" (an empty optional field is not sent). */
export function givenText(value: unknown): string | undefined {
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
}

export function describeProblems(problems: FieldProblem[]): string {
	if (problems.length === 1) return `${problems[0].field}: ${problems[0].message}`;
	return `${problems.length} fields are invalid: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`;
}

/** An item whose values Stripe would refuse (found before sending, or after a lookup); it carries its problems. */
export class InvalidItemError extends NodeOperationError {
	constructor(
		node: INode,
		readonly itemIndex: number,
		readonly problems: FieldProblem[],
		description?: string,
	) {
		super(node, `[item ${itemIndex}] ${describeProblems(problems)}`, { itemIndex, description });
	}
}
