import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { createEndpoint, endpointExists, releaseEndpoint } from './trigger/endpointLifecycle';
import { EVENTS_SUBTITLE, triggerProperties } from './trigger/properties';
import { ACCEPTED, receiveEvent } from './trigger/receiveEvent';
import { PANEL_DESCRIPTION } from './panelDescription';

export class StripeCustomerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Customer Trigger',
		name: 'stripeCustomerTrigger',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: EVENTS_SUBTITLE,
		// The nodes panel shows one entry for this trigger and the action node, with this text: it is said for both.
		description: PANEL_DESCRIPTION,
		// A link n8n opens as it is: a codex link gets "?utm_source=…" appended, after this anchor.
		documentationUrl:
			'https://github.com/n8n-nodes-stripe-customer/n8n-nodes-stripe-customer#trigger',
		defaults: { name: 'Stripe Customer Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'stripeCustomerApi', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await endpointExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createEndpoint(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await releaseEndpoint(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const delivery = receiveEvent(this);
		if ('reject' in delivery) {
			// Anything not signed by this endpoint's secret: a 400, and no execution.
			this.getResponseObject().status(400).json({ error: delivery.reject });
			return { noWebhookResponse: true };
		}
		if ('acknowledge' in delivery) return { webhookResponse: delivery.acknowledge };
		// Answered here: left to n8n, the answer would be its placeholder text "firstEntryJson".
		this.getResponseObject().status(200).json(ACCEPTED);
		return { noWebhookResponse: true, workflowData: [[{ json: delivery.run }]] };
	}
}
