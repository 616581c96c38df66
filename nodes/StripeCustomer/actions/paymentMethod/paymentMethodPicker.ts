import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { pickerClient } from '../../helpers/operation';
import { invoiceDefaultOf, paymentMethodPage, type StripePaymentMethod } from './paymentMethodApi';
import { describePaymentMethod } from './paymentMethodFields';

// The payment method picker of the resource locator ("From List"): the payment methods of the customer picked above,
// newest first; typing filters them by what the list shows (brand, last 4, ID).

const PAGE_SIZE = 100;

/** An entry of the list: the ID first (the panel cuts long names), then what tells it apart. */
export function pickerEntryName(paymentMethod: StripePaymentMethod, isInvoiceDefault: boolean) {
	const what = describePaymentMethod(paymentMethod);
	return `${paymentMethod.id}: ${what}${isInvoiceDefault ? ' (invoice default)' : ''}`;
}

/** The customer picked in the node's Customer field, as far as the editor knows it (not an expression). */
function pickedCustomer(context: ILoadOptionsFunctions): string | undefined {
	try {
		const value = context.getCurrentNodeParameter('customerId', { extractValue: true });
		return typeof value === 'string' && /^cus_[A-Za-z0-9]+$/.test(value) ? value : undefined;
	} catch {
		// A By URL value that is not a customer's page: no customer yet.
		return undefined;
	}
}

export async function searchPaymentMethods(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const customerId = pickedCustomer(this);
	if (!customerId) {
		throw new NodeOperationError(
			this.getNode(),
			'Choose the customer first: this list shows its payment methods',
			{
				description:
					'Pick the customer From List or By ID. A customer given by an expression is known only when the node runs: give the payment method By ID.',
			},
		);
	}
	const stripe = await pickerClient(this, 'PaymentMethods: Read, Customers: Read');
	const [page, invoiceDefault] = await Promise.all([
		paymentMethodPage(stripe, customerId, paginationToken, PAGE_SIZE),
		invoiceDefaultOf(stripe, customerId),
	]);
	const defaultId = invoiceDefault.deleted ? null : invoiceDefault.paymentMethodId;
	const wanted = filter?.trim().toLowerCase() ?? '';
	const results = page.paymentMethods
		.map((paymentMethod) => ({
			name: pickerEntryName(paymentMethod, paymentMethod.id === defaultId),
			value: paymentMethod.id,
		}))
		.filter((entry) => entry.name.toLowerCase().includes(wanted));
	return { results, paginationToken: page.next };
}
