import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { RESOURCES, router } from './actions/router';
import { listSearchOf, nodeProperties, subtitleOf } from './helpers/operation';

export class StripeCustomer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Customer',
		name: 'stripeCustomer',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['output'],
		// 1.1 shows the billing and shipping address fields together; 1.2 puts what the node does ("Options") apart from
		// how it talks to Stripe ("Request Options"). Workflows saved with 1 or 1.1 keep their saved values.
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		// "Create: Customer", the operation as the Operation list names it.
		subtitle: subtitleOf(RESOURCES),
		description:
			'Create, find, update and delete Stripe customers, or start a workflow when one changes',
		defaults: { name: 'Stripe Customer' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'stripeCustomerApi', required: true }],
		properties: nodeProperties(RESOURCES),
	};

	methods = { listSearch: listSearchOf(RESOURCES) };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
