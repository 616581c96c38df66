import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { unencodableText } from '../../helpers/checks';
import { wallClockText } from '../../helpers/dateTime';
import { pickerClient } from '../../helpers/operation';
import { CREDENTIAL_TYPE } from '../../transport/stripeRequest';
import { customerPage, type StripeCustomer } from './customerApi';

// The customer picker of the resource locator ("From List"): newest customers first, or Stripe's search by name/email.

const PAGE_SIZE = 50;

/**
 * An entry of the list: first what tells two customers of the same name and email apart (the ID, when it was made),
 * so the panel's width never cuts it off, then who it is.
 */
export function pickerEntryName(
	customer: Pick<StripeCustomer, 'id' | 'name' | 'email' | 'created'>,
	timeZone: string,
): string {
	const who = [customer.name, customer.email && `<${customer.email}>`].filter(Boolean).join(' ');
	return [customer.id, wallClockText(customer.created, timeZone), who].filter(Boolean).join(' · ');
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const stripe = await pickerClient(this, 'Customers: Read');
	// A customer of a connected account opens in that account's Dashboard.
	const account = String((await this.getCredentials(CREDENTIAL_TYPE)).stripeAccount ?? '').trim();
	const timeZone = this.getTimezone();
	const wanted = filter?.trim() ?? '';
	const unencodable = unencodableText('The search text', wanted);
	if (unencodable)
		throw new NodeOperationError(this.getNode(), `${unencodable.field} ${unencodable.message}`);
	const page = await customerPage(stripe, wanted, paginationToken, PAGE_SIZE);
	return {
		results: page.customers.map((customer) => ({
			name: pickerEntryName(customer, timeZone),
			value: customer.id,
			url: `https://dashboard.stripe.com/${account ? `${account}/` : ''}${customer.livemode ? '' : 'test/'}customers/${customer.id}`,
		})),
		paginationToken: page.next,
	};
}
