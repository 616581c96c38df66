import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, valid } from '../../helpers/checks';
import { idempotencyKeyFor } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import { updateCustomer } from './customerApi';
import { customerFieldProperties, readCustomerValues } from './fields';
import { customerLocator, readCustomerId } from './locator';
import { toCustomerUpdatePlan } from './mapping';
import { customerOutput } from './output';
import { OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Update',
	value: 'update',
	action: 'Update a customer',
	description: 'Change the fields given; empty fields are left as they are',
};

export const description: INodeProperties[] = [customerLocator, ...customerFieldProperties(), OPTIONS_OF.write];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const runSettings = readSettings(this);
	const stripe = await StripeClient.connect(this, runSettings);
	return await runBatch(this, {
		concurrency: runSettings.concurrency,
		rerunNote: 'Running the node again applies the same updates again, which changes nothing more.',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				plan: toCustomerUpdatePlan(readCustomerValues(this, itemIndex)),
			});
			if (!checked.ok) return checked;
			const { customerId, plan } = checked.value;
			const settings = readSettings(this, itemIndex);
			// Per execution, never per input: an update repeated later with earlier values must apply again, not replay.
			const request = { path: `/v1/customers/${customerId}`, params: plan.params };
			const key = idempotencyKeyFor(this, itemIndex, settings.idempotency, request, false);
			if (!key.ok) return key;
			return valid({ customerId, plan, key: key.value, returnFullCustomer: settings.returnFullCustomer });
		},
		// Two updates of one customer in one run apply in input order.
		groupOf: (item) => item.customerId,
		run: async (item) => {
			const customer = await updateCustomer(stripe, item.customerId, item.plan, item.key);
			return { json: [customerOutput(customer, item.returnFullCustomer)], change: `${customer.id} (updated)` };
		},
	});
}
