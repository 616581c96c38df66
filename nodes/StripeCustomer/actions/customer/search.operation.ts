import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { givenText, invalid, unencodableText, valid } from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import { keyAfterStoredError } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import type { StripeCustomer } from './customerApi';
import { listOutput } from './output';
import { OPTIONS_OF, readSettings } from './settings';

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

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	"Searches Stripe customers with Stripe's search query language, e.g. email:'ada@example.com', name~'Ada' or metadata['plan']:'pro'. Results can lag changes by about a minute: to find a customer by email right after a change, use the tool that lists customers by email.";

export const description: INodeProperties[] = [query, ...RETURN_ALL_OR_LIMIT, ...OPTIONS_OF.read];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	return await runBatch(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex) => {
			const given = givenText(this.getNodeParameter('query', itemIndex, ''));
			if (given === undefined) return invalid(query.displayName, 'empty: give a search query');
			const unencodable = unencodableText(query.displayName, given);
			if (unencodable) return { ok: false, problems: [unencodable] };
			return valid({ query: given, limit: readLimit(this, itemIndex) });
		},
		run: async (search) => {
			const customers: StripeCustomer[] = [];
			const request = {
				method: 'GET' as const,
				path: '/v1/customers/search',
				params: { query: search.query },
			};
			for await (const page of stripe.pages<StripeCustomer>(request, search.limit))
				customers.push(...page);
			return { json: listOutput(customers) };
		},
	});
}
