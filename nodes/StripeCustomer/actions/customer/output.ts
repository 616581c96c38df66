import type { IDataObject } from 'n8n-workflow';

// What the Customer operations put in their output items.

/** A write that returns one customer: `{ customerId }`, plus the whole object when asked. */
export function customerOutput(customer: { id: string }, withCustomer: boolean): IDataObject {
	return withCustomer
		? { customerId: customer.id, customer: customer as unknown as IDataObject }
		: { customerId: customer.id };
}

/** A list (Get Many, Search): one output item per customer, each paired to the item that asked. */
export function listOutput(customers: Array<{ id: string }>): IDataObject[] {
	return customers.map((customer) => ({
		customerId: customer.id,
		customer: customer as unknown as IDataObject,
	}));
}
