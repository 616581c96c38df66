import {
	updateDisplayOptions,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeProperties,
} from 'n8n-workflow';

import { StripeClient } from '../transport/stripeRequest';
import { readOptionValues } from './options';
import { readRequestSettings, type RequestSettings } from './requestSettings';

// What an operation is, and everything the node derives from its operations: the Resource and Operation lists, the
// fields each shows, the canvas subtitle, the AI tool's descriptions, the pickers. No list of operations is kept
// anywhere else.

/** What the router hands an operation's execute: the run's Stripe client and the node's request settings. */
export interface OperationRun {
	/** Speaks for the operation: its permission is in the errors of a restricted key. */
	stripe: StripeClient;
	/** The node's Request Options (item 0): how many items are in flight at once, among others. */
	settings: RequestSettings;
}

export interface Operation {
	/** The Operation list's value, saved in workflows: never renamed. */
	value: string;
	/** The Operation list's name; the canvas subtitle shows it too. */
	name: string;
	/** What n8n's nodes panel and an AI Agent call it ("Create a customer"). */
	action: string;
	/** The line under the name in the Operation list. */
	description: string;
	/** What an AI Agent is told this operation does, when the node is its tool (the user may edit it). */
	toolDescription: string;
	/** The restricted-key permission it needs, as Stripe's Dashboard names it: "Customers: Write". */
	permission: string;
	/** Its fields in the editor; the resource and operation conditions are added for it. */
	properties: INodeProperties[];
	execute(this: IExecuteFunctions, run: OperationRun): Promise<INodeExecutionData[]>;
}

export type ListSearchMethod = (
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
) => Promise<INodeListSearchResult>;

export interface Resource {
	/** The Resource list's value, saved in workflows: never renamed. */
	value: string;
	name: string;
	/** The operation a new node of this resource starts with. */
	defaultOperation: string;
	operations: Operation[];
	/** Its pickers (the "From List" of a resource locator), by method name. */
	listSearch?: Record<string, ListSearchMethod>;
}

function byName<T extends { name: string }>(a: T, b: T): number {
	return a.name.localeCompare(b.name);
}

/** The Operation list of one resource. */
function operationProperty(resource: Resource): INodeProperties {
	const { defaultOperation } = resource;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: resource.operations
			.map(({ name, value, action, description }) => ({ name, value, action, description }))
			.sort(byName),
		default: defaultOperation,
	};
}

/** Shown only when the node is an AI Agent's tool (n8n 2.x knows "@tool"); n8n 1.x shows its generic description. */
function toolDescriptionProperty(operation: Operation): INodeProperties {
	const { toolDescription } = operation;
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: toolDescription,
		description: 'What the AI Agent is told this tool does and what its inputs mean',
		displayOptions: { show: { '@tool': [true] } },
	};
}

/** Every field of the node: the Resource list, then each resource's Operation list and its operations' fields. */
export function nodeProperties(resources: Resource[]): INodeProperties[] {
	const defaultResource = resources[0].value;
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map(({ name, value }) => ({ name, value })).sort(byName),
			default: defaultResource,
		},
		...resources.flatMap((resource) => [
			operationProperty(resource),
			...resource.operations.flatMap((operation) =>
				updateDisplayOptions(
					{ show: { resource: [resource.value], operation: [operation.value] } },
					[toolDescriptionProperty(operation), ...operation.properties],
				),
			),
		]),
	];
}

/** The canvas subtitle: the operation's and the resource's names, "Create: Customer". */
export function subtitleOf(resources: Resource[]): string {
	const names: Record<string, string> = {};
	for (const resource of resources) {
		for (const operation of resource.operations) {
			names[`${resource.value}:${operation.value}`] = `${operation.name}: ${resource.name}`;
		}
	}
	// A node saved before the Resource list existed holds no resource: it is the first one's.
	return `={{ (${JSON.stringify(names)})[($parameter["resource"] || ${JSON.stringify(resources[0].value)}) + ":" + $parameter["operation"]] }}`;
}

/** The pickers of every resource, for the node's `methods.listSearch`. */
export function listSearchOf(resources: Resource[]): Record<string, ListSearchMethod> {
	return Object.assign({}, ...resources.map((resource) => resource.listSearch ?? {}));
}

/** The operation a node's parameters name, or undefined when the node has no such operation. */
export function findOperation(
	resources: Resource[],
	resourceValue: string,
	operationValue: string,
): Operation | undefined {
	return resources
		.find((resource) => resource.value === resourceValue)
		?.operations.find((operation) => operation.value === operationValue);
}

/**
 * The Stripe client of a picker: the node's own request options, as its runs use them (the picker shares the
 * account's limiter with them), speaking for `permission` ("Customers: Read").
 */
export async function pickerClient(
	context: ILoadOptionsFunctions,
	permission: string,
): Promise<StripeClient> {
	const settings = readRequestSettings(
		readOptionValues((name) => context.getNodeParameter(name, {})),
	);
	return await StripeClient.connect(context, settings, { permissionNeeded: permission });
}
