import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { customerLocator } from '../customer/customerLocator';
import { detachPaymentMethod, ownerOf, retrievePaymentMethod } from './paymentMethodApi';
import {
	notTheCustomersError,
	paymentMethodLocator,
	readPaymentMethodWrite,
} from './paymentMethodLocator';

export const detach: Operation = {
	value: 'detach',
	name: 'Detach',
	action: 'Detach a payment method from a customer',
	description: 'Remove a payment method from a customer for good',
	toolDescription:
		'Detaches the payment method (pm_…) from the Stripe customer with this ID (cus_…), for good: Stripe never attaches a detached payment method again. Only a payment method of that customer is detached; one attached to no customer is reported as alreadyDetached: true.',
	permission: 'PaymentMethods: Write',
	properties: [customerLocator, paymentMethodLocator, ...optionCollections([])],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote: 'Running the node again reports them as already detached.',
		prepare: (itemIndex) => readPaymentMethodWrite(this, itemIndex, 'detach'),
		// One payment method given twice is detached once; the second item finds it detached.
		groupOf: (item) => item.paymentMethodId,
		run: async ({ customerId, paymentMethodId, key }, itemIndex) => {
			// Only the picked customer's payment method is detached: a typo never detaches another customer's.
			const current = await retrievePaymentMethod(stripe, paymentMethodId);
			const owner = ownerOf(current);
			if (owner === null) {
				// Stripe shows only that it is attached to no customer (detached before, or never attached).
				const json: IDataObject = {
					customerId,
					paymentMethodId,
					detached: true,
					alreadyDetached: true,
					paymentMethod: current as unknown as IDataObject,
				};
				return { json: [json], change: `${customerId}: ${paymentMethodId} already detached` };
			}
			if (owner !== customerId)
				throw notTheCustomersError(
					node,
					itemIndex,
					{ customerId, paymentMethodId },
					owner,
					'Nothing was detached.',
				);
			const detached = await detachPaymentMethod(stripe, paymentMethodId, key);
			const json: IDataObject = {
				customerId,
				paymentMethodId,
				detached: true,
				paymentMethod: detached as unknown as IDataObject,
			};
			return { json: [json], change: `${customerId}: ${paymentMethodId} detached` };
		},
	});
}
