import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import {
	combineChecks,
	givenText,
	invalid,
	InvalidItemError,
	valid,
	type Checked,
} from '../../helpers/checks';
import { followUpKey, updateKeyFor } from '../../helpers/idempotency';
import { readCustomerId } from '../customer/customerLocator';

// The payment method an operation acts on: n8n's resource locator, from the picked customer's list or by ID.

// n8n checks a typed value against `^<regex>$` before running. Stripe's test payment methods hold underscores
// (pm_card_visa).
const PAYMENT_METHOD_ID_PATTERN = 'pm_[A-Za-z0-9_]+';

/** Detach's and Set Default's: one of the picked customer's payment methods. */
export const paymentMethodLocator: INodeProperties = {
	displayName: 'Payment Method',
	name: 'paymentMethodId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: "One of the customer's payment methods",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a payment method…',
			typeOptions: { searchListMethod: 'searchPaymentMethods', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'pm_…',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: PAYMENT_METHOD_ID_PATTERN,
						errorMessage:
							'Not a payment method ID: one is pm_ followed by letters and digits, e.g. pm_1NcVc2LkdIwHu7ix (in test mode also pm_card_visa)',
					},
				},
			],
		},
	],
};

/** Attach's: a payment method that is not the customer's yet (from Checkout, a SetupIntent, Elements…), by ID. */
export const paymentMethodToAttach: INodeProperties = {
	...paymentMethodLocator,
	default: { mode: 'id', value: '' },
	description:
		'The payment method to attach, e.g. the payment_method of a SetupIntent; in test mode pm_card_visa makes a new one each time',
	modes: paymentMethodLocator.modes?.filter((mode) => mode.name === 'id'),
};

/** What other Stripe IDs are, for a user who gave one as a payment method. */
const OTHER_IDS: Array<[prefix: string, what: string]> = [
	['card_', 'a card of the legacy Sources API (Customer → Update, Source ID, attaches one)'],
	['src_', 'a source of the legacy Sources API (Customer → Update, Source ID, attaches one)'],
	['tok_', 'a card token (Customer → Update, Source ID, attaches one)'],
	['seti_', 'a SetupIntent: its payment_method field holds the pm_ ID'],
	['pi_', 'a PaymentIntent: its payment_method field holds the pm_ ID'],
	['cus_', 'a customer ID'],
];

/** The picked payment method's ID (the resource locator's value, whatever its mode). */
export function readPaymentMethodId(
	context: IExecuteFunctions,
	itemIndex: number,
): Checked<string> {
	const field = paymentMethodLocator.displayName;
	const value = givenText(
		context.getNodeParameter('paymentMethodId', itemIndex, '', { extractValue: true }),
	);
	if (value === undefined) return invalid(field, 'no payment method given');
	if (new RegExp(`^${PAYMENT_METHOD_ID_PATTERN}$`).test(value)) return valid(value);
	const other = OTHER_IDS.find(([prefix]) => value.startsWith(prefix));
	if (other) return invalid(field, `"${value}" is ${other[1]}, not a payment method (pm_…)`);
	if (!value.startsWith('pm_'))
		return invalid(
			field,
			`"${value}" is not a Stripe payment method ID: one starts with pm_ (e.g. pm_1NcVc2LkdIwHu7ix)`,
		);
	const character = [...value.slice(3)].find((one) => !/[A-Za-z0-9_]/.test(one));
	const shown = character === undefined ? '' : /\s/.test(character) ? 'a space' : `"${character}"`;
	return invalid(
		field,
		shown
			? `"${value}" is not a Stripe payment method ID: after pm_ come only letters, digits and _, and it holds ${shown}`
			: `"${value}" is only the start of a payment method ID: the letters and digits after pm_ are missing`,
	);
}

/** A write on one of a customer's payment methods: both picked, and the item's key for `step` (per execution). */
export interface PaymentMethodWrite {
	customerId: string;
	paymentMethodId: string;
	key: string;
}

/** Reads and checks the customer and the payment method of a write, before anything is sent. */
export function readPaymentMethodWrite(
	context: IExecuteFunctions,
	itemIndex: number,
	step: string,
): Checked<PaymentMethodWrite> {
	const checked = combineChecks({
		customerId: readCustomerId(context, itemIndex),
		paymentMethodId: readPaymentMethodId(context, itemIndex),
	});
	if (!checked.ok) return checked;
	return valid({ ...checked.value, key: followUpKey(updateKeyFor(context, itemIndex), step) });
}

/** The error for a payment method that is not the picked customer's (`owner` null: attached to no customer). */
export function notTheCustomersError(
	node: INode,
	itemIndex: number,
	{ customerId, paymentMethodId }: Omit<PaymentMethodWrite, 'key'>,
	owner: string | null,
	outcome: string,
): InvalidItemError {
	const message =
		owner === null
			? `${paymentMethodId} is attached to no customer: attach it to ${customerId} first (Attach, with Set as Default for Invoices)`
			: `${paymentMethodId} is attached to another customer, ${owner}, not to ${customerId}`;
	return new InvalidItemError(
		node,
		itemIndex,
		[{ field: paymentMethodLocator.displayName, message }],
		outcome,
	);
}
