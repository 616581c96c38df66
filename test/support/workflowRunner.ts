import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	NodeConnectionTypes,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
	type NodeParameterValueType,
} from 'n8n-workflow';
import { randomUUID } from 'crypto';

import { StripeCustomer } from '../../nodes/StripeCustomer/StripeCustomer.node';
import { TestCredentialsHelper } from './credentialsHelper';
import { useInstance } from './n8nInstance';

export { instanceIdOf } from './n8nInstance';

// Runs a real workflow through n8n-core's WorkflowExecute, as n8n does, without the n8n server:
// Manual Trigger -> Input (emits the given items) -> Stripe Customer -> After (evaluates expressions per item).
// Which n8n instance (user folder, instance key) it runs as: n8nInstance.js.

/** Starts the workflow, like n8n's Manual Trigger: passes the item it is started with. */
class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** Emits the items held in its `items` parameter (what a Code node returning an array would do). */
class InputItems implements INodeType {
	description = {
		displayName: 'Input Items',
		name: 'inputItems',
		group: ['transform'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Input' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

/** Evaluates its `fields` expressions for every incoming item, like a Set node; used to check pairing downstream. */
class SetFields implements INodeType {
	description = {
		displayName: 'Set Fields',
		name: 'setFields',
		group: ['transform'],
		version: 1,
		description: 'Evaluates expressions per item',
		defaults: { name: 'After' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Fields', name: 'fields', type: 'json', default: '{}' }],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, index) => ({
				json: { ...item.json, ...(this.getNodeParameter('fields', index) as IDataObject) },
				pairedItem: { item: index },
			})),
		];
	}
}

/**
 * The node as n8n offers it to an AI Agent: a copy named "…Tool" (n8n's convertNodeToAiTool), which is what its
 * "@tool" display rules look at. Here it keeps its main input and output, so a workflow can run it with the
 * values a model would fill.
 */
function asTool(node: StripeCustomer): StripeCustomer {
	node.description = { ...node.description, name: `${node.description.name}Tool` };
	return node;
}

const nodeTypesByName: Record<string, INodeType> = {
	'test.manualTrigger': new ManualTrigger(),
	'test.inputItems': new InputItems(),
	'test.setFields': new SetFields(),
	'n8n-nodes-stripe-customer.stripeCustomer': new StripeCustomer(),
	'n8n-nodes-stripe-customer.stripeCustomerTool': asTool(new StripeCustomer()),
};

const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeTypesByName[type] as INodeType | IVersionedNodeType,
	getByNameAndVersion: (type: string) => nodeTypesByName[type],
	getKnownTypes: () => ({}),
};

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

export const STRIPE_NODE_NAME = 'Stripe Customer';
const STRIPE_NODE_TYPE = 'n8n-nodes-stripe-customer.stripeCustomer';
const STRIPE_CREDENTIALS = { stripeCustomerApi: { id: '1', name: 'Stripe Customer account' } };

/** What n8n gives an execution besides the workflow; what n8n-core needs of it here. */
function additionalDataFor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	executionId: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId,
		credentialsHelper: new TestCredentialsHelper((type) => credentials[type]),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		userId: 'test-user',
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
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
	return await listSearchInEditor(credentials, {
		method: 'searchCustomers',
		parameters: { operation: 'get' },
		field: 'customerId',
		filter,
		paginationToken,
		timezone,
	});
}

/**
 * What a picker of the node shows ("From List" of the resource locator `field`): its list-search method, called
 * through n8n-core's LoadOptionsContext with the node's current parameters, as n8n's server calls it.
 */
export async function listSearchInEditor(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	picker: {
		method: string;
		/** The node's parameters as the editor holds them (the customer picked above, say). */
		parameters: INode['parameters'];
		field: string;
		filter?: string;
		paginationToken?: string;
		/** The workflow's time zone; default: n8n's. */
		timezone?: string;
	},
): Promise<INodeListSearchResult> {
	useInstance('main');
	const node: INode = {
		id: 'stripe-customer-node',
		name: STRIPE_NODE_NAME,
		type: STRIPE_NODE_TYPE,
		typeVersion: 1.1,
		position: [0, 0],
		parameters: picker.parameters,
		credentials: STRIPE_CREDENTIALS,
	};
	const settings = picker.timezone ? { timezone: picker.timezone } : {};
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		settings,
	});
	const additionalData = additionalDataFor(credentials, randomUUID());
	additionalData.currentNodeParameters = picker.parameters;
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalData,
		`parameters.${picker.field}`,
	);
	const stripeCustomer = nodeTypesByName[STRIPE_NODE_TYPE] as StripeCustomer;
	return await stripeCustomer.methods.listSearch[picker.method].call(
		context,
		picker.filter,
		picker.paginationToken,
	);
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
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings,
	});
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: workflowId,
		name: 'Stripe Customer test',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const additionalData = additionalDataFor(options.credentials, executionId, hooks);

	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode('Manual Trigger')!,
					data: { main: [[{ json: {} }]] },
					source: null,
				},
			],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(
		workflow,
	);
	if (options.cancelWhen) void options.cancelWhen.then(() => execution.cancel());
	// After a cancel this settles once the node has returned (n8n-core waits for it), not at the cancel.
	await execution;
	const run = await finished;

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
