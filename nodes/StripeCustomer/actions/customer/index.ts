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

export const customerProperties: INodeProperties[] = [
	operationProperty,
	...Object.values(customerOperations).flatMap((operation) =>
		updateDisplayOptions({ show: { resource: ['customer'], operation: [operation.option.value] } }, operation.description),
	),
];
