import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, InvalidItemError, valid } from '../../helpers/checks';
import { followUpKey, idempotencyKeyFor, updateKeyFor } from '../../helpers/idempotency';
import type { Operation, OperationRun } from '../../helpers/operation';
import { optionCollections } from '../../helpers/options';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import {
	attachPaymentMethod,
	attachRequest,
	ownerOf,
	setInvoiceDefault,
	type Attachment,
} from './paymentMethodApi';
import { setAsDefault } from './paymentMethodFields';
import { paymentMethodToAttach, readPaymentMethodId } from './paymentMethodLocator';

export const attach: Operation = {
	value: 'attach',
	name: 'Attach',
	action: 'Attach a payment method to a customer',
	description: 'Save a payment method to a customer, optionally as its default for invoices',
	toolDescription:
		'Attaches a Stripe payment method (pm_…) to the customer with this ID (cus_…), so it can be charged later; with Set as Default for Invoices it becomes the default for invoices and subscriptions. Attaching it again to the same customer is a success (alreadyAttached: true). Returns customerId and paymentMethodId.',
	permission: 'PaymentMethods: Write (and Customers: Write with Set as Default for Invoices)',
	properties: [customerLocator, paymentMethodToAttach, setAsDefault, ...optionCollections([])],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote:
			'Running the node again finds these payment methods attached (alreadyAttached: true) and attaches nothing twice.',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				paymentMethodId: readPaymentMethodId(this, itemIndex),
			});
			if (!checked.ok) return checked;
			const { customerId, paymentMethodId } = checked.value;
			// The same item in a re-run sends the same key: Stripe returns the payment method an earlier run attached
			// (a test payment method such as pm_card_visa would otherwise make a new one each run).
			const attachKey = idempotencyKeyFor(
				this,
				itemIndex,
				{ mode: 'perInput', customKeyField: '' },
				attachRequest(paymentMethodId, customerId),
			);
			if (!attachKey.ok) return attachKey;
			return valid({
				customerId,
				paymentMethodId,
				attachKey: attachKey.value,
				defaultKey: followUpKey(updateKeyFor(this, itemIndex), 'invoice-default'),
				setAsDefault: this.getNodeParameter(setAsDefault.name, itemIndex, false) as boolean,
			});
		},
		// One customer's attaches run in input order, so the last one asked to be the default is.
		groupOf: (item) => item.customerId,
		run: async (item, itemIndex, steps) => {
			const { customerId, paymentMethodId } = item;
			const attachment = await attachPaymentMethod(
				stripe,
				paymentMethodId,
				customerId,
				item.attachKey,
			);
			if (attachment.outcome === 'attachedElsewhere' || attachment.outcome === 'detachedSince') {
				throw new InvalidItemError(
					node,
					itemIndex,
					[{ field: paymentMethodToAttach.displayName, message: whyNotAttached(attachment) }],
					`Nothing was attached to ${customerId}.`,
				);
			}
			const attached = attachment.paymentMethod;
			const alreadyAttached = attachment.outcome === 'alreadyAttached';
			if (!alreadyAttached) steps.done(`${customerId}: payment method ${attached.id} attached`);
			if (item.setAsDefault)
				await setInvoiceDefault(stripe, customerId, attached.id, item.defaultKey);
			const json: IDataObject = {
				customerId,
				paymentMethodId: attached.id,
				...(alreadyAttached ? { alreadyAttached } : {}),
				...(item.setAsDefault ? { isInvoiceDefault: true } : {}),
				paymentMethod: attached as unknown as IDataObject,
			};
			const what = alreadyAttached ? 'already attached' : 'attached';
			return {
				json: [json],
				change: `${customerId}: ${attached.id} ${what}${item.setAsDefault ? ', invoice default' : ''}`,
			};
		},
	});
}

/** Why an item's payment method was not attached, for its error. */
function whyNotAttached(attachment: Attachment): string {
	const { id } = attachment.paymentMethod;
	if (attachment.outcome === 'attachedElsewhere')
		return `${id} is attached to another customer, ${ownerOf(attachment.paymentMethod)}; Stripe attaches a payment method to one customer only (and never attaches a detached one again): collect a new payment method for this customer`;
	return `Stripe returned the payment methods this item attached in the last 24 hours, each detached since (the last: ${id}); Stripe never attaches a detached payment method again`;
}
