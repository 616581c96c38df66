import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { keyAfterStoredError } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import { retrieveCustomer } from './customerApi';
import { customerLocator, readCustomerId } from './locator';
import { OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Get',
	value: 'get',
	action: 'Get a customer',
	description: 'Retrieve a customer by ID',
};

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Returns one Stripe customer by its ID (cus_…), with its name, email, address and other details; a deleted customer comes back as deleted: true.';

export const description: INodeProperties[] = [customerLocator, ...OPTIONS_OF.read];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	return await runBatch(this, {
		concurrency: settings.concurrency,
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
