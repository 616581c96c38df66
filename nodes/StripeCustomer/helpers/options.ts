import type {
	IDataObject,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { givenText } from './checks';
import { FROM_VERSION_1_2, UP_TO_VERSION_1_1 } from './displayConditions';
import type { IdempotencyMode, IdempotencySettings } from './idempotency';
import { optionValue, REQUEST_OPTIONS } from './requestSettings';

// The options collections every operation shows. Node version 1.2 puts what the node does ("Options") apart from how
// fast and how hard it talks to Stripe ("Request Options"); versions 1 and 1.1 keep their one "Options" collection,
// so saved workflows keep their values.

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

/**
 * An operation's options: its own, and the request options (node versions 1 and 1.1 show both in one collection).
 * `ownFromVersion12` are its own as version 1.2 shows them, when they differ.
 */
export function optionCollections(
	own: INodeProperties[],
	ownFromVersion12 = own,
): INodeProperties[] {
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

/**
 * Both collections' values as one (a version 1 or 1.1 node has no Request Options; a 1.2 node no request option in
 * its Options).
 */
export function readOptionValues(read: (collectionName: string) => unknown): IDataObject {
	return { ...(read('options') as IDataObject), ...(read('requestOptions') as IDataObject) };
}

// ---- Idempotency: which repeats of a write Stripe treats as the same request ----

export interface IdempotencyWording {
	/** What one request makes, as a user calls it: "customer", "balance transaction". */
	object: string;
	/** Added to the option's hint. */
	note?: string;
}

/** The Idempotency option and its Custom Key field, worded for what the operation makes. */
export function idempotencyOptions({ object, note }: IdempotencyWording) {
	const idempotency: INodeProperties = {
		displayName: 'Idempotency',
		name: 'idempotency',
		type: 'options',
		options: [
			{
				name: 'Custom Key',
				value: 'custom',
				description: `Your key per ${object}, e.g. an order ID`,
			},
			{
				name: 'Per Execution',
				value: 'perExecution',
				description: 'Retry On Fail is safe; a new execution creates again',
			},
			{
				name: 'Per Input',
				value: 'perInput',
				description: `Same values from this node: one ${object} for 24 h`,
			},
		],
		default: 'perInput',
		hint: `Which repeats return the ${object} already made instead of a new one (Stripe keeps keys 24 hours). Per Input: a re-run or a redelivered event with the same values returns it.${note ? ` ${note}` : ''}`,
		description: 'Which repeats of a request Stripe treats as the same request',
	};
	const idempotencyKey: INodeProperties = {
		displayName: 'Idempotency Key',
		name: 'idempotencyKey',
		type: 'string',
		default: '',
		placeholder: '{{ $json.orderId }}',
		hint: `A key unique to this ${object}, usually an expression. Characters other than visible ASCII (and % and spaces) are sent percent-encoded as UTF-8, so different keys stay different; a key over 255 characters once encoded is refused.`,
		description: `With Idempotency "Custom Key": your key for this ${object}`,
	};
	/** From 1.2, Idempotency Key shows once Idempotency is "Custom Key"; before, a key given alone is a custom key. */
	const customKeyOnly: INodeProperties = {
		...idempotencyKey,
		displayOptions: { show: { idempotency: ['custom'] } },
	};
	return { idempotency, idempotencyKey, customKeyOnly };
}

const IDEMPOTENCY_DEFAULT: IdempotencyMode = 'perInput';

/** Options → Idempotency (and its key) as one item gives them. */
export function readIdempotencySettings(options: IDataObject): IdempotencySettings {
	const customKey = givenText(options.idempotencyKey);
	// Workflows saved before Options → Idempotency existed give only a key: that key is a custom key.
	const mode =
		options.idempotency === undefined && customKey
			? 'custom'
			: optionValue(options, { name: 'idempotency', default: IDEMPOTENCY_DEFAULT });
	return { mode: mode as IdempotencyMode, customKey, customKeyField: 'Options → Idempotency Key' };
}

/**
 * A choice saved in Options or Request Options that this version does not offer (renamed or removed since the workflow was
 * saved), said for the person who opens the node; undefined when every saved choice is offered. n8n marks such a
 * value only in the node's panel, so the run must say it too: never read as another choice.
 */
export function unknownSavedChoice(
	properties: INodeProperties[],
	saved: INodeParameters,
): string | undefined {
	const optionsCollections = properties.filter(
		(property) => property.name === 'options' || property.name === 'requestOptions',
	);
	for (const collection of optionsCollections) {
		const values = saved[collection.name];
		if (!values || typeof values !== 'object') continue;
		for (const option of (collection.options ?? []) as INodeProperties[]) {
			const value = (values as IDataObject)[option.name];
			const isExpression = typeof value === 'string' && value.startsWith('=');
			if (option.type !== 'options' || value === undefined || value === null || isExpression)
				continue;
			const choices = (option.options ?? []).filter(
				(choice): choice is INodePropertyOptions => 'value' in choice,
			);
			if (choices.some((choice) => choice.value === value)) continue;
			return `${collection.displayName} → ${option.displayName}: "${String(value)}" is not one of its choices (${choices.map((choice) => choice.name).join(', ')}); the workflow was probably saved with another version of the node: open the node and choose one. Nothing was sent to Stripe.`;
		}
	}
	return undefined;
}
