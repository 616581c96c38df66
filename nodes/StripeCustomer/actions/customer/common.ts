import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { text, type AddressInput, type CustomerInput, type Mapped, type ShippingInput } from '../../helpers/customerParams';
import type { FieldProblem } from '../../helpers/errors';
import { customKeyProblem, derivedKey, type IdempotencyMode } from '../../helpers/idempotency';
import { DEFAULT_API_VERSION, StripeClient, type TransportSettings } from '../../transport/stripeRequest';
import { ADDRESS_GROUP } from './fields';

// What several Customer operations share: the customer picker, the options, and reading one item's values.

// n8n checks a typed value against `^<regex>$` before running; the URL's ID is taken with the capture group.
const CUSTOMER_ID_PATTERN = 'cus_[A-Za-z0-9]+';
const CUSTOMER_URL_PATTERN = `https://dashboard\\.stripe\\.com/(?:acct_[A-Za-z0-9]+/)?(?:test/)?customers/(${CUSTOMER_ID_PATTERN})(?:[/?#].*)?`;

export const customerLocator: INodeProperties = {
	displayName: 'Customer',
	name: 'customerId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a customer…',
			typeOptions: { searchListMethod: 'searchCustomers', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'cus_…',
			validation: [
				{ type: 'regex', properties: { regex: CUSTOMER_ID_PATTERN, errorMessage: 'A Stripe customer ID starts with cus_' } },
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'https://dashboard.stripe.com/customers/cus_…',
			extractValue: { type: 'regex', regex: CUSTOMER_URL_PATTERN },
			validation: [
				{
					type: 'regex',
					properties: { regex: CUSTOMER_URL_PATTERN, errorMessage: 'Paste the address of a customer page of the Stripe Dashboard' },
				},
			],
		},
	],
};

/** The picked customer's ID (the resource locator's value, whatever its mode). */
export function readCustomerId(context: IExecuteFunctions, itemIndex: number): Mapped<string> {
	const value = text(context.getNodeParameter('customerId', itemIndex, '', { extractValue: true }) as string);
	if (value === undefined) return { ok: false, problems: [{ field: customerLocator.displayName, message: 'no customer given' }] };
	if (!new RegExp(`^${CUSTOMER_ID_PATTERN}$`).test(value)) {
		return { ok: false, problems: [{ field: customerLocator.displayName, message: `"${value}" is not a Stripe customer ID (cus_…)` }] };
	}
	return { ok: true, value };
}

/** Addresses are a flat collection in node version 1 and a group from 1.1 on; the mapping takes the flat shape. */
function flatAddress<T extends AddressInput>(value: unknown): T | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const grouped = (value as Record<string, unknown>)[ADDRESS_GROUP];
	return (grouped && typeof grouped === 'object' ? grouped : value) as T;
}

/** One item's customer fields, as the mapping takes them. */
export function readCustomerInput(context: IExecuteFunctions, itemIndex: number): CustomerInput {
	const read = <T>(name: string, fallback: T) => context.getNodeParameter(name, itemIndex, fallback) as T;
	return {
		name: read('name', ''),
		email: read('email', ''),
		phone: read('phone', ''),
		description: read('description', ''),
		address: flatAddress<AddressInput>(read('address', {})),
		shipping: flatAddress<ShippingInput>(read('shipping', {})),
		additionalFields: read('additionalFields', {}),
	};
}

// ---- Options ----

const requestOptions = {
	apiVersion: {
		displayName: 'API Version',
		name: 'apiVersion',
		type: 'string',
		default: '',
		placeholder: DEFAULT_API_VERSION,
		description: `Stripe API version of the requests; empty means ${DEFAULT_API_VERSION}, the version this node is tested against`,
	},
	concurrency: {
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 1, maxValue: 100, numberPrecision: 0 },
		description: 'How many requests to Stripe may be in flight at once',
	},
	maxRetries: {
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
		description: 'Retries of a request after a network error, 409 or 5xx, each with the same idempotency key',
	},
	adaptiveRateLimit: {
		displayName: 'Adapt to Rate Limit',
		name: 'adaptiveRateLimit',
		type: 'boolean',
		default: true,
		description:
			"Whether to slow down when Stripe answers 429 and speed up again while requests succeed, so that several n8n workers (or other integrations) sharing one Stripe account settle near the account's limit",
	},
	rateLimitWait: {
		displayName: 'Rate-Limit Wait (Seconds)',
		name: 'rateLimitWait',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description: 'How long requests answered 429 are retried while no request of this Stripe account succeeds; 0 fails at the first 429',
	},
	requestsPerSecond: {
		displayName: 'Requests Per Second',
		name: 'requestsPerSecond',
		type: 'number',
		default: 25,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description:
			"Most requests per second this n8n (main or each worker) sends to one Stripe account, shared by every run of the node; Stripe's default is 25 per endpoint. 0 means no limit.",
	},
} satisfies Record<string, INodeProperties>;

const returnFullCustomer: INodeProperties = {
	displayName: 'Return Full Customer',
	name: 'returnFullCustomer',
	type: 'boolean',
	default: false,
	description: 'Whether to add the whole Stripe customer object to the output as "customer"',
};

const idempotencyOptions = {
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
} satisfies Record<string, INodeProperties>;

const ifEmailExists: INodeProperties = {
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
};

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

