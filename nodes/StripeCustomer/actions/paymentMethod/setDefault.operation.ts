import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { customerLocator } from '../customer/customerLocator';
import { ownerOf, retrievePaymentMethod, setInvoiceDefault } from './paymentMethodApi';
import {
	notTheCustomersError,
	paymentMethodLocator,
	readPaymentMethodWrite,
} from './paymentMethodLocator';

export const setDefault: Operation = {
	value: 'setDefault',
	name: 'Set Default',
	action: "Set a customer's default payment method",
	description: "Make one of the customer's payment methods its default for invoices",
	toolDescription:
		'Makes the payment method (pm_…) the default for invoices and subscriptions of the Stripe customer with this ID (cus_…). The payment method must already be attached to that customer (use Attach first). Returns customerId and paymentMethodId.',
	permission: 'Customers: Write, PaymentMethods: Read',
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
		rerunNote: 'Running the node again sets the same defaults again, which changes nothing more.',
		prepare: (itemIndex) => readPaymentMethodWrite(this, itemIndex, 'invoice-default'),
		// One customer's items run in input order: the last one is its default.
		groupOf: (item) => item.customerId,
		run: async ({ customerId, paymentMethodId, key }, itemIndex) => {
			const current = await retrievePaymentMethod(stripe, paymentMethodId);
			const owner = ownerOf(current);
			if (owner !== customerId)
				throw notTheCustomersError(
					node,
					itemIndex,
					{ customerId, paymentMethodId },
					owner,
					`The default of ${customerId} was not changed.`,
				);
			await setInvoiceDefault(stripe, customerId, paymentMethodId, key);
			const json: IDataObject = {
				customerId,
				paymentMethodId,
				isInvoiceDefault: true,
				paymentMethod: current as unknown as IDataObject,
			};
			return { json: [json], change: `${customerId}: ${paymentMethodId} is the invoice default` };
		},
	});
}
