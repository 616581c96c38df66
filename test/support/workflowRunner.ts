import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type IRun,
	type NodeParameterValueType,
} from 'n8n-workflow';
import { randomUUID } from 'crypto';

import { StripeCustomer } from '../../nodes/StripeCustomer/StripeCustomer.node';
import { additionalDataFor, nodeTypesOf, runExecution, STAND_IN_NODE_TYPES } from './n8nEngine';
import { useInstance } from './n8nInstance';

export { instanceIdOf } from './n8nInstance';

// Runs a real workflow through n8n-core's WorkflowExecute, as n8n does, without the n8n server:
// Manual Trigger -> Input (emits the given items) -> Stripe Customer -> After (evaluates expressions per item).
// Which n8n instance (user folder, instance key) it runs as: n8nInstance.js; n8n-core's plumbing: n8nEngine.ts.

export const STRIPE_NODE_NAME = 'Stripe Customer';
const STRIPE_NODE_TYPE = 'n8n-nodes-stripe-customer.stripeCustomer';
const STRIPE_CREDENTIALS = { stripeCustomerApi: { id: '1', name: 'Stripe Customer account' } };

/**
 * The node as n8n offers it to an AI Agent: a copy named "…Tool" (n8n's convertNodeToAiTool), which is what its
 * "@tool" display rules look at. Here it keeps its main input and output, so a workflow can run it with the
 * values a model would fill.
 */
function asTool(node: StripeCustomer): StripeCustomer {
	node.description = { ...node.description, name: `${node.description.name}Tool` };
	return node;
}

const stripeCustomer = new StripeCustomer();
const nodeTypes = nodeTypesOf({
	...STAND_IN_NODE_TYPES,
	[STRIPE_NODE_TYPE]: stripeCustomer,
	[`${STRIPE_NODE_TYPE}Tool`]: asTool(new StripeCustomer()),
});

export interface StripeNodeSettings {
	parameters: Record<string, NodeParameterValueType>;
	/** The node's typeVersion: 1 and 1.1 (saved workflows; request options in Options) or 1.2 (new nodes); default 1.1. */
	typeVersion?: number;
	/** Run the node as an AI Agent's tool would have it (its "@tool" fields); default false. */
	asTool?: boolean;
	/** n8n's node settings: continue-on-fail and Retry On Fail. */
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface RunOptions {
	items: IDataObject[];
	node: StripeNodeSettings;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Expressions evaluated per item by a node after Stripe Customer, e.g. `={{ $('Input').item.json.email }}`. */
	after?: Record<string, string>;
	executionId?: string;
	workflowId?: string;
	/** Run as another n8n instance (another database): its own instance ID, execution IDs of its own. */
	instance?: string;
	/** The workflow's time zone (Workflow settings → Timezone), e.g. 'Asia/Tokyo'; default: n8n's. */
	timezone?: string;
	/**
	 * When given, n8n cancels the execution once this resolves, as the editor's Stop (or n8n's execution timeout) does:
	 * n8n-core aborts the execution's cancel signal. The run resolves when the node has returned.
	 */
	cancelWhen?: Promise<unknown>;
}

export interface RunResult {
	run: IRun;
	/** The Stripe Customer node's output items (json + pairedItem), or undefined when it failed. */
	output?: INodeExecutionData[];
	/** The node's error as n8n recorded it. */
	error?: { message: string; description?: string | null; name?: string; context?: IDataObject };
	after?: INodeExecutionData[];
}

/**
 * What the editor's customer picker ("From List") shows: the node's list-search method, called through n8n-core's
 * LoadOptionsContext as n8n's server calls it when the user opens or types into the list.
 */
export async function searchCustomersInEditor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	filter?: string,
	paginationToken?: string,
	/** The workflow's time zone; default: n8n's. */
	timezone?: string,
): Promise<INodeListSearchResult> {
	return await searchInEditor('searchCustomers', 'customerId', credentials, {
		parameters: { operation: 'get' },
		typeVersion: 1.1,
		filter,
		paginationToken,
		timezone,
	});
}

