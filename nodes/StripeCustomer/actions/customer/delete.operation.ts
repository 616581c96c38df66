import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { StripeClient } from '../../transport/stripeRequest';
import { deleteCustomer } from './customerApi';
import { customerLocator, readCustomerId } from './locator';
import { OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a customer',
	description: 'Delete a customer for good; its subscriptions are cancelled at once',
};

export const description: INodeProperties[] = [customerLocator, OPTIONS_OF.read];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings);
	return await runBatch(this, {
		concurrency: settings.concurrency,
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
