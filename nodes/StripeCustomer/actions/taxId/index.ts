import type { Resource } from '../../helpers/operation';
import { add } from './add.operation';
import { remove } from './delete.operation';
import { list } from './list.operation';
import { searchTaxIds } from './taxIdPicker';

/** A customer's tax IDs (VAT numbers, EINs…): one file per operation. */
export const taxId: Resource = {
	value: 'taxId',
	name: 'Tax ID',
	defaultOperation: add.value,
	operations: [add, list, remove],
	listSearch: { searchTaxIds },
};
