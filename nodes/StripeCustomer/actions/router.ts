import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { customerOperations } from './customer';

/** Each resource's operations; a second resource is one folder beside customer/ and one line here. */
const RESOURCES: Record<
	string,
	Record<string, { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> }>
> = {
	customer: customerOperations,
};

/** The value n8n's editor gives the "Custom API Call" entry it adds to the Operation list by itself. */
const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0, 'customer') as string;
	const operation = this.getNodeParameter('operation', 0, 'create') as string;
	const operations = Object.hasOwn(RESOURCES, resource) ? RESOURCES[resource] : undefined;
	if (!operations || !Object.hasOwn(operations, operation)) {
		const what =
			operation === CUSTOM_API_CALL ? '"Custom API Call"' : `"${resource} → ${operation}"`;
		throw new NodeOperationError(
			this.getNode(),
			`The operation ${what} is not available in this node; nothing was sent to Stripe`,
			{
				description:
					"Choose one of the node's Customer operations. For any other Stripe endpoint, use n8n's HTTP Request node with this credential (Authentication: Predefined Credential Type → Stripe Customer API).",
			},
		);
	}
	return [await operations[operation].execute.call(this)];
}
