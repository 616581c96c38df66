import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { StripeRequestError } from '../transport/stripeError';
import { describeProblems, InvalidItemError, type Checked, type FieldProblem } from './checks';

// The batch loop every operation shares: check every item first, send with bounded concurrency, pair every output
// to its input, turn failures into error items (continue-on-fail) or one error that says what the run did.

export interface ItemResult {
	/** Output items of this input item, each paired to it. */
	json: IDataObject[];
	/** What the item did in Stripe, for the error of a run that stops: e.g. "cus_123 (created)". */
	change?: string;
}

/** What an item of several requests has done so far, told as it goes, so a failure half-way says what stays done. */
export interface ItemSteps {
	/** One change made in Stripe, e.g. "cus_123: tax ID eu_vat DE123456789 added". */
	done(step: string): void;
}

export interface BatchOperation<Prepared> {
	/** Reads one item's parameters and checks them locally; nothing is sent for an item that fails here. */
	prepare(itemIndex: number): Checked<Prepared>;
	/** Sends one checked item; an item of several requests tells `steps` each change it made. */
	run(prepared: Prepared, itemIndex: number, steps: ItemSteps): Promise<ItemResult>;
	/** Items with the same group run one after another in input order (one email, one idempotency key). */
	groupOf?(prepared: Prepared): string | undefined;
	/** What running the node again does with the changes already made, for the error of a run that stops. */
	rerunNote?: string;
	/**
	 * The user's own idempotency key of an item and what it asks Stripe to do: items that share a key but ask for
	 * different things are refused before anything is sent (Stripe would do the first and refuse the others).
	 */
	customKeyOf?(prepared: Prepared): CustomKeyUse | undefined;
	concurrency: number;
}

export interface CustomKeyUse {
	key: string;
	/** What the key stands for: equal for items that ask Stripe for the same thing. */
	asks: string;
	/** The key's field as the editor shows it ("Options → Idempotency Key"). */
	field: string;
}

interface Prepared<T> {
	itemIndex: number;
	value: T;
}

/** How many other failed or invalid items an error lists; the changes a stopped run made are listed up to LISTED_CHANGES. */
const LISTED_FAILURES = 25;
const LISTED_CHANGES = 1000;

