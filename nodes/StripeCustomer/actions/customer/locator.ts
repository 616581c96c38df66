import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { givenText, invalid, valid, type Checked } from '../../helpers/checks';

// The customer a Get, Update or Delete acts on: n8n's resource locator (from a list, by ID, or by Dashboard URL).

// n8n checks a typed value against `^<regex>$` before running; the URL's ID is taken with the capture group.
const CUSTOMER_ID_PATTERN = 'cus_[A-Za-z0-9]+';
const CUSTOMER_URL_PATTERN = `https://dashboard\\.stripe\\.com/(?:acct_[A-Za-z0-9]+/)?(?:test/)?customers/(${CUSTOMER_ID_PATTERN})(?:[/?#].*)?`;

export const customerLocator: INodeProperties = {
	displayName: 'Customer',
	name: 'customerId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a customer…',
			typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'cus_…',
			validation: [
				{ type: 'regex', properties: { regex: CUSTOMER_ID_PATTERN, errorMessage: 'A Stripe customer ID starts with cus_' } },
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://dashboard.stripe.com/customers/cus_…',
			extractValue: { type: 'regex', regex: CUSTOMER_URL_PATTERN },
			validation: [
				{
					type: 'regex',
					properties: { regex: CUSTOMER_URL_PATTERN, errorMessage: 'Paste the address of a customer page of the Stripe Dashboard' },
				},
			],
		},
	],
};

/** The picked customer's ID (the resource locator's value, whatever its mode). */
export function readCustomerId(context: IExecuteFunctions, itemIndex: number): Checked<string> {
	const value = givenText(context.getNodeParameter('customerId', itemIndex, '', { extractValue: true }));
	if (value === undefined) return invalid(customerLocator.displayName, 'no customer given');
	if (!new RegExp(`^${CUSTOMER_ID_PATTERN}$`).test(value)) {
		return invalid(customerLocator.displayName, `"${value}" is not a Stripe customer ID (cus_…)`);
	}
	return valid(value);
}
