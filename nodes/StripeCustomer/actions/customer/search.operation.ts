import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { givenText, invalid, unencodableText, valid } from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import type { Operation, OperationRun } from '../../helpers/operation';
import { listOutput } from '../../helpers/output';
import { searchCustomers } from './customerApi';
import { OPTIONS_OF } from './customerOptions';

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

export const search: Operation = {
	value: 'search',
	name: 'Search',
	action: 'Search customers',
	description: "Find customers with Stripe's search query language",
	toolDescription:
		"Searches Stripe customers with Stripe's search query language, e.g. email:'ada@example.com', name~'Ada' or metadata['plan']:'pro'. Results can lag changes by about a minute: to find a customer by email right after a change, use the tool that lists customers by email.",
	permission: 'Customers: Read',
	properties: [query, ...RETURN_ALL_OR_LIMIT, ...OPTIONS_OF.read],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => {
			const given = givenText(this.getNodeParameter('query', itemIndex, ''));
			if (given === undefined) return invalid(query.displayName, 'empty: give a search query');
			const unencodable = unencodableText(query.displayName, given);
			if (unencodable) return { ok: false, problems: [unencodable] };
			return valid({ query: given, limit: readLimit(this, itemIndex) });
		},
		run: async (asked) => ({
			json: listOutput(await searchCustomers(stripe, asked.query, asked.limit), 'customer'),
		}),
	});
}
