import type { Resource } from '../../helpers/operation';
import { create } from './create.operation';
import { searchCustomers } from './customerPicker';
import { remove } from './delete.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';
import { search } from './search.operation';
import { update } from './update.operation';
import { upsert } from './upsert.operation';

/** Stripe's customers: one file per operation; adding one is a file and a line here. */
export const customer: Resource = {
	value: 'customer',
	name: 'Customer',
	defaultOperation: create.value,
	operations: [create, upsert, get, getMany, search, update, remove],
	listSearch: { searchCustomers },
};
