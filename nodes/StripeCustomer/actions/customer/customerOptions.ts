import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { IdempotencyMode, IdempotencySettings } from '../../helpers/idempotency';
import {
	idempotencyOptions,
	optionCollections,
	readIdempotencySettings,
	readOptionValues,
} from '../../helpers/options';
import { optionValue } from '../../helpers/requestSettings';

// The Customer operations' own options, each defined once with its default, read into one typed object.

/** Create's "If Email Exists" (and Create or Update, which always updates). */
export type EmailRule = 'create' | 'useExisting' | 'update' | 'fail';

const returnFullCustomer = {
	displayName: 'Return Full Customer',
	name: 'returnFullCustomer',
	type: 'boolean',
	default: false,
	description: 'Whether to add the whole Stripe customer object to the output as "customer"',
} satisfies INodeProperties;

const ifEmailExists = {
	displayName: 'If Email Exists',
	name: 'ifEmailExists',
	type: 'options',
	options: [
		{ name: 'Create Another', value: 'create', description: "Stripe's own behaviour: no lookup" },
		{ name: 'Fail', value: 'fail', description: 'An error for that item' },
		{
			name: 'Update the Existing One',
			value: 'update',
			description: 'As the Create or Update operation does',
		},
		{
			name: 'Use the Existing One',
			value: 'useExisting',
			description: 'Output its ID; create nothing',
		},
	],
	default: 'create',
	hint: 'Looks the email up exactly (any case) before creating; one email never gets two customers. To create or update by email, the Create or Update operation does the same as "Update the Existing One".',
	description: 'Whether to look customers up by email before creating',
} satisfies INodeProperties;

const { idempotency, idempotencyKey, customKeyOnly } = idempotencyOptions({
	object: 'customer',
	note: "A customer looked up by email is created under the email's own key.",
});

/** The options each kind of Customer operation shows. */
export const OPTIONS_OF = {
	read: optionCollections([]),
	write: optionCollections([returnFullCustomer]),
	create: optionCollections(
		[returnFullCustomer, idempotency, idempotencyKey, ifEmailExists],
		[returnFullCustomer, idempotency, customKeyOnly, ifEmailExists],
	),
	upsert: optionCollections(
		[returnFullCustomer, idempotency, idempotencyKey],
		[returnFullCustomer, idempotency, customKeyOnly],
	),
};

export interface CustomerOptions {
	returnFullCustomer: boolean;
	idempotency: IdempotencySettings;
	ifEmailExists: EmailRule;
}

/** The Customer options as one item gives them (item 0 for what shapes the whole run); defaults are the editor's. */
export function readCustomerOptions(context: IExecuteFunctions, itemIndex = 0): CustomerOptions {
	const options = readOptionValues((name) => context.getNodeParameter(name, itemIndex, {}));
	return {
		returnFullCustomer: optionValue(options, returnFullCustomer),
		idempotency: readIdempotencySettings(options),
		ifEmailExists: optionValue(options, ifEmailExists) as EmailRule,
	};
}

const RERUN_NOTES: Record<IdempotencyMode, string> = {
	perInput:
		'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these customers instead of creating them again (Options → Idempotency: Per Input).',
	perExecution:
		'Retry On Fail (the same execution) returns these customers instead of creating them again; a new execution would create them again (Options → Idempotency: Per Execution).',
	custom:
		'Running again with the same Idempotency Keys (within 24 hours) returns these customers instead of creating them again.',
};

/** What running a create again does with the customers a stopped run already made. */
export function createRerunNote(options: CustomerOptions): string {
	return RERUN_NOTES[options.idempotency.mode];
}