function listAtMost(lines: string[], most: number, rest = ''): string {
	return lines.length > most
		? [...lines.slice(0, most), `- … and ${lines.length - most} more${rest}`].join('\n')
		: lines.join('\n');
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight; `shouldStop` is checked before each start. */
async function runBounded(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
	shouldStop: () => boolean,
) {
	let next = 0;
	const worker = async () => {
		while (next < count && !shouldStop()) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}

function problemFields(problems: FieldProblem[]): IDataObject {
	return {
		field: problems[0].field,
		fieldErrors: problems.map(({ field, message }) => ({ field, message })),
	};
}

/**
 * An error item: the message, the item, what Stripe or the checks said, and the changes the item made before it
 * failed (`stepsDone`), for the next node to act on.
 */
function errorItem(itemIndex: number, error: Error, stepsDone: string[] = []): INodeExecutionData {
	const problems = error instanceof InvalidItemError ? problemFields(error.problems) : {};
	const stripeFields = error instanceof StripeRequestError ? error.fields : {};
	const steps = stepsDone.length ? { stepsDone } : {};
	return {
		json: { error: error.message, itemIndex, ...problems, ...stripeFields, ...steps },
		pairedItem: { item: itemIndex },
	};
}

export async function runBatch<T>(
	context: IExecuteFunctions,
	operation: BatchOperation<T>,
): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const outputs: INodeExecutionData[][] = Array.from(
		{ length: context.getInputData().length },
		() => [],
	);
	const ready = checkEveryItem(context, operation, outputs, continueOnFail);
	const sent = await sendAll(context, operation, ready, outputs, continueOnFail);

	if (sent.runFailure && continueOnFail) {
		// Nothing is lost: what was done stays in the output (an empty list found stays found); every item not done
		// carries the reason, and what it did before the run failed.
		for (const { itemIndex } of ready) {
			if (!sent.finished.has(itemIndex))
				outputs[itemIndex] = [errorItem(itemIndex, sent.runFailure, sent.stepsOf(itemIndex))];
		}
	} else if (sent.runFailure) {
		throw withRunSummary(sent.runFailure, sent.changes, operation.rerunNote);
	} else if (sent.itemFailures.length && !continueOnFail) {
		const [first, ...others] = sent.itemFailures.sort((a, b) => a.itemIndex - b.itemIndex);
		const othersNote = others.length
			? `${plural(others.length, 'other item')} failed too:\n${listAtMost(
					others.map(({ error }) => `- ${error.message}`),
					LISTED_FAILURES,
				)}`
			: '';
		throw withRunSummary(first.error, sent.changes, operation.rerunNote, othersNote);
	}
	return outputs.flat();
}

/** 1. Reads and checks every item before the first request, so bad input never half-runs a batch. */
function checkEveryItem<T>(
	context: IExecuteFunctions,
	operation: BatchOperation<T>,
	outputs: INodeExecutionData[][],
	continueOnFail: boolean,
): Array<Prepared<T>> {
	const node = context.getNode();
	const ready: Array<Prepared<T>> = [];
	const invalid: Array<{ itemIndex: number; problems: FieldProblem[] }> = [];
	for (let itemIndex = 0; itemIndex < outputs.length; itemIndex++) {
		let checked: Checked<T>;
		try {
			checked = operation.prepare(itemIndex);
		} catch (error) {
			// An expression that cannot be resolved, say: n8n's own message names the parameter.
			const message = `[item ${itemIndex}] ${(error as Error).message}`;
			if (!continueOnFail)
				throw new NodeOperationError(node, error as Error, { itemIndex, message });
			outputs[itemIndex] = [
				errorItem(itemIndex, new NodeOperationError(node, message, { itemIndex })),
			];
			continue;
		}
		if (checked.ok) ready.push({ itemIndex, value: checked.value });
		else invalid.push({ itemIndex, problems: checked.problems });
	}
	const sharing = itemsSharingAKey(operation, ready);
	if (sharing.size) {
		invalid.push(
			...[...sharing.entries()].map(([itemIndex, problems]) => ({ itemIndex, problems })),
		);
		invalid.sort((a, b) => a.itemIndex - b.itemIndex);
		ready.splice(0, ready.length, ...ready.filter(({ itemIndex }) => !sharing.has(itemIndex)));
	}
	if (invalid.length && !continueOnFail) throw invalidRunError(context, invalid, outputs.length);
	for (const { itemIndex, problems } of invalid)
		outputs[itemIndex] = [errorItem(itemIndex, new InvalidItemError(node, itemIndex, problems))];
	return ready;
}

/** Items whose custom key is another item's too, for something else: each with a problem naming the others. */
function itemsSharingAKey<T>(
	operation: BatchOperation<T>,
	ready: Array<Prepared<T>>,
): Map<number, FieldProblem[]> {
	const byKey = new Map<string, Array<{ itemIndex: number; use: CustomKeyUse }>>();
	for (const { itemIndex, value } of ready) {
		const use = operation.customKeyOf?.(value);
		if (use) byKey.set(use.key, [...(byKey.get(use.key) ?? []), { itemIndex, use }]);
	}
	const problems = new Map<number, FieldProblem[]>();
	for (const [key, users] of byKey) {
		if (new Set(users.map(({ use }) => use.asks)).size < 2) continue;
		for (const { itemIndex, use } of users) {
			const others = users
				.filter((other) => other.itemIndex !== itemIndex)
				.map((other) => other.itemIndex);
			problems.set(itemIndex, [
				{
					field: use.field,
					message: `"${key}" is also the key of item${others.length > 1 ? 's' : ''} ${others.join(', ')}, which ask${others.length > 1 ? '' : 's'} for something else: Stripe does the first request of a key and refuses the others (a key may only be used again with the same values), so nothing was sent for any of them; give each its own key (e.g. {{ $json.orderId }})`,
				},
			]);
		}
	}
	return problems;
}

/** Items of one group (one email, one idempotency key) run one after another, in input order; groups run in parallel. */
function groupItems<T>(
	operation: BatchOperation<T>,
	ready: Array<Prepared<T>>,
): Array<Array<Prepared<T>>> {
	const groups: Array<Array<Prepared<T>>> = [];
	const groupByKey = new Map<string, Array<Prepared<T>>>();
	for (const item of ready) {
		const key = operation.groupOf?.(item.value);
		const existing = key === undefined ? undefined : groupByKey.get(key);
		if (existing) {
			existing.push(item);
			continue;
		}
		groups.push([item]);
		if (key !== undefined) groupByKey.set(key, groups[groups.length - 1]);
	}
	return groups;
}

/**
 * 2. Sends every checked item. A failed item does not stop the others: every item that can be sent is sent, so a
 * Retry On Fail only replays what succeeded. A failure of the whole run (key refused, Stripe unreachable) stops new sends.
 */
async function sendAll<T>(
	context: IExecuteFunctions,
	operation: BatchOperation<T>,
	ready: Array<Prepared<T>>,
	outputs: INodeExecutionData[][],
	continueOnFail: boolean,
) {
	const groups = groupItems(operation, ready);
	const changes: Array<{ itemIndex: number; change: string }> = [];
	const itemFailures: Array<{ itemIndex: number; error: Error }> = [];
	/** Items that succeeded or failed on their own (with an output each); the others are not done. */
	const finished = new Set<number>();
	const steps = new Map<number, string[]>();
	const stepsOf = (itemIndex: number) => steps.get(itemIndex) ?? [];
	let runFailure: StripeRequestError | undefined;
	// A cancelled execution (Stop, n8n's timeout, a shutdown) starts no new item; older n8n has no such signal.
	const cancelSignal =
		typeof context.getExecutionCancelSignal === 'function'
			? context.getExecutionCancelSignal()
			: undefined;
	const stopped = () => {
		if (cancelSignal?.aborted)
			runFailure ??= new StripeRequestError(context.getNode(), {
				kind: 'cancelled',
				message: 'The execution was stopped',
			});
		return runFailure !== undefined;
	};
	await runBounded(
		groups.length,
		operation.concurrency,
		async (groupIndex) => {
			for (const { itemIndex, value } of groups[groupIndex]) {
				if (stopped()) return;
				const itemSteps: ItemSteps = {
					done: (step) => steps.set(itemIndex, [...stepsOf(itemIndex), step]),
				};
				try {
					const result = await operation.run(value, itemIndex, itemSteps);
					outputs[itemIndex] = result.json.map((json) => ({
						json,
						pairedItem: { item: itemIndex },
					}));
					finished.add(itemIndex);
					if (result.change) changes.push({ itemIndex, change: result.change });
				} catch (error) {
					// What the item changed before it failed stays changed: the run's summary lists it.
					if (stepsOf(itemIndex).length)
						changes.push({
							itemIndex,
							change: `${stepsOf(itemIndex).join('; ')} (then the item failed)`,
						});
					if (error instanceof StripeRequestError && error.stopsRun) {
						runFailure ??= error;
						return;
					}
					const itemError =
						error instanceof StripeRequestError ? error.forItem(itemIndex) : (error as Error);
					itemFailures.push({ itemIndex, error: itemError });
					finished.add(itemIndex);
					if (continueOnFail)
						outputs[itemIndex] = [errorItem(itemIndex, itemError, stepsOf(itemIndex))];
				}
			}
		},
		stopped,
	);
	return { changes, itemFailures, runFailure, finished, stepsOf };
}

/** The error of a run stopped by bad input: nothing was sent, for any item. */
function invalidRunError(
	context: IExecuteFunctions,
	invalid: Array<{ itemIndex: number; problems: FieldProblem[] }>,
	itemCount: number,
) {
	const [first, ...others] = invalid;
	const which = others.length
		? `${plural(invalid.length, 'item')} of ${itemCount} failed`
		: `item ${first.itemIndex} failed`;
	const otherLines = others.map(
		({ itemIndex, problems }) => `- [item ${itemIndex}] ${describeProblems(problems)}`,
	);
	const description = [
		`Nothing was sent to Stripe, for any item: the node checks every item before it sends one, and ${which} the checks, so the whole run stopped. Fix the input, or set Settings → On Error to "Continue" to send the valid items and get an error item for each invalid one.`,
		others.length ? `The other invalid items:\n${listAtMost(otherLines, LISTED_FAILURES)}` : '',
	]
		.filter(Boolean)
		.join('\n\n');
	return new InvalidItemError(context.getNode(), first.itemIndex, first.problems, description);
}

/** Adds to the error what the run did before it stopped, item by item, so a re-run surprises nobody. */
function withRunSummary(
	error: Error,
	changes: Array<{ itemIndex: number; change: string }>,
	rerunNote: string | undefined,
	othersNote = '',
): Error {
	changes.sort((a, b) => a.itemIndex - b.itemIndex);
	const listed = listAtMost(
		changes.map(({ itemIndex, change }) => `- item ${itemIndex} → ${change}`),
		LISTED_CHANGES,
		" (all in this error's context, changesBeforeStop)",
	);
	const done = changes.length
		? `Done before the run stopped (${plural(changes.length, 'item')}):\n${listed}${rerunNote ? `\n${rerunNote}` : ''}`
		: 'Nothing was changed in Stripe by this run.';
	const described = error as Error & { description?: string | null; context?: IDataObject };
	described.description = [described.description, othersNote, done].filter(Boolean).join('\n\n');
	if (described.context && changes.length)
		described.context.changesBeforeStop = changes.map(({ itemIndex, change }) => ({
			itemIndex,
			change,
		}));
	return error;
}
