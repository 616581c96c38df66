import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { createEndpoint, endpointExists, releaseEndpoint } from './trigger/endpointLifecycle';
import { triggerProperties } from './trigger/properties';
import { receiveEvent } from './trigger/receiveEvent';

export class StripeCustomerTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Customer Trigger',
		name: 'stripeCustomerTrigger',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when a Stripe customer is created, updated or deleted: signed, deduplicated, one endpoint',
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
		return { workflowData: [[{ json: delivery.run }]] };
	}
}
