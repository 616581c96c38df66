import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { StripeCustomer } from '../actions/customer/customerApi';
import { readRequestSettings } from '../helpers/requestSettings';
import { StripeClient } from '../transport/stripeRequest';

// The customer picker of the resource locator ("From List"): newest customers first, or Stripe's search by name/email.

const PAGE_SIZE = 50;

function quoted(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	// The node's own request options, as its runs use them: the picker shares the account's limiter with them.
	const stripe = await StripeClient.connect(this, readRequestSettings(this.getNodeParameter('options', {}) as IDataObject));
	const wanted = filter?.trim() ?? '';
	// Stripe's search matches substrings (~) from 3 characters on; shorter filters look for the exact value.
	const operator = wanted.length >= 3 ? '~' : ':';
	const page = await stripe.request<{ data: StripeCustomer[]; has_more: boolean; next_page?: string | null }>(
		wanted
			? {
					method: 'GET',
					path: '/v1/customers/search',
					params: { query: `email${operator}${quoted(wanted)} OR name${operator}${quoted(wanted)}`, limit: PAGE_SIZE, page: paginationToken },
				}
			: { method: 'GET', path: '/v1/customers', params: { limit: PAGE_SIZE, starting_after: paginationToken } },
	);
	const last = page.data[page.data.length - 1];
	return {
		results: page.data.map((customer) => ({
			name: [customer.name, customer.email && `<${customer.email}>`].filter(Boolean).join(' ') || customer.id,
			value: customer.id,
			url: `https://dashboard.stripe.com/${customer.livemode ? '' : 'test/'}customers/${customer.id}`,
		})),
		paginationToken: page.has_more ? (wanted ? (page.next_page ?? undefined) : last?.id) : undefined,
	};
}
