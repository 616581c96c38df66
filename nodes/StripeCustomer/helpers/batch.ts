import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type NodeApiError,
} from 'n8n-workflow';

import type { Mapped } from './customerParams';
import {
	describeProblems,
	errorFields,
	failureError,
	failureOf,
	invalidItemError,
	isRunFailure,
	problemsOf,
	type FieldProblem,
} from './errors';

// The batch loop every operation shares: check every item first, send with bounded concurrency, pair every output
// to its input, turn failures into error items (continue-on-fail) or one error that says what the run did.

export interface ItemResult {
	/** Output items of this input item, each paired to it. */
	json: IDataObject[];
	/** What the item changed in Stripe, for the error of a run that stops: e.g. "cus_123 (created)". */
	change?: string;
}

export interface BatchOperation<Prepared> {
	/** Reads one item's parameters and checks them locally; nothing is sent for an item that fails here. */
	prepare(itemIndex: number): Mapped<Prepared>;
	/** Sends one checked item. */
	run(prepared: Prepared, itemIndex: number): Promise<ItemResult>;
	/** Items with the same group run one after another in input order (one email, one idempotency key). */
	groupOf?(prepared: Prepared): string | undefined;
	/** What running the node again does with the changes already made, for the error of a run that stops. */
	rerunNote?: string;
	concurrency: number;
}

interface Prepared<T> {
	itemIndex: number;
	value: T;
}

const LISTED_AT_MOST = 25;

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight; `shouldStop` is checked before each start. */
async function runBounded(count: number, concurrency: number, task: (index: number) => Promise<void>, shouldStop: () => boolean) {
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}

function problemFields(problems: FieldProblem[]): IDataObject {
	return { field: problems[0].field, fieldErrors: problems.map(({ field, message }) => ({ field, message })) };
}

/** An error item: the message, the item, and what Stripe or the checks said, for the next node to act on. */
function errorItem(itemIndex: number, error: Error): INodeExecutionData {
	const failure = failureOf(error);
	const problems = problemsOf(error);
	return {
		json: { error: error.message, itemIndex, ...(problems ? problemFields(problems) : {}), ...(failure ? errorFields(failure) : {}) },
		pairedItem: { item: itemIndex },
	};
}

export async function runBatch<T>(context: IExecuteFunctions, operation: BatchOperation<T>): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const itemCount = context.getInputData().length;
	const continueOnFail = context.continueOnFail();
	const outputs: INodeExecutionData[][] = Array.from({ length: itemCount }, () => []);

	// 1. Every item is read and checked before the first request, so bad input never half-runs a batch.
	const ready: Array<Prepared<T>> = [];
	const invalid: Array<{ itemIndex: number; problems: FieldProblem[] }> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let checked: Mapped<T>;
		try {
			checked = operation.prepare(itemIndex);
		} catch (error) {
			// An expression that cannot be resolved, say: n8n's own message names the parameter.
			if (!continueOnFail) throw new NodeOperationError(node, error as Error, { itemIndex, message: `[item ${itemIndex}] ${(error as Error).message}` });
			outputs[itemIndex] = [errorItem(itemIndex, new NodeOperationError(node, `[item ${itemIndex}] ${(error as Error).message}`))];
			continue;
		}
		if (checked.ok) ready.push({ itemIndex, value: checked.value });
		else invalid.push({ itemIndex, problems: checked.problems });
	}
	if (invalid.length && !continueOnFail) throw invalidRunError(context, invalid, itemCount);
	for (const { itemIndex, problems } of invalid) outputs[itemIndex] = [errorItem(itemIndex, invalidItemError(node, itemIndex, problems))];

	// 2. Send, groups in parallel, items of one group in order. A failed item does not stop the others (every item that
	// can be sent is sent, so Retry On Fail only replays); a failure of the whole run (key refused, Stripe unreachable) does.
	const groups: Array<Array<Prepared<T>>> = [];
	const groupByKey = new Map<string, Array<Prepared<T>>>();
	for (const item of ready) {
		const key = operation.groupOf?.(item.value);
		const existing = key === undefined ? undefined : groupByKey.get(key);
		if (existing) existing.push(item);
		else {
			const group = [item];
			groups.push(group);
			if (key !== undefined) groupByKey.set(key, group);
		}
	}

	const changes: Array<{ itemIndex: number; change: string }> = [];
	const itemFailures: Array<{ itemIndex: number; error: Error }> = [];
	let runFailure: NodeApiError | undefined;
	await runBounded(
		groups.length,
		operation.concurrency,
		async (groupIndex) => {
			for (const { itemIndex, value } of groups[groupIndex]) {
				if (runFailure) return;
				try {
					const result = await operation.run(value, itemIndex);
					outputs[itemIndex] = result.json.map((json) => ({ json, pairedItem: { item: itemIndex } }));
					if (result.change) changes.push({ itemIndex, change: result.change });
				} catch (error) {
					const failure = failureOf(error);
					if (failure && isRunFailure(failure)) {
						runFailure ??= error as NodeApiError;
						return;
					}
					// The transport does not know the item: its failure is told again with the item's index.
					const itemError = failure ? failureError(node, failure, itemIndex) : (error as Error);
					itemFailures.push({ itemIndex, error: itemError });
					if (continueOnFail) outputs[itemIndex] = [errorItem(itemIndex, itemError)];
				}
			}
		},
		() => runFailure !== undefined,
	);

	if (runFailure && continueOnFail) {
		// Nothing is lost: what was done stays in the output; every item not done carries the reason.
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
			if (!outputs[itemIndex].length) outputs[itemIndex] = [errorItem(itemIndex, runFailure)];
		}
	} else if (runFailure) {
		throw withRunSummary(runFailure, changes, operation.rerunNote);
	} else if (itemFailures.length && !continueOnFail) {
		itemFailures.sort((a, b) => a.itemIndex - b.itemIndex);
		const [first, ...others] = itemFailures;
		const otherLines = others.slice(0, LISTED_AT_MOST).map(({ error }) => `- ${error.message}`);
		if (others.length > LISTED_AT_MOST) otherLines.push(`- … and ${others.length - LISTED_AT_MOST} more`);
		const othersNote = others.length ? `${plural(others.length, 'other item')} failed too:\n${otherLines.join('\n')}` : '';
		throw withRunSummary(first.error, changes, operation.rerunNote, othersNote);
	}
	return outputs.flat();
}

