import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as remove from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as search from './search.operation';
import * as update from './update.operation';
import * as upsert from './upsert.operation';

// The Customer resource: one file per operation (its description and its execute); adding one is a file and a line here.
export const customerOperations = { create, upsert, get, getMany, search, update, delete: remove };

const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['customer'] } },
	options: Object.values(customerOperations)
		.map((operation) => operation.option)
		.sort((a, b) => a.name.localeCompare(b.name)),
	default: 'create',
};

/**
 * When the node is an AI Agent's tool, what the model is told the operation does (n8n would say only "Create a
 * customer in Stripe Customer"); the user may edit it. Shown only in the tool (n8n 2.x knows "@tool").
 */
function toolDescriptionOf({
	toolDescription,
}: (typeof customerOperations)[keyof typeof customerOperations]): INodeProperties {
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

export const customerProperties: INodeProperties[] = [
	operationProperty,
	...Object.values(customerOperations).flatMap((operation) =>
		updateDisplayOptions(
			{ show: { resource: ['customer'], operation: [operation.option.value] } },
			[toolDescriptionOf(operation), ...operation.description],
		),
	),
];
