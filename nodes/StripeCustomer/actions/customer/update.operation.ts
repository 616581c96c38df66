import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, valid } from '../../helpers/checks';
import { keyAfterStoredError, updateKeyFor } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import { customerFieldProperties, readCustomerValues } from './fields';
import { customerLocator, readCustomerId } from './locator';
import { toCustomerUpdatePlan } from './mapping';
import { customerOutput } from './output';
import { OPTIONS_OF, readSettings } from './settings';
import { applyUpdate } from './updateSteps';

export const option = {
	name: 'Update',
	value: 'update',
	action: 'Update a customer',
	description: 'Change the fields given; empty fields are left as they are',
};

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Changes the fields given of the Stripe customer with this ID (cus_…). Fields left empty stay as they are; an address given in part keeps its other parts. Returns customerId.';

export const description: INodeProperties[] = [
	customerLocator,
	...customerFieldProperties({ operation: 'update' }),
	...OPTIONS_OF.write,
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const runSettings = readSettings(this);
	const stripe = await StripeClient.connect(this, runSettings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	return await runBatch(this, {
		concurrency: runSettings.concurrency,
		rerunNote:
			'Running the node again applies the same updates again, which changes nothing more: tax IDs and payment methods the customer has are not added twice.',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				plan: toCustomerUpdatePlan(readCustomerValues(this, itemIndex)),
			});
			if (!checked.ok) return checked;
			const { customerId, plan } = checked.value;
			const { returnFullCustomer } = readSettings(this, itemIndex);
			return valid({ customerId, plan, key: updateKeyFor(this, itemIndex), returnFullCustomer });
		},
		// Two updates of one customer in one run apply in input order.
		groupOf: (item) => item.customerId,
		run: async (item, itemIndex, steps) => {
			const { customer, replayed } = await applyUpdate(
				stripe,
				this.getNode(),
				itemIndex,
				{ customerId: item.customerId },
				item.plan,
				item.key,
				steps,
			);
			const json = {
				...customerOutput(customer, item.returnFullCustomer),
				...(replayed ? { replayed } : {}),
			};
			return { json: [json], change: `${customer.id} (updated)` };
		},
	});
}
