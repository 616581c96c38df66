import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, givenText, invalid, valid, type Checked } from '../../helpers/checks';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { retrieveBalanceTransaction } from './balanceTransactionApi';
import { isTransactionId, transactionIdField } from './balanceTransactionFields';

export const get: Operation = {
	value: 'get',
	name: 'Get',
	action: 'Get a balance transaction',
	description: "Retrieve one transaction of a customer's balance by ID",
	toolDescription:
		"Returns one balance transaction of a Stripe customer, by the customer's ID (cus_…) and the transaction's ID (cbtxn_…): its amount (negative = credit, positive = debit, in the currency's smallest unit), currency, description, and the customer's balance right after it (ending_balance).",
	permission: 'Customers: Read',
	properties: [customerLocator, transactionIdField, ...optionCollections([])],
	execute,
};

function readTransactionId(context: IExecuteFunctions, itemIndex: number): Checked<string> {
	const id = givenText(context.getNodeParameter(transactionIdField.name, itemIndex, ''));
	if (id === undefined) return invalid(transactionIdField.displayName, 'no transaction ID given');
	if (!isTransactionId(id))
		return invalid(
			transactionIdField.displayName,
			`"${id}" is not a balance transaction ID: one is cbtxn_ followed by letters and digits`,
		);
	return valid(id);
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) =>
			combineChecks({
				customerId: readCustomerId(this, itemIndex),
				transactionId: readTransactionId(this, itemIndex),
			}),
		run: async ({ customerId, transactionId }) => {
			const transaction = await retrieveBalanceTransaction(stripe, customerId, transactionId);
			const json: IDataObject = {
				customerId,
				balanceTransactionId: transaction.id,
				balanceTransaction: transaction as unknown as IDataObject,
			};
			return { json: [json] };
		},
	});
}
