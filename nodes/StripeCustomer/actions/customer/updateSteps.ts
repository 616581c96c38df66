import type { INode } from 'n8n-workflow';

import type { ItemSteps } from '../../helpers/batch';
import { InvalidItemError } from '../../helpers/checks';
import { followUpKey } from '../../helpers/idempotency';
import { isNoSuchObject, settled } from '../../helpers/stripeAnswers';
import type { StripeClient } from '../../transport/stripeRequest';
import { attachPaymentMethod } from '../paymentMethod/paymentMethodApi';
import { addTaxId, listTaxIds, sameTaxId } from '../taxId/taxIdApi';
import { postCustomerUpdate, retrieveCustomer, type StripeCustomer } from './customerApi';
import {
	completeUpdate,
	needsCurrentCustomer,
	updateBody,
	type CurrentCustomer,
	type CustomerUpdatePlan,
} from './customerMapping';

// An update of an existing customer, in the steps Stripe needs, each safe to repeat: a re-run (or a retry after a
// step failed) ends in the same customer, and a step that is already done is not done again.

export interface UpdateTarget {
	customerId: string;
	/** The customer as just read (Create or Update's lookup); otherwise it is read when the update needs it. */
	current?: CurrentCustomer;
}

/** One update of an existing customer, and what it needs to do its steps. */
export interface CustomerUpdate {
	stripe: StripeClient;
	node: INode;
	itemIndex: number;
	target: UpdateTarget;
	plan: CustomerUpdatePlan;
	/** The update's own key; its other requests (an attach, a tax ID) use keys derived from it. */
	idempotencyKey: string;
	/** Told each change made, so a failure half-way says what stays done. */
	steps: ItemSteps;
}

/** Applies the update; a customer deleted in Stripe is told as such, not as "No such customer". */
export async function applyUpdate(update: CustomerUpdate): Promise<UpdateResult> {
	const updated = await settled(updateInSteps(update));
	if (updated.ok) return updated.value;
	if (isNoSuchObject(updated.error)) {
		const { stripe, node, itemIndex, target } = update;
		const customer = await settled(retrieveCustomer(stripe, target.customerId));
		if (customer.ok && customer.value.deleted)
			throw deletedCustomerError(node, itemIndex, target.customerId);
	}
	throw updated.error;
}

interface UpdateResult {
	customer: StripeCustomer;
	replayed: boolean;
	/** What the update was asked to change: the Stripe parameters it sent, `payment_method` and `tax_ids` when given. */
	updatedFields: string[];
}

function deletedCustomerError(node: INode, itemIndex: number, customerId: string) {
	return new InvalidItemError(node, itemIndex, [
		{
			field: 'Customer',
			message: `${customerId} was deleted in Stripe, and a deleted customer cannot be updated (Get shows it as deleted: true)`,
		},
	]);
}

async function updateInSteps({
	stripe,
	node,
	itemIndex,
	target,
	plan,
	idempotencyKey,
	steps,
}: CustomerUpdate): Promise<UpdateResult> {
	const { customerId } = target;
	let current = target.current;
	if (!current && needsCurrentCustomer(plan)) {
		const read = await retrieveCustomer(stripe, customerId);
		if (read.deleted) throw deletedCustomerError(node, itemIndex, customerId);
		current = read;
	}
	const params = completeUpdate(plan, current);
	if (!params.ok)
		throw new InvalidItemError(
			node,
			itemIndex,
			params.problems,
			`Nothing was changed for ${customerId}.`,
		);

	// Stripe's update sets an invoice default payment method only once the payment method is attached.
	if (plan.paymentMethod) {
		const attachment = await attachPaymentMethod(
			stripe,
			plan.paymentMethod,
			customerId,
			followUpKey(idempotencyKey, 'attach'),
		);
		if (attachment.outcome === 'attachedElsewhere') throw attachment.refusal;
		if (attachment.outcome === 'attached')
			steps.done(`${customerId}: payment method ${plan.paymentMethod} attached`);
		// A test payment method (pm_card_visa) attaches as a new pm_…: the invoice default is the one attached.
		const invoiceSettings = params.value.invoice_settings;
		if (invoiceSettings && invoiceSettings.default_payment_method === plan.paymentMethod) {
			params.value.invoice_settings = {
				...invoiceSettings,
				default_payment_method: attachment.paymentMethod.id,
			};
		}
	}
	if (plan.taxIds.length) {
		const existing = await listTaxIds(stripe, customerId);
		for (const [index, taxId] of plan.taxIds.entries()) {
			if (existing.some((other) => sameTaxId(other, taxId))) continue;
			const added = await addTaxId(
				stripe,
				customerId,
				taxId,
				followUpKey(idempotencyKey, `tax_id:${index}`),
			);
			if (added) steps.done(`${customerId}: tax ID ${taxId.type} ${taxId.value} added`);
		}
	}
	const body = updateBody(params.value, plan.cleared);
	const updated = await postCustomerUpdate(
		stripe,
		customerId,
		body,
		plan.apiVersion,
		followUpKey(idempotencyKey, 'update'),
	);
	const updatedFields = [
		...(plan.paymentMethod ? ['payment_method'] : []),
		...(plan.taxIds.length ? ['tax_ids'] : []),
		...Object.keys(body),
	];
	return { ...updated, updatedFields };
}
