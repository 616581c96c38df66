import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { keyAfterStoredError } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import { deleteCustomer, isNoSuchObject, retrieveCustomer, settled } from './customerApi';
import { customerLocator, readCustomerId } from './locator';
import { OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a customer',
	description: 'Delete a customer for good; its subscriptions are cancelled at once',
};

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Deletes the Stripe customer with this ID (cus_…) for good; its subscriptions end at once. A customer deleted already is reported as alreadyDeleted: true.';

export const description: INodeProperties[] = [customerLocator, ...OPTIONS_OF.read];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote: 'Running the node again reports them as already deleted.',
		prepare: (itemIndex) => readCustomerId(this, itemIndex),
		// One customer given twice is deleted once; the second item finds it already deleted.
		groupOf: (customerId) => customerId,
		run: async (customerId) => {
			const deleted = await settled(deleteCustomer(stripe, customerId));
			if (deleted.ok)
				return { json: [{ customerId, deleted: true }], change: `${customerId} (deleted)` };
			// "No such customer" after a retry whose first try was done but its answer lost, or in a re-run: Stripe
			// still answers for a customer it deleted (deleted: true), and with a 404 only for one that never existed.
			const customer = isNoSuchObject(deleted.error)
				? await settled(retrieveCustomer(stripe, customerId))
				: undefined;
			if (!customer?.ok || !customer.value.deleted) throw deleted.error;
			return {
				json: [{ customerId, deleted: true, alreadyDeleted: true }],
				change: `${customerId} (already deleted)`,
			};
		},
	});
}
