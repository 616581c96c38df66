import type { IDataObject } from 'n8n-workflow';

/** A write that returns one customer: `{ customerId }`, plus the whole object when asked. */
export function customerOutput(customer: { id: string }, withCustomer: boolean): IDataObject {
	return withCustomer
		? { customerId: customer.id, customer: customer as unknown as IDataObject }
		: { customerId: customer.id };
}
