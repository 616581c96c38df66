import type Stripe from 'stripe';
import type { INodePropertyOptions } from 'n8n-workflow';

// The customer events the trigger offers, each once: the picker's options and what a choice subscribes to.

/** A Stripe event type, checked against the `stripe` package's list. */
export type StripeEventType = Stripe.WebhookEndpointCreateParams.EnabledEvent;

interface CustomerEvent {
	type: StripeEventType;
	name: string;
	description: string;
	/** Subscription events are an opt-in group: "Any Customer Event" leaves them out. */
	subscription?: true;
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
		subscription: true,
	},
	{
		type: 'customer.subscription.updated',
		name: 'Subscription Updated',
		description: 'A subscription changed (plan, status, renewal…)',
		subscription: true,
	},
	{
		type: 'customer.subscription.deleted',
		name: 'Subscription Deleted',
		description: "A customer's subscription ended",
		subscription: true,
	},
	{
		type: 'customer.subscription.paused',
		name: 'Subscription Paused',
		description: 'A subscription was paused',
		subscription: true,
	},
	{
		type: 'customer.subscription.resumed',
		name: 'Subscription Resumed',
		description: 'A paused subscription was resumed',
		subscription: true,
	},
	{
		type: 'customer.subscription.trial_will_end',
		name: 'Subscription Trial Will End',
		description: "A subscription's trial ends in three days",
		subscription: true,
	},
	{
		type: 'customer.subscription.pending_update_applied',
		name: 'Subscription Pending Update Applied',
		description: "A subscription's pending update was applied",
		subscription: true,
	},
	{
		type: 'customer.subscription.pending_update_expired',
		name: 'Subscription Pending Update Expired',
		description: "A subscription's pending update expired before payment",
		subscription: true,
	},
];

/** Picker values that stand for a group of events. */
export const ANY_CUSTOMER_EVENT = 'anyCustomerEvent';
export const ANY_SUBSCRIPTION_EVENT = 'anySubscriptionEvent';

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
		if (value === ANY_CUSTOMER_EVENT) {
			CUSTOMER_EVENTS.filter((event) => !event.subscription).forEach((event) =>
				types.add(event.type),
			);
		} else if (value === ANY_SUBSCRIPTION_EVENT) {
			CUSTOMER_EVENTS.filter((event) => event.subscription).forEach((event) =>
				types.add(event.type),
			);
		} else if (KNOWN_TYPES.has(value)) {
			types.add(value as StripeEventType);
		} else {
			unknown.push(value);
		}
	}
	return { types: [...types].sort(), unknown };
}
