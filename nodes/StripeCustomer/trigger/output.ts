import type Stripe from 'stripe';
import type { IDataObject } from 'n8n-workflow';

// One output item per Stripe event: the customer's ID and the changed object first, the event's envelope beside.

export interface OutputOptions {
	/** Adds the event exactly as Stripe sent it, under `rawEvent`. */
	includeRawEvent: boolean;
	/** The connected account the endpoint was made on (the credential's Connected Account ID), if any. */
	credentialAccount?: string;
}

/** The fields the trigger reads from an event; anything else is passed through untouched. */
export type ReceivedEvent = Pick<Stripe.Event, 'id' | 'type' | 'created' | 'livemode'> & {
	object: 'event';
	account?: string;
	api_version?: string | null;
	data: { object: IDataObject; previous_attributes?: IDataObject };
};

/** The customer an event's object belongs to: the customer itself, or the `customer` of a tax ID, source, discount, subscription. */
export function customerIdOf(object: IDataObject): string | undefined {
	if (object.object === 'customer') return typeof object.id === 'string' ? object.id : undefined;
	const owner = object.customer;
	if (typeof owner === 'string') return owner;
	if (owner && typeof owner === 'object' && typeof (owner as IDataObject).id === 'string')
		return (owner as IDataObject).id as string;
	return undefined;
}

export function eventToItem(event: ReceivedEvent, options: OutputOptions): IDataObject {
	const object = event.data.object;
	const item: IDataObject = {
		// A detached payment method belongs to no customer any more: the one it left is in previous_attributes.
		customerId: customerIdOf(object) ?? customerIdOf(event.data.previous_attributes ?? {}) ?? null,
		event: event.type,
		id: event.id,
		created: event.created,
		livemode: event.livemode,
	};
	const account = event.account ?? options.credentialAccount;
	if (account) item.account = account;
	// customer.* events carry the customer; the others (tax ID, discount, source, subscription) the object that changed.
	if (object.object === 'customer') item.customer = object;
	else item.object = object;
	if (event.data.previous_attributes) item.previousAttributes = event.data.previous_attributes;
	if (options.includeRawEvent) item.rawEvent = event as unknown as IDataObject;
	return item;
}

/** The parsed body if it has the shape of a Stripe event, else why not. */
export function parseEvent(
	rawBody: Uint8Array | string,
): { event: ReceivedEvent } | { problem: string } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(
			typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'),
		);
	} catch {
		return { problem: 'the body is not JSON' };
	}
	const event = parsed as Partial<ReceivedEvent> | null;
	if (
		!event ||
		typeof event !== 'object' ||
		event.object !== 'event' ||
		typeof event.id !== 'string' ||
		typeof event.type !== 'string' ||
		!event.data ||
		typeof event.data.object !== 'object' ||
		event.data.object === null
	) {
		return {
			problem: 'the body is not a Stripe event (object "event" with id, type and data.object)',
		};
	}
	return { event: event as ReceivedEvent };
}
