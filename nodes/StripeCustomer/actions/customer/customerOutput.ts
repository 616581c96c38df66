import type { IDataObject } from 'n8n-workflow';

// What a write of one customer outputs: its ID first (the product's promise), then what happened, in words a user
// checking the result reads.

export interface CustomerWrite {
	customer: { id: string };
	/** Create or Update and If Email Exists: what was done with the customer of the email. */
	action?: 'created' | 'existing' | 'updated';
	/** Stripe answered with the stored result of an earlier request with the same idempotency key. */
	replayed?: boolean;
	/** The Stripe parameters an update sent (and the steps it took, such as tax IDs added). */
	updatedFields?: string[];
	/** Anything else worth knowing, e.g. that several customers have the email. */
	note?: string;
	/** Options → Return Full Customer. */
	withCustomer: boolean;
	/**
	 * Whether to say what happened (`updatedFields`, a `note` on a replay): nodes of version 1.3 on. Saved nodes of
	 * earlier versions keep the output they were built on (a sheet appending every field would get new columns).
	 */
	explain: boolean;
}

/**
 * Whether a node of this version outputs what version 1.3 added: a write says what it did, Get shows the customer's
 * tax IDs. Saved nodes of earlier versions keep the output they were built on.
 */
export function outputsOfVersion13(typeVersion: number): boolean {
	return typeVersion >= 1.3;
}

const REPLAY_NOTES = {
	created:
		'Stripe returned the customer made earlier for this input (same idempotency key, within 24 hours): nothing was created twice',
	updated:
		'Stripe returned the result of this update, applied earlier in this execution (same idempotency key): it was not applied twice',
};

export function customerWriteOutput(write: CustomerWrite): IDataObject {
	const json: IDataObject = { customerId: write.customer.id };
	if (write.action) json.action = write.action;
	if (write.explain && write.updatedFields?.length) json.updatedFields = write.updatedFields;
	if (write.replayed) json.replayed = true;
	const replayNote =
		write.explain && write.replayed
			? REPLAY_NOTES[write.updatedFields ? 'updated' : 'created']
			: undefined;
	const notes = [replayNote, write.note].filter(Boolean);
	if (notes.length) json.note = notes.join('; ');
	if (write.withCustomer) json.customer = write.customer as unknown as IDataObject;
	return json;
}
