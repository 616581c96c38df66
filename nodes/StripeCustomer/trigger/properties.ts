import {
	NodeOperationError,
	type IHookFunctions,
	type INodeProperties,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { EVENT_OPTIONS, expandEvents, type StripeEventType } from './events';

// What the trigger shows in the editor, and the one place its values are read.

/** The canvas subtitle: the chosen events by the names the picker shows ("Any Customer Event"), not their values. */
export const EVENTS_SUBTITLE = `={{ ($parameter["events"] || []).map(value => (${JSON.stringify(
	Object.fromEntries(EVENT_OPTIONS.map((option) => [option.value, option.name])),
)})[value] || value).join(", ") }}`;

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			"Activating this workflow (n8n 2.x: publishing it) creates a webhook endpoint in the credential's Stripe account for n8n's production URL; deactivating it stops the endpoint's deliveries after 5 s and deletes it after 30 s. Listen for test event makes a temporary one. Stripe must reach n8n's URL from the internet: set WEBHOOK_URL when n8n runs on your own machine.",
		name: 'endpointNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: ['customer.created', 'customer.updated', 'customer.deleted'],
		options: EVENT_OPTIONS,
		description:
			"The customer changes that start the workflow. Stripe sends exactly these to the workflow's URL; a change here updates the endpoint at Stripe in place.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Events From Connected Accounts',
				name: 'connectedAccounts',
				type: 'boolean',
				default: false,
				description:
					"Whether to receive the events of every account connected to this Stripe Connect platform (a Connect endpoint; each item carries the account's ID). Needs the platform's key and an empty Connected Account ID in the credential.",
			},
			{
				displayName: 'Include Raw Event',
				name: 'includeRawEvent',
				type: 'boolean',
				default: false,
				description: 'Whether to add the event exactly as Stripe sent it, under rawEvent',
			},
		],
	},
];

export interface TriggerSettings {
	/** The Stripe event types chosen, expanded and sorted. */
	events: StripeEventType[];
	connectedAccounts: boolean;
	includeRawEvent: boolean;
}

/** The trigger's parameters, checked: an empty or unknown event is an error that names the field, before any request. */
export function readTriggerSettings(context: IHookFunctions | IWebhookFunctions): TriggerSettings {
	const chosen = context.getNodeParameter('events', []) as string[] | string;
	const { types, unknown } = expandEvents(Array.isArray(chosen) ? chosen : [chosen]);
	if (unknown.length) {
		throw new NodeOperationError(
			context.getNode(),
			`Events: ${unknown.map((value) => `"${value}"`).join(', ')} is not a customer event this trigger offers`,
		);
	}
	if (types.length === 0) {
		throw new NodeOperationError(context.getNode(), 'Events: choose at least one event');
	}
	const options = context.getNodeParameter('options', {}) as {
		connectedAccounts?: boolean;
		includeRawEvent?: boolean;
	};
	return {
		events: types,
		connectedAccounts: options.connectedAccounts === true,
		includeRawEvent: options.includeRawEvent === true,
	};
}
