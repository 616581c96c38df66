import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Value } from '../customer/fieldRules';
import type {
	BalanceTransactionLabels,
	BalanceTransactionValues,
} from './balanceTransactionMapping';
import { createdRangeFilters } from '../../helpers/dateTime';
import { METADATA_EDITOR } from '../customer/customerFields';

// The balance transaction fields, each defined once: what the editor shows, and one item's values as the mapping
// takes them.

export const amountField = {
	displayName: 'Amount',
	name: 'amount',
	// Text, not a number input: the editor's whole-number input turns a typed "12.5" into 125 without a word.
	type: 'string',
	required: true,
	default: '',
	placeholder: '-500',
	hint: 'A whole number in the smallest currency unit. -500 is a 5.00 credit the customer can spend on the next invoices; 500 is a 5.00 debit added to what they owe',
	description:
		"Negative credits the customer's balance, positive debits it, as Stripe defines it; 12.50 is 1250",
} satisfies INodeProperties;

export const currencyField = {
	displayName: 'Currency',
	name: 'currency',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'usd',
	hint: "The three-letter ISO code, e.g. usd or eur. A customer without a currency takes this one; in another currency than the customer's, the amount applies to invoices in that currency only",
	description: 'The currency of the amount; its balance is the one the transaction moves',
} satisfies INodeProperties;

const additionalParts = {
	transactionDescription: {
		displayName: 'Transaction Description',
		name: 'transactionDescription',
		type: 'string',
		default: '',
		placeholder: 'Refund for order 1042',
		description: 'Why the balance moves, shown with the transaction in the Stripe Dashboard',
	},
	metadata: { ...METADATA_EDITOR, name: 'metadata' },
} satisfies Record<string, INodeProperties>;

const additionalFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: Object.values(additionalParts).sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	),
};

/** Create's fields after the customer: the amount, its currency, then Additional Fields. */
export const createFields: INodeProperties[] = [amountField, currencyField, additionalFields];

/** The labels problems name, as the editor shows the fields. */
export const LABELS: BalanceTransactionLabels = {
	amount: amountField.displayName,
	currency: currencyField.displayName,
	description: additionalParts.transactionDescription.displayName,
	metadata: additionalParts.metadata.displayName,
};

/** One item's values of Create, as the mapping takes them. */
export function readBalanceTransactionValues(
	context: IExecuteFunctions,
	itemIndex: number,
): BalanceTransactionValues {
	const additional = context.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	return {
		amount: context.getNodeParameter(amountField.name, itemIndex, '') as Value,
		currency: context.getNodeParameter(currencyField.name, itemIndex, '') as Value,
		description: additional[additionalParts.transactionDescription.name] as Value,
		metadata: additional[additionalParts.metadata.name] as BalanceTransactionValues['metadata'],
	};
}

// n8n checks a typed value against `^<regex>$`; Stripe's balance transaction IDs are cbtxn_ and letters and digits.
const TRANSACTION_ID_PATTERN = 'cbtxn_[A-Za-z0-9]+';

export const transactionIdField = {
	displayName: 'Balance Transaction ID',
	name: 'balanceTransactionId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'cbtxn_…',
	description: "The transaction's ID, as Create and Get Many output it (balanceTransactionId)",
} satisfies INodeProperties;

export const isTransactionId = (value: string) =>
	new RegExp(`^${TRANSACTION_ID_PATTERN}$`).test(value);

export const getManyFilters: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		...createdRangeFilters('transactions'),
		{
			displayName: 'Invoice ID',
			name: 'invoice',
			type: 'string',
			default: '',
			placeholder: 'in_…',
			description: 'Only transactions of this invoice (credit applied to it, or its overpayment)',
		},
	],
};
