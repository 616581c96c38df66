import {
	eventToItem,
	parseEvent,
	type ReceivedEvent,
} from '../../nodes/StripeCustomer/trigger/output';

// The output item of an event, and the body of a delivery that is not a Stripe event.

const NOW = 1_780_000_000;

const body = JSON.stringify({
	id: 'evt_1',
	object: 'event',
	type: 'customer.created',
	data: { object: { id: 'cus_1', object: 'customer', name: 'Zoë Ünicode' } },
});

describe('output item', () => {
	const customer = { id: 'cus_9', object: 'customer', email: 'new@example.com', name: 'Ada' };
	const updated: ReceivedEvent = {
		id: 'evt_9',
		object: 'event',
		type: 'customer.updated',
		created: NOW,
		livemode: false,
		api_version: '2026-10-28.endive',
		data: { object: customer, previous_attributes: { email: 'old@example.com' } },
	};

	test('a customer event: its customer, what it was before, the event envelope', () => {
		expect(eventToItem(updated, { includeRawEvent: false })).toEqual({
			customerId: 'cus_9',
			event: 'customer.updated',
			id: 'evt_9',
			created: NOW,
			livemode: false,
			customer,
			previousAttributes: { email: 'old@example.com' },
		});
	});

	test("a tax ID (or discount, source, subscription) event: the object that changed, and its customer's ID", () => {
		const taxId = {
			id: 'txi_1',
			object: 'tax_id',
			customer: 'cus_9',
			type: 'eu_vat',
			value: 'DE123456789',
		};
		expect(
			eventToItem(
				{ ...updated, type: 'customer.tax_id.created', data: { object: taxId } },
				{ includeRawEvent: false },
			),
		).toEqual({
			customerId: 'cus_9',
			event: 'customer.tax_id.created',
			id: 'evt_9',
			created: NOW,
			livemode: false,
			object: taxId,
		});
		const subscription = {
			id: 'sub_1',
			object: 'subscription',
			customer: { id: 'cus_7', object: 'customer' },
		};
		expect(
			eventToItem(
				{ ...updated, type: 'customer.subscription.created', data: { object: subscription } },
				{ includeRawEvent: false },
			).customerId,
		).toBe('cus_7');
	});

	test('a payment method detached: the customer it left, from what it was before', () => {
		const detached: ReceivedEvent = {
			id: 'evt_pm',
			object: 'event',
			type: 'payment_method.detached',
			created: NOW,
			livemode: false,
			data: {
				object: { id: 'pm_1', object: 'payment_method', customer: null },
				previous_attributes: { customer: 'cus_left' },
			},
		};
		expect(eventToItem(detached, { includeRawEvent: false })).toMatchObject({
			customerId: 'cus_left',
			event: 'payment_method.detached',
			object: { id: 'pm_1', customer: null },
		});
	});

	test("Connect: the event's account, else the credential's connected account; the raw event when asked", () => {
		expect(
			eventToItem(
				{ ...updated, account: 'acct_from_event' },
				{ includeRawEvent: false, credentialAccount: 'acct_credential' },
			).account,
		).toBe('acct_from_event');
		expect(
			eventToItem(updated, { includeRawEvent: false, credentialAccount: 'acct_credential' })
				.account,
		).toBe('acct_credential');
		expect('account' in eventToItem(updated, { includeRawEvent: false })).toBe(false);
		expect(eventToItem(updated, { includeRawEvent: true }).rawEvent).toBe(updated);
	});

	test('a body that is not a Stripe event is refused with the reason', () => {
		expect(parseEvent('not json')).toEqual({ problem: 'the body is not JSON' });
		expect(parseEvent('{"id":"evt_1","type":"customer.created"}')).toEqual({
			problem: 'the body is not a Stripe event (object "event" with id, type and data.object)',
		});
		expect(parseEvent(Buffer.from(body))).toEqual({ event: JSON.parse(body) });
	});
});
