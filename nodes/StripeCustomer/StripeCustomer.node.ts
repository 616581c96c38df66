import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { customerProperties } from './actions/customer';
import { router } from './actions/router';
import { searchCustomers } from './methods/listSearch';

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
		// The operation's name as the Operation list shows it ("Create or Update", not "upsert"); test/editor.test.ts
		// checks the names against the operations.
		subtitle:
			'={{ ({"create":"Create","upsert":"Create or Update","get":"Get","getMany":"Get Many","search":"Search","update":"Update","delete":"Delete"})[$parameter["operation"]] + ": Customer" }}',
		description:
			'Create, find, update and delete Stripe customers, or start a workflow when one changes',
		defaults: { name: 'Stripe Customer' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'stripeCustomerApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Customer', value: 'customer' }],
				default: 'customer',
			},
			...customerProperties,
		],
	};

	methods = { listSearch: { searchCustomers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