export const readOptions = optionsCollection(Object.values(requestOptions));
export const writeOptions = optionsCollection([...Object.values(requestOptions), returnFullCustomer]);
export const createOptions = optionsCollection([
	...Object.values(requestOptions),
	returnFullCustomer,
	...Object.values(idempotencyOptions),
	ifEmailExists,
]);
export const upsertOptions = optionsCollection([...Object.values(requestOptions), returnFullCustomer, ...Object.values(idempotencyOptions)]);

export interface NodeOptions {
	apiVersion?: string;
	concurrency?: number;
	maxRetries?: number;
	adaptiveRateLimit?: boolean;
	rateLimitWait?: number;
	requestsPerSecond?: number;
	returnFullCustomer?: boolean;
	idempotency?: IdempotencyMode;
	idempotencyKey?: string;
	ifEmailExists?: 'create' | 'useExisting' | 'update' | 'fail';
}

export function readNodeOptions(context: IExecuteFunctions, itemIndex = 0): NodeOptions {
	return context.getNodeParameter('options', itemIndex, {}) as NodeOptions;
}

export function transportSettings(options: NodeOptions): TransportSettings {
	return {
		apiVersion: text(options.apiVersion),
		maxRetries: options.maxRetries ?? 5,
		rateLimitWaitMs: (options.rateLimitWait ?? 60) * 1000,
		requestsPerSecond: options.requestsPerSecond ?? 25,
		adaptiveRateLimit: options.adaptiveRateLimit ?? true,
	};
}

/** The run's Stripe client and options (taken from the first item: they shape the run, not one request). */
export async function connect(context: IExecuteFunctions): Promise<{ stripe: StripeClient; options: NodeOptions }> {
	const options = readNodeOptions(context);
	return { stripe: await StripeClient.connect(context, transportSettings(options)), options };
}

const RERUN_NOTES: Record<IdempotencyMode, string> = {
	perInput:
		'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these customers instead of creating them again (Options → Idempotency: Per Input).',
	perExecution:
		'Retry On Fail (the same execution) returns these customers instead of creating them again; a new execution would create them again (Options → Idempotency: Per Execution).',
	custom: 'Running again with the same Idempotency Keys (within 24 hours) returns these customers instead of creating them again.',
};

/** What running a create again does with the customers a stopped run already made, by Options → Idempotency. */
export function createRerunNote(options: NodeOptions): string {
	return RERUN_NOTES[options.idempotency ?? (text(options.idempotencyKey) ? 'custom' : 'perInput')];
}

/** What identifies this run for derived idempotency keys. */
function keyScope(context: IExecuteFunctions) {
	return {
		instanceId: context.getInstanceId?.() ?? '',
		workflowId: String(context.getWorkflow().id ?? 'unsaved'),
		executionId: context.getExecutionId() || `unsaved-${Date.now()}`,
		nodeId: context.getNode().id,
	};
}

/** The idempotency key of one item's write, as Options → Idempotency asks; per execution for writes that must apply each time. */
export function idempotencyKeyFor(
	context: IExecuteFunctions,
	itemIndex: number,
	options: NodeOptions,
	request: { path: string; params: object; apiVersion?: string },
	allowPerInput = true,
): Mapped<string> {
	const custom = text(options.idempotencyKey);
	const mode: IdempotencyMode = options.idempotency ?? (custom ? 'custom' : 'perInput');
	const keyField = `Options → ${idempotencyOptions.idempotencyKey.displayName}`;
	if (mode === 'custom') {
		if (!custom) return problem(keyField, 'empty, and Options → Idempotency is "Custom Key": give a key (e.g. {{ $json.orderId }}) or choose another Idempotency');
		const tooLong = customKeyProblem(custom, keyField);
		return tooLong ? { ok: false, problems: [tooLong] } : { ok: true, value: custom };
	}
	if (custom) return problem(keyField, `set, but Options → Idempotency is not "Custom Key": choose "Custom Key" to use it, or clear it`);
	const derivedMode = mode === 'perInput' && allowPerInput ? 'perInput' : 'perExecution';
	return { ok: true, value: derivedKey(derivedMode, keyScope(context), itemIndex, request) };
}

function problem<T>(field: string, message: string): Mapped<T> {
	return { ok: false, problems: [{ field, message } satisfies FieldProblem] };
}

/** Output of a write that returns one customer: `{ customerId }`, plus the whole object when asked. */
export function customerOutput(customer: { id: string }, withCustomer: boolean): IDataObject {
	return withCustomer ? { customerId: customer.id, customer: customer as unknown as IDataObject } : { customerId: customer.id };
}

/** Combines the checks of several parts of one item into one result, with every problem. */
export function combine<T extends Record<string, Mapped<unknown>>>(parts: T): Mapped<{ [K in keyof T]: T[K] extends Mapped<infer V> ? V : never }> {
	const problems = Object.values(parts).flatMap((part) => (part.ok ? [] : part.problems));
	if (problems.length) return { ok: false, problems };
	return {
		ok: true,
		value: Object.fromEntries(Object.entries(parts).map(([key, part]) => [key, (part as { value: unknown }).value])) as never,
	};
}

// ---- Lists (Get Many, Search) ----

export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** How many results one item asks for; undefined means all. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	return Math.max(1, Math.floor(context.getNodeParameter('limit', itemIndex, 50) as number));
}

/** Each customer of a list becomes one output item (paired to the item that asked). */
export function listOutput(customers: Array<{ id: string }>): IDataObject[] {
	return customers.map((customer) => ({ customerId: customer.id, customer: customer as unknown as IDataObject }));
}
