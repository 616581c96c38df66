import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { Operation, OperationRun } from '../../helpers/operation';
import { retrieveCustomer } from './customerApi';
import { customerLocator, readCustomerId } from './customerLocator';
import { OPTIONS_OF } from './customerOptions';
import { outputsOfVersion13 } from './customerOutput';

export const get: Operation = {
	value: 'get',
	name: 'Get',
	action: 'Get a customer',
	description: 'Retrieve a customer by ID',
	toolDescription:
		'Returns one Stripe customer by its ID (cus_…), with its name, email, address, tax IDs and other details; a deleted customer comes back as deleted: true.',
	permission: 'Customers: Read',
	properties: [customerLocator, ...OPTIONS_OF.read],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const withTaxIds = outputsOfVersion13(this.getNode().typeVersion);
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => readCustomerId(this, itemIndex),
		run: async (customerId) => {
			const customer = await retrieveCustomer(stripe, customerId, { withTaxIds });
			// Stripe still answers for a deleted customer, with only `deleted: true`.
			const json: IDataObject = customer.deleted
				? { customerId, deleted: true }
				: { customerId, customer: customer as unknown as IDataObject };
			return { json: [json] };
		},
	});
}
