import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createCustomers } from './createCustomers';
import { authenticationProperty, customerProperties, operationProperty, optionsProperty } from './properties';

export class StripeCustomer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Customer',
		name: 'stripeCustomer',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ "Create customer" }}',
		description: 'Create customers in Stripe: every field, idempotent retries, rate-limited bulk runs',
		defaults: { name: 'Stripe Customer' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'stripeCustomerApi', required: true, displayOptions: { show: { authentication: ['stripeCustomerApi'] } } },
			{ name: 'stripeApi', required: true, displayOptions: { show: { authentication: ['stripeApi'] } } },
		],
		properties: [authenticationProperty, operationProperty, ...customerProperties, optionsProperty],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await createCustomers(this)];
	}
}
