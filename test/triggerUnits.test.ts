import { randomBytes } from 'crypto';
import Stripe from 'stripe';

import { DeliveryMemory } from '../nodes/StripeCustomer/trigger/deliveryDedupe';
import {
	ANY_CUSTOMER_EVENT,
	ANY_SUBSCRIPTION_EVENT,
	EVENT_OPTIONS,
	expandEvents,
} from '../nodes/StripeCustomer/trigger/events';
import {
	eventToItem,
	parseEvent,
	type ReceivedEvent,
} from '../nodes/StripeCustomer/trigger/output';
import { verifySignature } from '../nodes/StripeCustomer/trigger/signature';
import { webhookUrlProblem } from '../nodes/StripeCustomer/trigger/webhookUrl';

// The trigger's pure parts: the signature check (against what the official `stripe` client signs), the event list,
// the output item, the delivery memory, the check of n8n's webhook URL. Their behaviour inside n8n is in trigger.workflow.test.ts.

const stripe = new Stripe('sk_test_unused');
// An endpoint's signing secret, as Stripe returns it on create (made up for the test).
const ENDPOINT_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const NOW = 1_780_000_000;

const body = JSON.stringify({
	id: 'evt_1',
	object: 'event',
	type: 'customer.created',
	data: { object: { id: 'cus_1', object: 'customer', name: 'Zoë Ünicode' } },
});
/** The header Stripe sends for `payload`, made by Stripe's own library. */
const signed = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
	stripe.webhooks.generateTestHeaderString({
		payload,
		secret: options.secret ?? ENDPOINT_SECRET,
		timestamp: options.timestamp ?? NOW,
	});

describe('Stripe-Signature check', () => {
	const check = (header: string | undefined, rawBody: string | Uint8Array = body, now = NOW) =>
		verifySignature({ header, rawBody, secret: ENDPOINT_SECRET, now });

	test('a delivery signed by Stripe with the endpoint secret passes, as text or as the bytes n8n received', () => {
		expect(check(signed(body))).toEqual({ valid: true });
		expect(check(signed(body), Buffer.from(body, 'utf8'))).toEqual({ valid: true });
	});

	test('a signature made with another secret fails', () => {
		expect(check(signed(body, { secret: 'whsec_someoneElse' }))).toEqual({
			valid: false,
			reason: "no v1 signature matches the body and this endpoint's signing secret",
		});
	});

	test('a body changed after signing fails, even by one character or only by re-serialising the JSON', () => {
		const header = signed(body);
		expect(check(header, body.replace('cus_1', 'cus_2')).valid).toBe(false);
		expect(check(header, JSON.stringify(JSON.parse(body), null, 1)).valid).toBe(false);
	});

	test('a timestamp more than 300 s old (a replay) or ahead fails; 300 s passes', () => {
		expect(check(signed(body, { timestamp: NOW - 300 }))).toEqual({ valid: true });
		expect(check(signed(body, { timestamp: NOW - 301 }))).toEqual({
			valid: false,
			reason: "the signature's timestamp is 301 s old (at most 300 s allowed)",
		});
		expect(check(signed(body, { timestamp: NOW + 301 }))).toEqual({
			valid: false,
			reason: "the signature's timestamp is 301 s in the future (at most 300 s allowed)",
		});
	});

	test('a missing or malformed header fails and says why', () => {
		expect(check(undefined)).toEqual({ valid: false, reason: 'no Stripe-Signature header' });
		expect(check('')).toEqual({ valid: false, reason: 'no Stripe-Signature header' });
		const v1 = signed(body).split(',')[1];
		expect(check(v1)).toEqual({
			valid: false,
			reason: 'the Stripe-Signature header has no timestamp',
		});
		expect(check(`t=${NOW}`)).toEqual({
			valid: false,
			reason: 'the Stripe-Signature header has no v1 signature',
		});
		// v0 is Stripe's test-mode scheme with a non-secret key: never accepted.
		expect(check(`t=${NOW},v0=${v1.slice(3)}`).valid).toBe(false);
		expect(check(`t=${NOW},v1=zz`).valid).toBe(false);
	});

	test('while a secret is being rolled the header carries several v1: any of them may match', () => {
		const old = signed(body, { secret: 'whsec_previousSecret' });
		const current = signed(body).split(',')[1];
		expect(check(`${old},${current}`)).toEqual({ valid: true });
		expect(check(`${old},v1=${'0'.repeat(64)}`).valid).toBe(false);
	});
});

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

	test('the picker lists the events by name, alphabetically, the two groups first, each with its Stripe type', () => {
		const names = EVENT_OPTIONS.map((option) => option.name);
		expect(names.slice(0, 5)).toEqual([
			'Any Customer Event',
			'Any Subscription Event',
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

describe('delivery memory', () => {
	test('an event is new once per scope within the window, and new again after it', () => {
		const memory = new DeliveryMemory(1000, 10);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 0)).toBe(true);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 999)).toBe(false);
		expect(memory.firstDelivery('wf1|node|manual', 'evt_1', 999)).toBe(true);
		expect(memory.firstDelivery('wf2|node|trigger', 'evt_1', 999)).toBe(true);
		expect(memory.firstDelivery('wf1|node|trigger', 'evt_1', 1000)).toBe(true);
	});

	test('it holds at most its ceiling of events, forgetting the oldest first', () => {
		const memory = new DeliveryMemory(60_000, 3);
		for (const id of ['evt_1', 'evt_2', 'evt_3', 'evt_4']) memory.firstDelivery('s', id, 0);
		expect(memory.size).toBe(3);
		expect(memory.firstDelivery('s', 'evt_4', 1)).toBe(false);
		expect(memory.firstDelivery('s', 'evt_1', 1)).toBe(true);
	});
});

