import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { deleteCustomer } from '../../helpers/customerApi';
import { connect, customerLocator, readCustomerId, readOptions } from './common';

export const option = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a customer',
	description: 'Delete a customer for good; its subscriptions are cancelled at once',
};

export const description: INodeProperties[] = [customerLocator, readOptions];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	return await runBatch(this, {
		concurrency: options.concurrency ?? 10,
		rerunNote: 'Deleting them again fails with "No such customer".',
		prepare: (itemIndex) => readCustomerId(this, itemIndex),
		// One customer given twice is deleted once; the second item then reports "No such customer".
		groupOf: (customerId) => customerId,
		run: async (customerId) => {
			await deleteCustomer(stripe, customerId);
			return { json: [{ customerId, deleted: true }], change: `${customerId} (deleted)` };
		},
	});
}
