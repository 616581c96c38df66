import {
	NodeOperationError,
	type ILoadOptionsFunctions,
	type INodeListSearchResult,
} from 'n8n-workflow';

import { TAX_ID_TYPE_INFO, type TaxIdType } from '../../data/taxIdTypes';
import { pickerClient } from '../../helpers/operation';
import { customerLocator } from '../customer/customerLocator';
import { listTaxIds, type TaxId } from './taxIdApi';

// The tax ID picker ("From List"): the tax IDs of the customer picked above it, found by value or type.

/** An entry of the list: the value as written, what kind of tax ID it is, its ID. */
export function pickerEntryName(taxId: Pick<TaxId, 'id' | 'type' | 'value'>): string {
	const info = TAX_ID_TYPE_INFO[taxId.type as TaxIdType];
	const kind = info ? `${info.country}: ${info.label}` : taxId.type;
	return `${taxId.value} (${kind}, ${taxId.id})`;
}

export async function searchTaxIds(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const customer = this.getCurrentNodeParameter(customerLocator.name, { extractValue: true });
	const customerId = typeof customer === 'string' ? customer.trim() : '';
	if (!/^cus_[A-Za-z0-9]+$/.test(customerId))
		throw new NodeOperationError(
			this.getNode(),
			'Pick the customer first (From List or By ID) to list its tax IDs',
			{
				description:
					'With the customer given by an expression, give the tax ID By ID (txi_…); Tax ID → List shows them.',
			},
		);
	const stripe = await pickerClient(this, 'Tax IDs: Read');
	const wanted = filter?.trim().toLowerCase() ?? '';
	const taxIds = await listTaxIds(stripe, customerId);
	return {
		results: taxIds
			.map((taxId) => ({ name: pickerEntryName(taxId), value: taxId.id }))
			.filter((entry) => entry.name.toLowerCase().includes(wanted)),
	};
}
