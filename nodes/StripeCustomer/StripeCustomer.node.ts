import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { RESOURCES, router } from './actions/router';
import { listSearchOf, nodeProperties, subtitleOf } from './helpers/operation';
import { PANEL_DESCRIPTION } from './panelDescription';

export class StripeCustomer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stripe Customer',
		name: 'stripeCustomer',
		icon: { light: 'file:stripe.svg', dark: 'file:stripe.dark.svg' },
		group: ['output'],
		// 1.1 shows the billing and shipping address fields together; 1.2 puts what the node does ("Options") apart from
		// how it talks to Stripe ("Request Options"); 1.3's writes say in their output what they did. Workflows saved
		// with an earlier version keep their values and their output.
		version: [1, 1.1, 1.2, 1.3],
		defaultVersion: 1.3,
		// "Create: Customer", the operation as the Operation list names it.
		subtitle: subtitleOf(RESOURCES),
		description: PANEL_DESCRIPTION,
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
