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
	const values = Object.entries(parts).map(([key, part]) => [
		key,
		(part as { value: unknown }).value,
	]);
	return valid(Object.fromEntries(values) as never);
}

/** A trimmed, non-empty string, or undefined for "not given" (an empty optional field is not sent). */
export function givenText(value: unknown): string | undefined {
	if (value === undefined || value === null || typeof value === 'object') return undefined;
	const trimmed = String(value).trim();
	return trimmed === '' ? undefined : trimmed;
}

/**
 * The index of the first lone UTF-16 surrogate in a text (half of an emoji, as `.slice()` can leave it), or undefined.
 * Such a text cannot be sent: it has no UTF-8 form.
 */
export function loneSurrogateAt(text: string): number | undefined {
	for (let index = 0; index < text.length; index++) {
		const unit = text.charCodeAt(index);
		if (unit >= 0xd800 && unit <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				index++;
				continue;
			}
			return index;
		}
		if (unit >= 0xdc00 && unit <= 0xdfff) return index;
	}
	return undefined;
}

/** What to tell a user about a text holding a lone surrogate at `index`. */
export function loneSurrogateMessage(index: number): string {
	return `contains half of an emoji (a lone UTF-16 surrogate) at position ${index}, which cannot be sent: the text was probably cut in the middle of an emoji (e.g. by .slice()); cut it elsewhere or remove that character`;
}

/** A problem for a text that cannot be sent, or undefined when it can. */
export function unencodableText(field: string, text: string | undefined): FieldProblem | undefined {
	const index = text === undefined ? undefined : loneSurrogateAt(text);
	return index === undefined ? undefined : { field, message: loneSurrogateMessage(index) };
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
