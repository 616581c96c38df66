import type { Resource } from '../../helpers/operation';
import { create } from './create.operation';

/** Links to Stripe's customer portal, one per input item. */
export const billingPortalSession: Resource = {
	value: 'billingPortalSession',
	name: 'Billing Portal Session',
	defaultOperation: create.value,
	operations: [create],
};
