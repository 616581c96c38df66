import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, InvalidItemError, valid } from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { listOutput } from '../../helpers/output';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { invoiceDefaultOf, listCustomerPaymentMethods } from './paymentMethodApi';
import { paymentMethodFilters, readTypeFilter } from './paymentMethodFields';

export const getMany: Operation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many payment methods of a customer',
	description: "List a customer's payment methods, newest first, optionally of one type",
	toolDescription:
		'Lists the payment methods saved to the Stripe customer with this ID (cus_…), newest first, optionally only of one type (card, sepa_debit, us_bank_account…). Returns each with its ID (paymentMethodId), whether it is the default for invoices (isInvoiceDefault) and its details (card brand, last 4 digits, expiry).',
	permission: 'PaymentMethods: Read, Customers: Read',
	properties: [
		customerLocator,
		...RETURN_ALL_OR_LIMIT,
		paymentMethodFilters,
		...optionCollections([]),
	],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => {
			const filters = this.getNodeParameter('filters', itemIndex, {}) as Record<string, unknown>;
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				type: readTypeFilter(filters),
			});
			if (!checked.ok) return checked;
			return valid({ ...checked.value, limit: readLimit(this, itemIndex) });
		},
		run: async ({ customerId, type, limit }, itemIndex) => {
			// One read of the customer tells which payment method is its invoice default.
			const invoiceDefault = await invoiceDefaultOf(stripe, customerId);
			if (invoiceDefault.deleted)
				throw new InvalidItemError(node, itemIndex, [
					{
						field: customerLocator.displayName,
						message: `${customerId} was deleted: a deleted customer has no payment methods`,
					},
				]);
			const paymentMethods = await listCustomerPaymentMethods(stripe, customerId, type, limit);
			return {
				json: listOutput(paymentMethods, 'paymentMethod', { customerId }).map((entry) => ({
					...entry,
					isInvoiceDefault: entry.paymentMethodId === invoiceDefault.paymentMethodId,
				})),
			};
		},
	});
}
