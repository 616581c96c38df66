import type { INode } from 'n8n-workflow';

import type { ItemSteps } from '../../helpers/batch';
import { InvalidItemError } from '../../helpers/checks';
import { followUpKey } from '../../helpers/idempotency';
import type { StripeClient } from '../../transport/stripeRequest';
import { attachPaymentMethod } from '../paymentMethod/paymentMethodApi';
import {
	addTaxId,
	listTaxIds,
	postCustomerUpdate,
	retrieveCustomer,
	sameTaxId,
	type StripeCustomer,
} from './customerApi';
import {
	completeUpdate,
	needsCurrentCustomer,
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

export async function applyUpdate({
	stripe,
	node,
	itemIndex,
	target,
	plan,
	idempotencyKey,
	steps,
}: CustomerUpdate): Promise<{ customer: StripeCustomer; replayed: boolean }> {
	const { customerId } = target;
	let current = target.current;
	if (!current && needsCurrentCustomer(plan)) {
		const read = await retrieveCustomer(stripe, customerId);
		// A deleted customer has no address to keep; the writes below get Stripe's "No such customer".
		current = read.deleted ? undefined : read;
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
	return await postCustomerUpdate(
		stripe,
		customerId,
		params.value,
		plan.apiVersion,
		followUpKey(idempotencyKey, 'update'),
	);
}
