import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { givenText } from '../../helpers/checks';
import type { IdempotencyMode, IdempotencySettings } from '../../helpers/idempotency';
import {
	optionValue,
	readRequestSettings,
	REQUEST_OPTIONS,
	type RequestSettings,
} from '../../helpers/requestSettings';

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
				description: 'Your key per customer, e.g. an order ID',
			},
			{
				name: 'Per Execution',
				value: 'perExecution',
				description: 'Retry On Fail is safe; a new execution creates again',
			},
			{
				name: 'Per Input',
				value: 'perInput',
				description: 'Same values from this node: one customer for 24 h',
			},
		],
		default: 'perInput',
		hint: "Which repeats return the customer already made instead of a new one (Stripe keeps keys 24 hours). Per Input: a re-run or a redelivered event with the same values returns it. A customer looked up by email is created under the email's own key.",
		description: 'Which repeats of a request Stripe treats as the same request',
	},
	idempotencyKey: {
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: '{{ $json.orderId }}',
		hint: 'A key unique to this customer, usually an expression. Characters other than visible ASCII (and % and spaces) are sent percent-encoded as UTF-8, so different keys stay different; a key over 255 characters once encoded is refused.',
		description: 'With Idempotency "Custom Key": your key for this customer',
	},
	ifEmailExists: {
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
	},
} satisfies Record<string, INodeProperties>;

// Node version 1.2 splits the options: what the node does ("Options") apart from how fast and how hard it talks to
// Stripe ("Request Options"). Versions 1 and 1.1 keep their one "Options" collection, so saved workflows keep their values.
const UP_TO_VERSION_1_1 = { '@version': [1, 1.1] };
const FROM_VERSION_1_2 = { '@version': [{ _cnd: { gte: 1.2 } }] };

function collection(
	displayName: string,
	name: string,
	placeholder: string,
	options: INodeProperties[],
	version: typeof UP_TO_VERSION_1_1 | typeof FROM_VERSION_1_2,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'collection',
		placeholder,
		default: {},
		displayOptions: { show: version },
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

const requestOptions = Object.values(REQUEST_OPTIONS);
const { returnFullCustomer, idempotency, idempotencyKey, ifEmailExists } = CUSTOMER_OPTIONS;
/** From 1.2, Idempotency Key shows once Idempotency is "Custom Key"; before, a key given alone is a custom key. */
const customKeyOnly: INodeProperties = {
	...idempotencyKey,
	displayOptions: { show: { idempotency: ['custom'] } },
};

/** The options of an operation: its own (node versions 1 and 1.1 show them with the request options, in one collection). */
function optionsOf(own: INodeProperties[], ownFromVersion12 = own): INodeProperties[] {
	return [
		collection('Options', 'options', 'Add Option', [...requestOptions, ...own], UP_TO_VERSION_1_1),
		...(ownFromVersion12.length
			? [collection('Options', 'options', 'Add Option', ownFromVersion12, FROM_VERSION_1_2)]
			: []),
		collection(
			'Request Options',
			'requestOptions',
			'Add Request Option',
			requestOptions,
			FROM_VERSION_1_2,
		),
	];
}

/** The options each kind of operation shows. */
export const OPTIONS_OF = {
	read: optionsOf([]),
	write: optionsOf([returnFullCustomer]),
	create: optionsOf(
		[returnFullCustomer, idempotency, idempotencyKey, ifEmailExists],
		[returnFullCustomer, idempotency, customKeyOnly, ifEmailExists],
	),
	upsert: optionsOf(
		[returnFullCustomer, idempotency, idempotencyKey],
		[returnFullCustomer, idempotency, customKeyOnly],
	),
};

export interface CustomerSettings extends RequestSettings {
	returnFullCustomer: boolean;
	idempotency: IdempotencySettings;
	ifEmailExists: EmailRule;
}

/** Both collections' values as one (a version 1/1.1 node has no Request Options; a 1.2 node no request option in Options). */
function optionValues(read: (collectionName: string) => unknown): IDataObject {
	return { ...(read('options') as IDataObject), ...(read('requestOptions') as IDataObject) };
}

/** The request settings of a node (the customer picker's, say), from whichever collection its version shows. */
export function readRequestOptions(read: (collectionName: string) => unknown): RequestSettings {
	return readRequestSettings(optionValues(read));
}

/** The options picked from a list (Idempotency, If Email Exists). */
const CHOICE_OPTIONS: INodeProperties[] = Object.values(CUSTOMER_OPTIONS).filter(
	(option) => option.type === 'options',
);

/**
 * A saved choice this version no longer offers (renamed or removed since the workflow was saved) stops the run before
 * anything is sent, naming the option: never read as some other choice.
 */
function checkChoices(context: IExecuteFunctions, options: IDataObject, itemIndex: number): void {
	for (const option of CHOICE_OPTIONS) {
		const value = options[option.name];
		const choices = (option.options ?? []).filter((choice) => 'value' in choice);
		if (value === undefined || value === null || choices.some((choice) => choice.value === value))
			continue;
		throw new NodeOperationError(
			context.getNode(),
			`Options → ${option.displayName}: "${String(value)}" is not one of its choices (${choices.map((choice) => choice.name).join(', ')}); the workflow was probably saved with another version of the node: open the node and choose one. Nothing was sent to Stripe.`,
			{ itemIndex },
		);
	}
}

/** The node's options as one item gives them (item 0 for what shapes the whole run); defaults are the editor's. */
export function readSettings(context: IExecuteFunctions, itemIndex = 0): CustomerSettings {
	const options = optionValues((name) => context.getNodeParameter(name, itemIndex, {}));
	checkChoices(context, options, itemIndex);
	const customKey = givenText(options[idempotencyKey.name]);
	// Workflows saved before Options → Idempotency existed give only a key: that key is a custom key.
	const mode =
		options[idempotency.name] === undefined && customKey
			? 'custom'
			: (optionValue(options, idempotency) as IdempotencyMode);
	return {
		...readRequestSettings(options),
		returnFullCustomer: optionValue(options, returnFullCustomer),
		idempotency: { mode, customKey, customKeyField: `Options → ${idempotencyKey.displayName}` },
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
export function createRerunNote(settings: CustomerSettings): string {
	return RERUN_NOTES[settings.idempotency.mode];
}
