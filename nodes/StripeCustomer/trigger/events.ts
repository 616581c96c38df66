import type Stripe from 'stripe';
import type { INodePropertyOptions } from 'n8n-workflow';

// The customer events the trigger offers, each once: the picker's options and what a choice subscribes to.

/** A Stripe event type, checked against the `stripe` package's list. */
export type StripeEventType = Stripe.WebhookEndpointCreateParams.EnabledEvent;

/**
 * "Any Customer Event" stands for the customer's own events (customer.*); the others are groups of their own, so a
 * trigger saved with "Any Customer Event" keeps receiving exactly what it did.
 */
type EventGroup = 'customer' | 'subscription' | 'paymentMethod' | 'billingPortal';

interface CustomerEvent {
	type: StripeEventType;
	name: string;
	description: string;
	/** The group by default "customer". */
	group?: Exclude<EventGroup, 'customer'>;
}

const CUSTOMER_EVENTS: CustomerEvent[] = [
	{ type: 'customer.created', name: 'Customer Created', description: 'A customer was created' },
	{
		type: 'customer.updated',
		name: 'Customer Updated',
		description: "A customer's details changed",
	},
	{ type: 'customer.deleted', name: 'Customer Deleted', description: 'A customer was deleted' },
	{
		type: 'customer.tax_id.created',
		name: 'Tax ID Created',
		description: 'A tax ID was added to a customer',
	},
	{
		type: 'customer.tax_id.updated',
		name: 'Tax ID Updated',
		description: "A customer's tax ID changed (e.g. its verification)",
	},
	{
		type: 'customer.tax_id.deleted',
		name: 'Tax ID Deleted',
		description: 'A tax ID was removed from a customer',
	},
	{
		type: 'customer.discount.created',
		name: 'Discount Created',
		description: 'A coupon was applied to a customer',
	},
	{
		type: 'customer.discount.updated',
		name: 'Discount Updated',
		description: "A customer's discount changed",
	},
	{
		type: 'customer.discount.deleted',
		name: 'Discount Deleted',
		description: "A customer's discount ended or was removed",
	},
	{
		type: 'customer.source.created',
		name: 'Source Created',
		description: 'A card, bank account or source was attached to a customer',
	},
	{
		type: 'customer.source.updated',
		name: 'Source Updated',
		description: "A customer's card, bank account or source changed",
	},
	{
		type: 'customer.source.deleted',
		name: 'Source Deleted',
		description: 'A card, bank account or source was removed from a customer',
	},
	{
		type: 'customer.source.expiring',
		name: 'Source Expiring',
		description: "A customer's card or source expires at the end of the month",
	},
	{
		type: 'customer.subscription.created',
		name: 'Subscription Created',
		description: 'A customer was subscribed to a plan',
		group: 'subscription',
	},
	{
		type: 'customer.subscription.updated',
		name: 'Subscription Updated',
		description: 'A subscription changed (plan, status, renewal…)',
		group: 'subscription',
	},
	{
		type: 'customer.subscription.deleted',
		name: 'Subscription Deleted',
		description: "A customer's subscription ended",
		group: 'subscription',
	},
	{
		type: 'customer.subscription.paused',
		name: 'Subscription Paused',
		description: 'A subscription was paused',
		group: 'subscription',
	},
	{
		type: 'customer.subscription.resumed',
		name: 'Subscription Resumed',
		description: 'A paused subscription was resumed',
		group: 'subscription',
	},
	{
		type: 'customer.subscription.trial_will_end',
		name: 'Subscription Trial Will End',
		description: "A subscription's trial ends in three days",
		group: 'subscription',
	},
	{
		type: 'customer.subscription.pending_update_applied',
		name: 'Subscription Pending Update Applied',
		description: "A subscription's pending update was applied",
		group: 'subscription',
	},
	{
		type: 'customer.subscription.pending_update_expired',
		name: 'Subscription Pending Update Expired',
		description: "A subscription's pending update expired before payment",
		group: 'subscription',
	},
	{
		type: 'payment_method.attached',
		name: 'Payment Method Attached',
		description: 'A payment method was attached to a customer',
		group: 'paymentMethod',
	},
	{
		type: 'payment_method.detached',
		name: 'Payment Method Detached',
		description: 'A payment method was detached from a customer',
		group: 'paymentMethod',
	},
	{
		type: 'payment_method.updated',
		name: 'Payment Method Updated',
		description: "A payment method's details were changed through the API",
		group: 'paymentMethod',
	},
	{
		type: 'payment_method.automatically_updated',
		name: 'Payment Method Automatically Updated',
		description: "A card's details were updated by its network (a new expiry or number)",
		group: 'paymentMethod',
	},
	{
		type: 'billing_portal.session.created',
		name: 'Billing Portal Session Created',
		description: 'A link to the customer portal was created for a customer',
		group: 'billingPortal',
	},
];

/** Picker values that stand for a group of events. */
export const ANY_CUSTOMER_EVENT = 'anyCustomerEvent';
export const ANY_SUBSCRIPTION_EVENT = 'anySubscriptionEvent';
export const ANY_PAYMENT_METHOD_EVENT = 'anyPaymentMethodEvent';

const GROUP_OF_CHOICE: Record<string, EventGroup> = {
	[ANY_CUSTOMER_EVENT]: 'customer',
	[ANY_SUBSCRIPTION_EVENT]: 'subscription',
	[ANY_PAYMENT_METHOD_EVENT]: 'paymentMethod',
};

/** The events picker's options, by name (the two groups come first: "Any …"). */
export const EVENT_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Any Customer Event',
		value: ANY_CUSTOMER_EVENT,
		description: 'Every customer, tax ID, discount and source event (not subscriptions)',
	},
	{
		name: 'Any Subscription Event',
		value: ANY_SUBSCRIPTION_EVENT,
		description: 'Every customer.subscription.* event',
	},
	{
		name: 'Any Payment Method Event',
		value: ANY_PAYMENT_METHOD_EVENT,
		description: 'Every payment_method.* event: attached, detached, updated',
	},
	...CUSTOMER_EVENTS.map(({ type, name, description }) => ({
		name,
		value: type,
		description: `${description} (${type})`,
	})),
].sort((a, b) => a.name.localeCompare(b.name));

const KNOWN_TYPES = new Set<string>(CUSTOMER_EVENTS.map((event) => event.type));

/** The Stripe event types a selection in the picker stands for, sorted, each once; unknown values are returned apart. */
export function expandEvents(selected: readonly string[]): {
	types: StripeEventType[];
	unknown: string[];
} {
	const types = new Set<StripeEventType>();
	const unknown: string[] = [];
	for (const value of selected) {
		const group = Object.hasOwn(GROUP_OF_CHOICE, value) ? GROUP_OF_CHOICE[value] : undefined;
		if (group) {
			for (const event of CUSTOMER_EVENTS)
				if ((event.group ?? 'customer') === group) types.add(event.type);
		} else if (KNOWN_TYPES.has(value)) {
			types.add(value as StripeEventType);
		} else {
			unknown.push(value);
		}
	}
	return { types: [...types].sort(), unknown };
}
