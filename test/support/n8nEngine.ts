import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'crypto';

import { TestCredentialsHelper } from './credentialsHelper';

// n8n-core driven as n8n's server drives it, without the server: the stand-ins for the nodes around ours, the
// registry of node types a Workflow looks its nodes up in, what an execution gets besides its workflow
// (additionalData, with the tests' credentials), and one execution run to its end. workflowRunner.ts (the action
// node) and triggerRunner.ts (the trigger) build their workflows on it.

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

/** Passes its items on, so an execution shows what the next node of a workflow receives. */
class NextNode implements INodeType {
	description = {
		displayName: 'Next Node',
		name: 'nextNode',
		group: ['transform'],
		version: 1,
		description: 'Receives the trigger output',
		defaults: { name: 'Next Node' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** The stand-ins for the nodes around ours, by the node type a workflow names them with. */
export const STAND_IN_NODE_TYPES = {
	'test.manualTrigger': new ManualTrigger(),
	'test.inputItems': new InputItems(),
	'test.setFields': new SetFields(),
	'test.nextNode': new NextNode(),
} satisfies Record<string, INodeType>;

/** n8n's registry of node types, holding these: what a Workflow looks its nodes up in. */
export function nodeTypesOf(byType: Record<string, INodeType>): INodeTypes {
	return {
		getByName: (type: string) => byType[type],
		getByNameAndVersion: (type: string) => byType[type],
		getKnownTypes: () => ({}),
	};
}

export interface AdditionalDataOptions {
	/** The decrypted credentials of a type, as n8n's credentials store would hand them out. */
	credentialsOf: ConstructorParameters<typeof TestCredentialsHelper>[0];
	executionId?: string;
	hooks?: ExecutionLifecycleHooks;
	/** Where this n8n is reached (its webhook URLs start with it); default http://localhost:5678. */
	baseUrl?: string;
}

/** What n8n gives an execution (and a hook, webhook or list-search call) besides the workflow; what n8n-core needs of it. */
export function additionalDataFor(
	{ credentialsOf, executionId, hooks, baseUrl = 'http://localhost:5678' }: AdditionalDataOptions,
	extra: Partial<IWorkflowExecuteAdditionalData> = {},
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId: executionId ?? randomUUID(),
		credentialsHelper: new TestCredentialsHelper(credentialsOf),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		userId: 'test-user',
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface ExecutionOptions {
	workflow: Workflow;
	mode: WorkflowExecuteMode;
	executionId: string;
	/** The node the execution starts at, and the items it starts with. */
	start: { node: INode; data: INodeExecutionData[][] };
	/** The execution's additionalData, given the hooks that tell when it ends. */
	additionalData: (hooks: ExecutionLifecycleHooks) => IWorkflowExecuteAdditionalData;
	/**
	 * When given, n8n cancels the execution once this resolves, as the editor's Stop (or n8n's execution timeout) does:
	 * n8n-core aborts the execution's cancel signal. The run resolves when the node has returned.
	 */
	cancelWhen?: Promise<unknown>;
}

/** Runs an execution of `workflow` with n8n-core's WorkflowExecute, as n8n does; resolves with the finished run. */
export async function runExecution({
	workflow,
	mode,
	executionId,
	start,
	additionalData,
	cancelWhen,
}: ExecutionOptions): Promise<IRun> {
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: workflow.id,
		name: workflow.name ?? '',
		active: workflow.active,
		activeVersionId: null,
		isArchived: false,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: start.node, data: { main: start.data }, source: null }],
		},
	});
	const execution = new WorkflowExecute(
		additionalData(hooks),
		mode,
		runData,
	).processRunExecutionData(workflow);
	if (cancelWhen) void cancelWhen.then(() => execution.cancel());
	// After a cancel this settles once the node has returned (n8n-core waits for it), not at the cancel.
	await execution;
	return await finished;
}