export interface PickerCall {
	/** The node's parameters as the editor holds them (a picker may read another field, such as the customer). */
	parameters: INode['parameters'];
	typeVersion?: number;
	filter?: string;
	paginationToken?: string;
	/** The workflow's time zone; default: n8n's. */
	timezone?: string;
}

/**
 * What any picker of the node ("From List") shows for a node with these parameters: its list-search method, called
 * through n8n-core's LoadOptionsContext with the editor's current parameters, as n8n's server calls it.
 */
export async function searchInEditor(
	method: string,
	parameterPath: string,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	{ parameters, typeVersion = 1.2, filter, paginationToken, timezone }: PickerCall,
): Promise<INodeListSearchResult> {
	useInstance('main');
	const node: INode = {
		id: 'stripe-customer-node',
		name: STRIPE_NODE_NAME,
		type: STRIPE_NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: STRIPE_CREDENTIALS,
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings: timezone ? { timezone } : {},
	});
	const additionalData = additionalDataFor(
		{ credentialsOf: (type) => credentials[type] },
		{ currentNodeParameters: parameters },
	);
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalData,
		`parameters.${parameterPath}`,
	);
	const search = stripeCustomer.methods.listSearch[method];
	if (!search) throw new Error(`The node has no picker "${method}"`);
	return await search.call(context, filter, paginationToken);
}

export async function runStripeCustomerWorkflow(options: RunOptions): Promise<RunResult> {
	useInstance(options.instance ?? 'main');
	const executionId = options.executionId ?? randomUUID();
	const workflowId = options.workflowId ?? 'test-workflow';
	const nodes: INode[] = [
		{
			id: 'trigger',
			name: 'Manual Trigger',
			type: 'test.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'input',
			name: 'Input',
			type: 'test.inputItems',
			typeVersion: 1,
			position: [200, 0],
			parameters: { items: JSON.stringify(options.items) },
		},
		{
			id: 'stripe-customer-node',
			name: STRIPE_NODE_NAME,
			type: options.node.asTool ? `${STRIPE_NODE_TYPE}Tool` : STRIPE_NODE_TYPE,
			typeVersion: options.node.typeVersion ?? 1.1,
			position: [400, 0],
			parameters: options.node.parameters as INode['parameters'],
			credentials: STRIPE_CREDENTIALS,
			onError: options.node.onError,
			retryOnFail: options.node.retryOnFail,
			maxTries: options.node.maxTries,
			waitBetweenTries: options.node.waitBetweenTries ?? 0,
		},
	];
	const connections: Workflow['connectionsBySourceNode'] = {
		'Manual Trigger': { main: [[{ node: 'Input', type: 'main', index: 0 }]] },
		Input: { main: [[{ node: STRIPE_NODE_NAME, type: 'main', index: 0 }]] },
	};
	if (options.after) {
		nodes.push({
			id: 'after',
			name: 'After',
			type: 'test.setFields',
			typeVersion: 1,
			position: [600, 0],
			parameters: { fields: options.after },
		});
		connections[STRIPE_NODE_NAME] = { main: [[{ node: 'After', type: 'main', index: 0 }]] };
	}

	const settings = options.timezone ? { timezone: options.timezone } : {};
	const workflow = new Workflow({
		id: workflowId,
		name: 'Stripe Customer test',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings,
	});
	const run = await runExecution({
		workflow,
		mode: 'manual',
		executionId,
		start: { node: workflow.getNode('Manual Trigger')!, data: [[{ json: {} }]] },
		additionalData: (hooks) =>
			additionalDataFor({ credentialsOf: (type) => options.credentials[type], executionId, hooks }),
		cancelWhen: options.cancelWhen,
	});

	const nodeRuns = run.data.resultData.runData[STRIPE_NODE_NAME] ?? [];
	const last = nodeRuns[nodeRuns.length - 1];
	const afterRuns = run.data.resultData.runData.After;
	const error = last?.error ?? run.data.resultData.error;
	return {
		run,
		output: last?.data?.main?.[0] ?? undefined,
		error: error
			? {
					message: error.message,
					description: (error as { description?: string | null }).description,
					name: error.name,
					context: (error as { context?: IDataObject }).context,
				}
			: undefined,
		after: afterRuns?.[afterRuns.length - 1]?.data?.main?.[0] ?? undefined,
	};
}
