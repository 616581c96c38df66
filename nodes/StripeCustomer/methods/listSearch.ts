import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import type { StripeCustomer } from '../actions/customer/customerApi';
import { readRequestOptions } from '../actions/customer/settings';
import { unencodableText } from '../helpers/checks';
import { CREDENTIAL_TYPE, StripeClient } from '../transport/stripeRequest';

// The customer picker of the resource locator ("From List"): newest customers first, or Stripe's search by name/email.

const PAGE_SIZE = 50;

function quoted(value: string): string {
	return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** "2025-01-02 14:03" in the workflow's time zone. */
function createdAt(created: number, timeZone: string): string {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
	}).formatToParts(created * 1000);
	const part = Object.fromEntries(parts.map(({ type, value }) => [type, value]));
	return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** An entry of the list: who, and what tells two customers of the same name and email apart (the ID, when created). */
export function pickerEntryName(
	customer: Pick<StripeCustomer, 'id' | 'name' | 'email' | 'created'>,
	timeZone: string,
): string {
	const who = [customer.name, customer.email && `<${customer.email}>`].filter(Boolean).join(' ');
	const which = `${customer.id}, created ${createdAt(customer.created, timeZone)}`;
	return who ? `${who} (${which})` : which;
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	// The node's own request options, as its runs use them: the picker shares the account's limiter with them.
	const stripe = await StripeClient.connect(
		this,
		readRequestOptions((name) => this.getNodeParameter(name, {})),
		{ permissionNeeded: 'Customers: Read' },
	);
	// A customer of a connected account opens in that account's Dashboard.
	const account = String((await this.getCredentials(CREDENTIAL_TYPE)).stripeAccount ?? '').trim();
	const timeZone = this.getTimezone();
	const wanted = filter?.trim() ?? '';
	const unencodable = unencodableText('The search text', wanted);
	if (unencodable)
		throw new NodeOperationError(this.getNode(), `${unencodable.field} ${unencodable.message}`);
	// Stripe's search matches substrings (~) from 3 characters on; shorter filters look for the exact value.
	const operator = wanted.length >= 3 ? '~' : ':';
	const page = await stripe.request<{
		data: StripeCustomer[];
		has_more: boolean;
		next_page?: string | null;
	}>(
		wanted
			? {
					method: 'GET',
					path: '/v1/customers/search',
					params: {
						query: `email${operator}${quoted(wanted)} OR name${operator}${quoted(wanted)}`,
						limit: PAGE_SIZE,
						page: paginationToken,
					},
				}
			: {
					method: 'GET',
					path: '/v1/customers',
					params: { limit: PAGE_SIZE, starting_after: paginationToken },
				},
	);
	const last = page.data[page.data.length - 1];
	return {
		results: page.data.map((customer) => ({
			name: pickerEntryName(customer, timeZone),
			value: customer.id,
			url: `https://dashboard.stripe.com/${account ? `${account}/` : ''}${customer.livemode ? '' : 'test/'}customers/${customer.id}`,
		})),
		paginationToken: page.has_more
			? wanted
				? (page.next_page ?? undefined)
				: last?.id
			: undefined,
	};
}
