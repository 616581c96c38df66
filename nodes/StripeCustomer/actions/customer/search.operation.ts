import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { StripeCustomer } from '../../helpers/customerApi';
import { text } from '../../helpers/customerParams';
import { connect, listOutput, readLimit, readOptions, returnAllProperties } from './common';

export const option = {
	name: 'Search',
	value: 'search',
	action: 'Search customers',
	description: "Find customers with Stripe's search query language",
};

const query: INodeProperties = {
	displayName: 'Query',
	name: 'query',
	type: 'string',
	required: true,
	default: '',
	placeholder: "email:'ada@example.com' OR metadata['plan']:'pro'",
	hint: 'Search results lag behind changes by up to a minute: to find a customer just created or changed, use Get Many with an email filter',
	description:
		"Stripe's search query language: fields email, name, phone, created, metadata['key']; : for exact, ~ for contains, AND / OR",
};

export const description: INodeProperties[] = [query, ...returnAllProperties, readOptions];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	return await runBatch(this, {
		concurrency: options.concurrency ?? 10,
		prepare: (itemIndex) => {
			const given = text(this.getNodeParameter('query', itemIndex, '') as string);
			if (given === undefined) return { ok: false, problems: [{ field: query.displayName, message: 'empty: give a search query' }] };
			return { ok: true, value: { query: given, limit: readLimit(this, itemIndex) } };
		},
		run: async (search) => {
			const customers: StripeCustomer[] = [];
			const request = { method: 'GET' as const, path: '/v1/customers/search', params: { query: search.query } };
			for await (const page of stripe.pages<StripeCustomer>(request, search.limit)) customers.push(...page);
			return { json: listOutput(customers) };
		},
	});
}
