import {
	ANY_CUSTOMER_EVENT,
	ANY_PAYMENT_METHOD_EVENT,
	ANY_SUBSCRIPTION_EVENT,
	EVENT_OPTIONS,
	expandEvents,
} from '../../nodes/StripeCustomer/trigger/events';

// The events the trigger offers: the picker's options and what a choice subscribes to.

describe('events picker', () => {
	test('"Any Customer Event" is every customer, tax ID, discount and source event; subscriptions are their own group', () => {
		const anyCustomer = expandEvents([ANY_CUSTOMER_EVENT]);
		expect(anyCustomer).toEqual({
			types: [
				'customer.created',
				'customer.deleted',
				'customer.discount.created',
				'customer.discount.deleted',
				'customer.discount.updated',
				'customer.source.created',
				'customer.source.deleted',
				'customer.source.expiring',
				'customer.source.updated',
				'customer.tax_id.created',
				'customer.tax_id.deleted',
				'customer.tax_id.updated',
				'customer.updated',
			],
			unknown: [],
		});
		const subscriptions = expandEvents([ANY_SUBSCRIPTION_EVENT]).types;
		expect(subscriptions).toHaveLength(8);
		expect(subscriptions.every((type) => type.startsWith('customer.subscription.'))).toBe(true);
	});

	test('the customer\'s next step: payment method events as a group of their own, the portal link\'s event; a trigger saved with "Any Customer Event" gets none of them', () => {
		expect(expandEvents([ANY_PAYMENT_METHOD_EVENT]).types).toEqual([
			'payment_method.attached',
			'payment_method.automatically_updated',
			'payment_method.detached',
			'payment_method.updated',
		]);
		expect(expandEvents(['billing_portal.session.created']).types).toEqual([
			'billing_portal.session.created',
		]);
		const anyCustomer = expandEvents([ANY_CUSTOMER_EVENT]).types;
		expect(anyCustomer.filter((type) => !type.startsWith('customer.'))).toEqual([]);
	});

	test('a choice of several gives each Stripe event once, sorted; a value the picker does not offer is reported', () => {
		expect(
			expandEvents([
				'customer.updated',
				ANY_SUBSCRIPTION_EVENT,
				'customer.created',
				'customer.updated',
				'invoice.paid',
			]),
		).toEqual({
			types: [
				'customer.created',
				'customer.subscription.created',
				'customer.subscription.deleted',
				'customer.subscription.paused',
				'customer.subscription.pending_update_applied',
				'customer.subscription.pending_update_expired',
				'customer.subscription.resumed',
				'customer.subscription.trial_will_end',
				'customer.subscription.updated',
				'customer.updated',
			],
			unknown: ['invoice.paid'],
		});
	});

	test('the picker lists the events by name, alphabetically, the groups first, each with its Stripe type', () => {
		const names = EVENT_OPTIONS.map((option) => option.name);
		expect(names.slice(0, 7)).toEqual([
			'Any Customer Event',
			'Any Payment Method Event',
			'Any Subscription Event',
			'Billing Portal Session Created',
			'Customer Created',
			'Customer Deleted',
			'Customer Updated',
		]);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(EVENT_OPTIONS.find((option) => option.value === 'customer.tax_id.created')).toEqual({
			name: 'Tax ID Created',
			value: 'customer.tax_id.created',
			description: 'A tax ID was added to a customer (customer.tax_id.created)',
		});
	});
});