describe("n8n's webhook URL, as Stripe takes it", () => {
	test.each([
		[
			'http://localhost:5678/webhook/a/webhook',
			'localhost is a name only this machine or its network knows',
		],
		[
			'http://n8n.localhost/webhook',
			'n8n.localhost is a name only this machine or its network knows',
		],
		['https://nas.local/webhook', 'nas.local is a name only this machine or its network knows'],
		['http://127.0.0.1:5678/webhook', '127.0.0.1 is a loopback address (this machine only)'],
		['http://[::1]:5678/webhook', '::1 is a loopback address (this machine only)'],
		['http://0.0.0.0:5678/webhook', '0.0.0.0 is not an address anyone can reach'],
		['https://10.0.0.5/webhook', '10.0.0.5 is a private network address'],
		['https://172.16.3.4/webhook', '172.16.3.4 is a private network address'],
		['https://192.168.1.20/webhook', '192.168.1.20 is a private network address'],
		['https://[fd12:3456::1]/webhook', 'fd12:3456::1 is a private network address'],
		['https://169.254.1.1/webhook', '169.254.1.1 is a link-local address'],
		[
			'https://100.72.0.9/webhook',
			"100.72.0.9 is a carrier-grade NAT address (your provider's network)",
		],
		[
			'http://n8n:5678/webhook',
			'n8n is a name without a domain, which only its own network resolves',
		],
	])('%s is refused: its host %s', (url, why) => {
		expect(webhookUrlProblem(url, false)).toBe(
			`its host ${why}, which Stripe cannot reach from the internet`,
		);
	});

	test('a public host is taken over HTTPS in both modes, over plain HTTP in test mode only', () => {
		expect(webhookUrlProblem('https://n8n.example.com/webhook/a/webhook', true)).toBeUndefined();
		expect(webhookUrlProblem('https://172.32.0.1/webhook', true)).toBeUndefined();
		expect(webhookUrlProblem('http://n8n.example.com/webhook/a/webhook', false)).toBeUndefined();
		expect(webhookUrlProblem('http://n8n.example.com/webhook/a/webhook', true)).toBe(
			'it is plain HTTP, and Stripe sends live-mode events only to https URLs',
		);
	});
});
