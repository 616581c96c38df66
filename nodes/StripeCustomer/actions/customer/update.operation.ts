import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { updateCustomer } from '../../helpers/customerApi';
import { toCustomerUpdatePlan } from '../../helpers/customerParams';
import {
	combine,
	connect,
	customerLocator,
	customerOutput,
	idempotencyKeyFor,
	readCustomerId,
	readCustomerInput,
	readNodeOptions,
	writeOptions,
} from './common';
import { customerFieldProperties } from './fields';

export const option = {
	name: 'Update',
	value: 'update',
	action: 'Update a customer',
	description: 'Change the fields given; empty fields are left as they are',
};

export const description: INodeProperties[] = [customerLocator, ...customerFieldProperties(), writeOptions];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	return await runBatch(this, {
		concurrency: options.concurrency ?? 10,
		rerunNote: 'Running the node again applies the same updates again, which changes nothing more.',
		prepare: (itemIndex) => {
			const checked = combine({ customerId: readCustomerId(this, itemIndex), plan: toCustomerUpdatePlan(readCustomerInput(this, itemIndex)) });
			if (!checked.ok) return checked;
			const { customerId, plan } = checked.value;
			// Per execution, never per input: an update repeated later with earlier values must apply again, not replay.
			const options = readNodeOptions(this, itemIndex);
			const key = idempotencyKeyFor(this, itemIndex, options, { path: `/v1/customers/${customerId}`, params: plan.params }, false);
			if (!key.ok) return key;
			return { ok: true, value: { customerId, plan, key: key.value, returnFullCustomer: options.returnFullCustomer === true } };
		},
		// Two updates of one customer in one run apply in input order.
		groupOf: (item) => item.customerId,
		run: async (item) => {
			const customer = await updateCustomer(stripe, item.customerId, item.plan, item.key);
			return { json: [customerOutput(customer, item.returnFullCustomer)], change: `${customer.id} (updated)` };
		},
	});
}
