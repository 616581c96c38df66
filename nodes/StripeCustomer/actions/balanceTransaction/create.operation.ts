import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch, type CustomKeyUse } from '../../helpers/batch';
import { combineChecks, valid, type Checked } from '../../helpers/checks';
import { canonicalJson, idempotencyKeyFor, type IdempotencyMode } from '../../helpers/idempotency';
import type { Operation, OperationRun } from '../../helpers/operation';
import {
	idempotencyOptions,
	optionCollections,
	readIdempotencySettings,
	readOptionValues,
} from '../../helpers/options';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import {
	balanceTransactionsPath,
	createBalanceTransaction,
	type BalanceTransaction,
	type BalanceTransactionParams,
} from './balanceTransactionApi';
import { createFields, LABELS, readBalanceTransactionValues } from './balanceTransactionFields';
import { toBalanceTransactionParams } from './balanceTransactionMapping';

const { idempotency, idempotencyKey, customKeyOnly } = idempotencyOptions({
	object: 'balance transaction',
	note: 'Money moves once per key: to apply the same amount to a customer twice on purpose, give each its own Custom Key (an order or refund ID).',
});

export const create: Operation = {
	value: 'create',
	name: 'Create',
	action: 'Credit or debit a customer balance',
	description: "Credit or debit a customer's balance, one transaction per input item",
	toolDescription:
		"Credits or debits a Stripe customer's balance. Amount is a whole number in the currency's smallest unit (cents): negative is a credit the customer can spend on the next invoices (-500 = 5.00), positive a debit added to what they owe. Needs the customer's ID (cus_…) and the three-letter currency (usd). Returns the transaction's ID and the customer's balance after it (endingBalance). The same request again returns the same transaction (replayed: true) and moves nothing.",
	permission: 'Customers: Write',
	properties: [
		customerLocator,
		...createFields,
		...optionCollections([idempotency, idempotencyKey], [idempotency, customKeyOnly]),
	],
	execute,
};

const RERUN_NOTES: Record<IdempotencyMode, string> = {
	perInput:
		'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these transactions instead of applying the amounts again (Options → Idempotency: Per Input).',
	perExecution:
		'Retry On Fail (the same execution) returns these transactions instead of applying the amounts again; a new execution would apply them again (Options → Idempotency: Per Execution).',
	custom:
		'Running again with the same Idempotency Keys (within 24 hours) returns these transactions instead of applying the amounts again.',
};

const REPLAYED_NOTE =
	'Stripe returned the transaction made earlier with the same idempotency key: its amount was applied once, then, and not again now; endingBalance is the balance right after it';

interface CreateItem {
	customerId: string;
	params: BalanceTransactionParams;
	idempotencyKey: string;
	/** The user's own key (Custom Key) and the transaction it stands for: one transaction per key. */
	customKey?: CustomKeyUse;
}

function readOptions(context: IExecuteFunctions, itemIndex: number) {
	return readIdempotencySettings(
		readOptionValues((name) => context.getNodeParameter(name, itemIndex, {})),
	);
}

/** Reads and checks one item: every problem of its fields and its key, before anything is sent. */
function prepare(context: IExecuteFunctions, itemIndex: number): Checked<CreateItem> {
	const customerId = readCustomerId(context, itemIndex);
	const params = toBalanceTransactionParams(
		readBalanceTransactionValues(context, itemIndex),
		LABELS,
	);
	const settings = readOptions(context, itemIndex);
	const request = {
		path: balanceTransactionsPath(customerId.ok ? customerId.value : ''),
		params: params.ok ? params.value : {},
	};
	const key = idempotencyKeyFor(context, itemIndex, settings, request);
	const checked = combineChecks({ customerId, params, key });
	if (!checked.ok) return checked;
	const { key: idempotencyKey } = checked.value;
	return valid({
		customerId: checked.value.customerId,
		params: checked.value.params,
		idempotencyKey,
		customKey:
			settings.mode === 'custom'
				? { key: idempotencyKey, asks: canonicalJson(request), field: settings.customKeyField }
				: undefined,
	});
}

function output(customerId: string, transaction: BalanceTransaction, replayed: boolean) {
	const json: IDataObject = {
		customerId,
		balanceTransactionId: transaction.id,
		amount: transaction.amount,
		currency: transaction.currency,
		endingBalance: transaction.ending_balance,
	};
	if (replayed) Object.assign(json, { replayed: true, note: REPLAYED_NOTE });
	return json;
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: RERUN_NOTES[readOptions(this, 0).mode],
		prepare: (itemIndex) => prepare(this, itemIndex),
		customKeyOf: (item) => item.customKey,
		// Items of one key are one request: one after another, so the later ones get Stripe's stored answer.
		groupOf: (item) => `key:${item.idempotencyKey}`,
		run: async ({ customerId, params, idempotencyKey: key }) => {
			const { transaction, replayed } = await createBalanceTransaction(
				stripe,
				customerId,
				params,
				key,
			);
			const what = `${transaction.amount} ${transaction.currency}, ${transaction.id}`;
			return {
				json: [output(customerId, transaction, replayed)],
				change: replayed
					? `${customerId}: ${what} (applied earlier; Stripe returned it for the same idempotency key)`
					: `${customerId}: ${what} (applied)`,
			};
		},
	});
}
