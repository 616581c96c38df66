import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { givenText } from '../../helpers/checks';
import type { IdempotencyMode, IdempotencySettings } from '../../helpers/idempotency';
import { optionValue, readRequestSettings, REQUEST_OPTIONS, type RequestSettings } from '../../helpers/requestSettings';

// The Customer operations' options: each defined once with its default, read into one typed settings object.

/** Create's "If Email Exists" (and Create or Update, which always updates). */
export type EmailRule = 'create' | 'useExisting' | 'update' | 'fail';

const CUSTOMER_OPTIONS = {
	returnFullCustomer: {
		displayName: 'Return Full Customer',
		name: 'returnFullCustomer',
		type: 'boolean',
		default: false,
		description: 'Whether to add the whole Stripe customer object to the output as "customer"',
	},
	idempotency: {
		displayName: 'Idempotency',
		name: 'idempotency',
		type: 'options',
		options: [
			{
				name: 'Custom Key',
				value: 'custom',
				description: 'Your own key per customer (e.g. an order ID), set in Idempotency Key',
			},
			{
				name: 'Per Execution',
				value: 'perExecution',
				description: 'Retry On Fail never creates twice; a new execution (a re-run, a redelivered event) creates again',
			},
			{
				name: 'Per Input',
				value: 'perInput',
				description:
					'The same values from this node create one customer within 24 hours: re-runs and redelivered events return it, even when sent twice on purpose',
			},
		],
		default: 'perInput',
		description: 'Which repeats of a request Stripe treats as the same request (it keeps keys 24 hours)',
	},
	idempotencyKey: {
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: '{{ $json.orderId }}',
		description: 'With Idempotency "Custom Key": a key unique to this customer, at most 255 characters, usually an expression',
	},
	ifEmailExists: {
		displayName: 'If Email Exists',
		name: 'ifEmailExists',
		type: 'options',
		options: [
			{ name: 'Create Another', value: 'create', description: "Stripe's own behaviour: one new customer per item, no lookup" },
			{ name: 'Fail', value: 'fail', description: 'An error for that item' },
			{
				name: 'Update the Existing One',
				value: 'update',
				description: 'Same as the Create or Update operation; kept for workflows made before it existed',
			},
			{ name: 'Use the Existing One', value: 'useExisting', description: 'Output its ID; create nothing' },
		],
		default: 'create',
		description:
			'Whether to look customers up by exact email before creating; items of one run sharing an email never create two customers',
	},
} satisfies Record<string, INodeProperties>;

function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

const requestOptions = Object.values(REQUEST_OPTIONS);
const idempotencyOptions = [CUSTOMER_OPTIONS.idempotency, CUSTOMER_OPTIONS.idempotencyKey];

/** The options each kind of operation shows. */
export const OPTIONS_OF = {
	read: optionsCollection(requestOptions),
	write: optionsCollection([...requestOptions, CUSTOMER_OPTIONS.returnFullCustomer]),
	create: optionsCollection([...requestOptions, CUSTOMER_OPTIONS.returnFullCustomer, ...idempotencyOptions, CUSTOMER_OPTIONS.ifEmailExists]),
	upsert: optionsCollection([...requestOptions, CUSTOMER_OPTIONS.returnFullCustomer, ...idempotencyOptions]),
};

export interface CustomerSettings extends RequestSettings {
	returnFullCustomer: boolean;
	idempotency: IdempotencySettings;
	ifEmailExists: EmailRule;
}

/** The node's options as one item gives them (item 0 for what shapes the whole run); defaults are the editor's. */
export function readSettings(context: IExecuteFunctions, itemIndex = 0): CustomerSettings {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const customKey = givenText(options[CUSTOMER_OPTIONS.idempotencyKey.name]);
	// Workflows saved before Options → Idempotency existed give only a key: that key is a custom key.
	const mode = options[CUSTOMER_OPTIONS.idempotency.name] === undefined && customKey ? 'custom' : (optionValue(options, CUSTOMER_OPTIONS.idempotency) as IdempotencyMode);
	return {
		...readRequestSettings(options),
		returnFullCustomer: optionValue(options, CUSTOMER_OPTIONS.returnFullCustomer),
		idempotency: { mode, customKey, customKeyField: `Options → ${CUSTOMER_OPTIONS.idempotencyKey.displayName}` },
		ifEmailExists: optionValue(options, CUSTOMER_OPTIONS.ifEmailExists) as EmailRule,
	};
}

const RERUN_NOTES: Record<IdempotencyMode, string> = {
	perInput:
		'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these customers instead of creating them again (Options → Idempotency: Per Input).',
	perExecution:
		'Retry On Fail (the same execution) returns these customers instead of creating them again; a new execution would create them again (Options → Idempotency: Per Execution).',
	custom: 'Running again with the same Idempotency Keys (within 24 hours) returns these customers instead of creating them again.',
};

/** What running a create again does with the customers a stopped run already made. */
export function createRerunNote(settings: CustomerSettings): string {
	return RERUN_NOTES[settings.idempotency.mode];
}