/** The error of a run stopped by bad input: nothing was sent, for any item. */
function invalidRunError(context: IExecuteFunctions, invalid: Array<{ itemIndex: number; problems: FieldProblem[] }>, itemCount: number) {
	const [first, ...others] = invalid;
	const otherLines = others.slice(0, LISTED_AT_MOST).map(({ itemIndex, problems }) => `- [item ${itemIndex}] ${describeProblems(problems)}`);
	if (others.length > LISTED_AT_MOST) otherLines.push(`- … and ${others.length - LISTED_AT_MOST} more`);
	const which = others.length ? `${plural(invalid.length, 'item')} of ${itemCount} failed` : `item ${first.itemIndex} failed`;
	const description = [
		`Nothing was sent to Stripe, for any item: the node checks every item before it sends one, and ${which} the checks, so the whole run stopped. Fix the input, or set Settings → On Error to "Continue" to send the valid items and get an error item for each invalid one.`,
		others.length ? `The other invalid items:\n${otherLines.join('\n')}` : '',
	]
		.filter(Boolean)
		.join('\n\n');
	return invalidItemError(context.getNode(), first.itemIndex, first.problems, description);
}

/** Adds to the error what the run changed before it stopped, so a re-run does not surprise anyone. */
function withRunSummary(
	error: Error,
	changes: Array<{ itemIndex: number; change: string }>,
	rerunNote: string | undefined,
	othersNote = '',
): Error {
	changes.sort((a, b) => a.itemIndex - b.itemIndex);
	const listed = changes.slice(0, LISTED_AT_MOST).map(({ itemIndex, change }) => `- item ${itemIndex} → ${change}`);
	if (changes.length > LISTED_AT_MOST) listed.push(`- … and ${changes.length - LISTED_AT_MOST} more (all in this error's context)`);
	const done = changes.length
		? `Before it stopped, this run changed ${plural(changes.length, 'customer')} in Stripe:\n${listed.join('\n')}${rerunNote ? `\n${rerunNote}` : ''}`
		: 'Nothing was changed in Stripe by this run.';
	const withContext = error as Error & { description?: string | null; context?: IDataObject };
	withContext.description = [withContext.description, othersNote, done].filter(Boolean).join('\n\n');
	if (withContext.context && changes.length) {
		withContext.context.changesBeforeStop = changes.map(({ itemIndex, change }) => ({ itemIndex, change }));
	}
	return error;
}
