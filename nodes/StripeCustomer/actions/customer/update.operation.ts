import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, valid } from '../../helpers/checks';
import { updateKeyFor } from '../../helpers/idempotency';
import type { Operation, OperationRun } from '../../helpers/operation';
import { customerFieldProperties, readClearing, readCustomerValues } from './customerFields';
import { customerLocator, readCustomerId } from './customerLocator';
import { toCustomerUpdatePlan } from './customerMapping';
import { OPTIONS_OF, readCustomerOptions } from './customerOptions';
import { customerWriteOutput, outputsOfVersion13 } from './customerOutput';
import { applyUpdate } from './updateSteps';

export const update: Operation = {
	value: 'update',
	name: 'Update',
	action: 'Update a customer',
	description:
		'Change the fields given and remove those chosen in Clear Fields; empty fields are left as they are',
	toolDescription:
		'Changes the fields given of the Stripe customer with this ID (cus_…) and removes the values named in Clear Fields and Metadata Keys to Remove. Fields left empty stay as they are; an address given in part keeps its other parts. Returns customerId.',
	permission: 'Customers: Write',
	properties: [
		customerLocator,
		...customerFieldProperties({ operation: 'update' }),
		...OPTIONS_OF.write,
	],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote:
			'Running the node again applies the same updates again, which changes nothing more: tax IDs and payment methods the customer has are not added twice.',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				plan: toCustomerUpdatePlan(
					readCustomerValues(this, itemIndex),
					readClearing(this, itemIndex, 'update'),
				),
			});
			if (!checked.ok) return checked;
			const { customerId, plan } = checked.value;
			const { returnFullCustomer } = readCustomerOptions(this, itemIndex);
			return valid({ customerId, plan, key: updateKeyFor(this, itemIndex), returnFullCustomer });
		},
		// Two updates of one customer in one run apply in input order.
		groupOf: (item) => item.customerId,
		run: async (item, itemIndex, steps) => {
			const { customer, replayed, updatedFields } = await applyUpdate({
				stripe,
				node: this.getNode(),
				itemIndex,
				target: { customerId: item.customerId },
				plan: item.plan,
				idempotencyKey: item.key,
				steps,
			});
			const json = customerWriteOutput({
				customer,
				replayed,
				updatedFields,
				withCustomer: item.returnFullCustomer,
				explain: outputsOfVersion13(this.getNode().typeVersion),
			});
			return { json: [json], change: `${customer.id} (updated)` };
		},
	});
}
