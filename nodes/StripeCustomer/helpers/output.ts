import type { IDataObject } from 'n8n-workflow';

// What operations that list Stripe objects put in their output: one item per object found (the batch pairs each to
// the input item that asked), the object's ID first under `<name>Id`, the object under `<name>`.

/** `listOutput(paymentMethods, 'paymentMethod', { customerId })` → `{customerId, paymentMethodId, paymentMethod}` each. */
export function listOutput(
	objects: Array<{ id: string }>,
	name: string,
	shared: IDataObject = {},
): IDataObject[] {
	return objects.map((object) => ({
		...shared,
		[`${name}Id`]: object.id,
		[name]: object as unknown as IDataObject,
	}));
}
