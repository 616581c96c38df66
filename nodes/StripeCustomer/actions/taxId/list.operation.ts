import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { valid } from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { listOutput } from '../../helpers/output';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { listTaxIds } from './taxIdApi';

export const list: Operation = {
	value: 'list',
	name: 'List',
	action: "List a customer's tax IDs",
	description: 'The tax IDs a customer has, with their type, value and verification',
	toolDescription:
		'Lists the tax IDs of the Stripe customer with this ID (cus_…), one result per tax ID: its ID (taxIdId, txi_…), type (e.g. eu_vat), value, country and verification status.',
	permission: 'Tax IDs: Read',
	properties: [customerLocator, ...RETURN_ALL_OR_LIMIT, ...optionCollections([])],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => {
			const customerId = readCustomerId(this, itemIndex);
			if (!customerId.ok) return customerId;
			return valid({ customerId: customerId.value, limit: readLimit(this, itemIndex) });
		},
		run: async ({ customerId, limit }) => ({
			json: listOutput(await listTaxIds(stripe, customerId, limit), 'taxId', { customerId }),
		}),
	});
}
