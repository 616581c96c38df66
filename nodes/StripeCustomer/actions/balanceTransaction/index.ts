import type { Resource } from '../../helpers/operation';
import { create } from './create.operation';
import { get } from './get.operation';
import { getMany } from './getMany.operation';

/** A customer's balance transactions: credits and debits of what the customer owes on the next invoices. */
export const balanceTransaction: Resource = {
	value: 'balanceTransaction',
	name: 'Balance Transaction',
	defaultOperation: create.value,
	operations: [create, get, getMany],
};
