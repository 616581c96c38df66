import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import {
	combineChecks,
	givenText,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { readCreatedRange } from '../../helpers/dateTime';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { listOutput } from '../../helpers/output';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { listBalanceTransactions, type BalanceTransactionFilter } from './balanceTransactionApi';
import { getManyFilters } from './balanceTransactionFields';

export const getMany: Operation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many balance transactions',
	description: "List the transactions of a customer's balance, newest first",
	toolDescription:
		"Lists the balance transactions of a Stripe customer (cus_…), newest first: credits (negative amounts), debits (positive), invoices the balance was applied to. Each comes with the customer's balance right after it (ending_balance), in the currency's smallest unit.",
	permission: 'Customers: Read',
	properties: [customerLocator, ...RETURN_ALL_OR_LIMIT, getManyFilters, ...optionCollections([])],
	execute,
};

interface ListQuery {
	customerId: string;
	filter: BalanceTransactionFilter;
	limit?: number;
}

function readFilter(
	context: IExecuteFunctions,
	itemIndex: number,
): Checked<BalanceTransactionFilter> {
	const given = context.getNodeParameter(getManyFilters.name, itemIndex, {}) as Record<
		string,
		unknown
	>;
	const problems: FieldProblem[] = [];
	const created = readCreatedRange(given, context.getTimezone(), problems);
	const invoice = givenText(given.invoice);
	const unencodable = unencodableText('Filters → Invoice ID', invoice);
	if (unencodable) problems.push(unencodable);
	return problems.length ? { ok: false, problems } : valid({ ...created, invoice });
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch<ListQuery>(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				filter: readFilter(this, itemIndex),
			});
			return checked.ok ? valid({ ...checked.value, limit: readLimit(this, itemIndex) }) : checked;
		},
		run: async ({ customerId, filter, limit }) => ({
			json: listOutput(
				await listBalanceTransactions(stripe, customerId, filter, limit),
				'balanceTransaction',
				{ customerId },
			),
		}),
	});
}
