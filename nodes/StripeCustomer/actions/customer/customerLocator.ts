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
				{
					type: 'regex',
					properties: {
						regex: CUSTOMER_ID_PATTERN,
						errorMessage:
							'Not a customer ID: one is cus_ followed by letters and digits only, e.g. cus_NffrFeUfNV2Hib. For an expression such as {{ $json.customerId }}, switch this field from Fixed to Expression',
					},
				},
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
					properties: {
						regex: CUSTOMER_URL_PATTERN,
						errorMessage: 'Paste the address of a customer page of the Stripe Dashboard',
					},
				},
			],
		},
	],
};

/** The picked customer's ID (the resource locator's value, whatever its mode). */
export function readCustomerId(context: IExecuteFunctions, itemIndex: number): Checked<string> {
	const value = givenText(
		context.getNodeParameter('customerId', itemIndex, '', { extractValue: true }),
	);
	if (value === undefined) return invalid(customerLocator.displayName, 'no customer given');
	if (!new RegExp(`^${CUSTOMER_ID_PATTERN}$`).test(value))
		return invalid(customerLocator.displayName, `"${value}" ${whyNotAnId(value)}`);
	return valid(value);
}

/** What is wrong with a value given as a customer ID. */
function whyNotAnId(value: string): string {
	if (value.includes('{{'))
		return 'is an expression typed as fixed text: switch the field from Fixed to Expression so n8n works it out for each item';
	if (!value.startsWith('cus_'))
		return 'is not a Stripe customer ID: one starts with cus_ (e.g. cus_NffrFeUfNV2Hib)';
	if (value === 'cus_')
		return 'is only the start of a customer ID: the letters and digits after cus_ are missing';
	const other = [...value.slice(4)].find((character) => !/[A-Za-z0-9]/.test(character)) ?? '';
	const shown = /\s/.test(other) ? 'a space' : `"${other}"`;
	return `is not a Stripe customer ID: after cus_ come only letters and digits, and it holds ${shown}`;
}
