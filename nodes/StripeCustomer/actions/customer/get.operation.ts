import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { retrieveCustomer } from '../../helpers/customerApi';
import { connect, customerLocator, readCustomerId, readOptions } from './common';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a customer',
	description: 'Retrieve a customer by ID',
};

export const description: INodeProperties[] = [customerLocator, readOptions];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	return await runBatch(this, {
		concurrency: options.concurrency ?? 10,
		prepare: (itemIndex) => readCustomerId(this, itemIndex),
		run: async (customerId) => {
			const customer = await retrieveCustomer(stripe, customerId);
			// Stripe still answers for a deleted customer, with only `deleted: true`.
			const json: IDataObject = customer.deleted
				? { customerId, deleted: true }
				: { customerId, customer: customer as unknown as IDataObject };
			return { json: [json] };
		},
	});
}
