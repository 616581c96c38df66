import { HookContext, WebhookContext } from 'n8n-core';
import {
	NodeApiError,
	NodeConnectionTypes,
	sleep,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IRun,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'crypto';

import { StripeCustomerTrigger } from '../../nodes/StripeCustomer/StripeCustomerTrigger.node';
import { additionalDataFor, nodeTypesOf, runExecution, STAND_IN_NODE_TYPES } from './n8nEngine';
import { startWebhookServer, type WebhookRequest, type WebhookResponse } from './webhookServer';

// A workflow "Stripe Customer Trigger → Next Node" run the way n8n runs it, without the n8n server: n8n-core's
// HookContext for the trigger's checkExists / create / delete, its WebhookContext for each request to the trigger's
// URL (served over real HTTP by webhookServer.js), its WorkflowExecute for the execution a delivery starts (the
// plumbing shared with the action node's runner: n8nEngine.ts). What n8n's server adds around them is done here as
// n8n 2.41.1 and 1.85.4 do it (their file and function in brackets):
//  - the workflow's static data lives in "the database" as JSON; every call gets a new Workflow built from it and
//    saves it back when the node changed it (WorkflowStaticDataService.saveStaticData);
//  - n8n's webhook row (what routes the production URL to the workflow) stored before checkExists, then create if it
//    answered false, on one Workflow (WebhookService.createWebhookIfNotExists); when that fails, n8n calls the node's
//    delete and removes the row only if that delete succeeded (2.x: webhook-trigger-registrar clearRegisteredWebhook;
//    1.x: ActiveWorkflowManager.clearWebhooks), then 2.x tries again, 5 tries in all (trigger-activation-retry,
//    without its waits of 1, 2, 4, 8 s here), keeping the version published with its trigger failed, while 1.x
//    deactivates the workflow (workflow.service update) and leaves a row it could not remove;
//  - the call sequences of activation, a save of an active workflow (1.x: workflow.service update → remove, add),
//    a publish (2.x: publication/trigger-diff + workflow-publication-applier: nothing for an unchanged trigger,
//    delete then checkExists/create for a changed one), a restart (2.x: nothing for a registered webhook; 1.x:
//    ActiveWorkflowManager.init → add 'init'), deactivation (remove → delete);
//  - "Listen for test event" (webhooks/test-webhooks.js): test static data starts empty, the mode is 'manual', the
//    URL is the test URL; after the first execution (not after a request that starts none), delete;
//  - the answer to a request (webhooks/webhook-helpers.js executeWebhook): what the node sent itself (noWebhookResponse,
//    then the run of its workflowData, if any), its webhookResponse, or n8n's own answer before the run;
//  - what n8n shows the person publishing when activation fails (n8nShows).

export const TRIGGER_TYPE = 'n8n-nodes-stripe-customer.stripeCustomerTrigger';
export const TRIGGER_NAME = 'Stripe Customer Trigger';
const NEXT_NODE = 'Next Node';
const CREDENTIAL_NAME = 'Stripe Customer account';

const trigger = new StripeCustomerTrigger();
const nodeTypes = nodeTypesOf({ ...STAND_IN_NODE_TYPES, [TRIGGER_TYPE]: trigger });

export type N8nVersion = '1.x' | '2.x';

/**
 * What n8n shows the person activating when the trigger's activation fails: 2.x the error's message (the publication
 * status, publication-status-reporter.js); 1.x a NodeApiError's description, any other error's message
 * (workflow.service.js update).
 */
export function n8nShows(error: unknown, version: N8nVersion): string {
	const { message, description } = error as { message: string; description?: string | null };
	if (version === '1.x' && error instanceof NodeApiError) return description ?? message;
	return message;
}

export interface TriggerExecution {
	mode: 'trigger' | 'manual';
	/** What the trigger emitted, as the next node received it. */
	items: IDataObject[];
	run: IRun;
}

export interface TriggerWorkflowOptions {
	/** The trigger's parameters (events, options). */
	parameters: INodeParameters;
	/** The stripeCustomerApi credential: secretKey, baseUrl, stripeAccount. */
	credentials: ICredentialDataDecryptedObject;
	workflowId?: string;
	workflowName?: string;
	nodeName?: string;
}

/** The n8n "server" of a test: one webhook server, the workflows registered on it. */
export class TriggerHarness {
	private constructor(private readonly server: Awaited<ReturnType<typeof startWebhookServer>>) {}

	static async start(): Promise<TriggerHarness> {
		return new TriggerHarness(await startWebhookServer());
	}

	/** Where this n8n is reached: its webhook URLs start with it. */
	get baseUrl(): string {
		return this.server.baseUrl;
	}

	get webhookBaseUrl(): string {
		return `${this.baseUrl}/webhook`;
	}

	get webhookTestBaseUrl(): string {
		return `${this.baseUrl}/webhook-test`;
	}

	workflow(options: TriggerWorkflowOptions): TriggerWorkflow {
		return new TriggerWorkflow(this, options);
	}

	/** @internal */ route(
		url: string,
		handler: (req: WebhookRequest, res: WebhookResponse) => Promise<void>,
	): void {
		this.server.handle(new URL(url).pathname, handler);
	}

	/** @internal */ unroute(url: string): void {
		this.server.unhandle(new URL(url).pathname);
	}

	async close(): Promise<void> {
		await this.server.close();
	}
}

/** One workflow with the trigger, as n8n's database and server hold it. */
export class TriggerWorkflow {
	readonly id: string;
	readonly executions: TriggerExecution[] = [];
	/** The trigger node as saved (the draft) and as published (active); n8n gives the webhook ID once. */
	private draft: INode;
	private published?: INode;
	/** workflow_entity.staticData */
	private storedStaticData = '{}';
	private testListening?: { node: INode; staticData: IDataObject; stop: () => void };
	/** Resolves when the latest test listening has ended and its webhook was deleted. */
	private testListeningStopped: Promise<void> = Promise.resolve();
	private readonly name: string;
	/** n8n's credentials store: the nodes refer to a credential by its ID. */
	private readonly credentialsById = new Map<string, ICredentialDataDecryptedObject>();

	constructor(
		private readonly harness: TriggerHarness,
		options: TriggerWorkflowOptions,
	) {
		this.id = options.workflowId ?? `wf${randomUUID().slice(0, 8)}`;
		this.name = options.workflowName ?? 'Stripe Customer Trigger test';
		this.draft = {
			id: randomUUID(),
			name: options.nodeName ?? TRIGGER_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: options.parameters,
			credentials: this.credentialReference(options.credentials),
			webhookId: randomUUID(),
		};
	}

	/** A credential saved in n8n, and the node's reference to it. */
	private credentialReference(data: ICredentialDataDecryptedObject): INode['credentials'] {
		const id = String(this.credentialsById.size + 1);
		this.credentialsById.set(id, data);
		return { stripeCustomerApi: { id, name: CREDENTIAL_NAME } };
	}

	/** The URL n8n registers for the published workflow. */
	get productionUrl(): string {
		return `${this.harness.webhookBaseUrl}/${this.draft.webhookId}/webhook`;
	}

	get testUrl(): string {
		return `${this.harness.webhookTestBaseUrl}/${this.draft.webhookId}/webhook`;
	}

	get triggerNode(): INode {
		return this.draft;
	}

	/** The static data n8n has stored for the workflow. */
	get staticData(): IDataObject {
		return JSON.parse(this.storedStaticData) as IDataObject;
	}

	/** Edits the trigger in the editor (the draft): other events, another name, another credential. */
	edit(change: {
		parameters?: INodeParameters;
		name?: string;
		credentials?: ICredentialDataDecryptedObject;
	}): void {
		this.draft = {
			...this.draft,
			parameters: change.parameters ?? this.draft.parameters,
			name: change.name ?? this.draft.name,
			credentials: change.credentials
				? this.credentialReference(change.credentials)
				: this.draft.credentials,
		};
	}

	/** Whether n8n routes the production URL to the workflow (its webhook_entity row exists). */
	get routed(): boolean {
		return this.routedNode !== undefined;
	}

	/** The node of the version n8n's webhook row runs; undefined: n8n answers 404. */
	private routedNode?: INode;

	/** Activation (n8n 1.x: Active on; n8n 2.x: first publish); rejects with the trigger's error when it fails. */
	async activate(version: N8nVersion = '2.x'): Promise<void> {
		this.published = structuredClone(this.draft);
		await this.register(this.published, 'activate', version);
	}

	/** n8n 1.x: every save of an active workflow removes its webhooks and adds them again (workflow.service update). */
	async saveWhileActive(): Promise<void> {
		if (!this.published) throw new Error('not active');
		await this.unregister(this.published, '1.x');
		this.published = structuredClone(this.draft);
		await this.register(this.published, 'update', '1.x');
	}

	/** n8n 2.x: publish the draft of a published workflow; only a trigger whose registration changed is re-registered. */
	async publish(): Promise<'unchanged' | 're-registered'> {
		if (!this.published) throw new Error('not published');
		const registration = (node: INode) =>
			JSON.stringify([
				node.name,
				node.type,
				node.typeVersion,
				node.webhookId,
				node.credentials,
				node.parameters,
			]);
		// A trigger without a webhook row is registered by any publish (getNodesWithUnregisteredWebhooks).
		if (this.routed && registration(this.published) === registration(this.draft))
			return 'unchanged';
		await this.unregister(this.published, '2.x');
		this.published = structuredClone(this.draft);
		await this.register(this.published, 'update', '2.x');
		return 're-registered';
	}

	/**
	 * Stores the webhook row, then the node's checkExists / create; a failed try is followed by the node's delete, and
	 * n8n removes the row only when that delete succeeds (2.x clearRegisteredWebhook, 1.x clearWebhooks). 2.x tries 5
	 * times and keeps the version published; 1.x tries once and deactivates the workflow.
	 */
	private async register(
		node: INode,
		activation: WorkflowActivateMode,
		version: N8nVersion,
	): Promise<void> {
		this.routeTo(node);
		let activated = false;
		try {
			await this.addWebhook(node, activation, version === '2.x' ? 5 : 1);
			activated = true;
		} finally {
			if (!activated && version === '1.x') this.published = undefined;
		}
	}

	/** Teardown: 2.x removes the row first (deregisterWebhookTriggers), 1.x after a delete that succeeded (clearWebhooks). */
	private async unregister(node: INode, version: N8nVersion): Promise<void> {
		if (!this.routedNode) return;
		if (version === '2.x') this.routeTo(undefined);
		const deleted = await this.removeWebhook(node);
		if (deleted) this.routeTo(undefined);
	}

	private routeTo(node: INode | undefined): void {
		if (node && !this.routedNode)
			this.harness.route(
				this.productionUrl,
				async (req, res) => await this.receive(req, res, 'trigger'),
			);
		if (!node && this.routedNode) this.harness.unroute(this.productionUrl);
		this.routedNode = node;
	}

	/** A restart of n8n: 2.x finds the webhook registered and calls nothing; 1.x activates every active workflow ('init'). */
	async restart(version: N8nVersion): Promise<void> {
		if (this.published && version === '1.x') await this.addWebhook(this.published, 'init', 1);
	}

	/** Deactivation (n8n 1.x: Active off; n8n 2.x: unpublish). */
	async deactivate(version: N8nVersion = '2.x'): Promise<void> {
		if (!this.published) return;
		await this.unregister(this.published, version);
		this.published = undefined;
	}

	/**
	 * "Listen for test event": registers the test URL (test static data starts empty; mode 'manual'); resolves once
	 * registered. The listening ends after the first execution, or with `stopListening()` (n8n's timeout, or the user).
	 */
	async listenForTestEvent(): Promise<void> {
		const node = structuredClone(this.draft);
		const workflow = this.workflowOf(node, {});
		await this.callHook(workflow, node, 'checkExists', 'manual', 'manual', true).then(
			async (exists) => {
				if (!exists) await this.callHook(workflow, node, 'create', 'manual', 'manual', true);
			},
		);
		let stop = () => {};
		this.testListeningStopped = new Promise<void>((resolve) => (stop = resolve));
		this.testListening = { node, staticData: workflow.staticData, stop };
		this.harness.route(this.testUrl, async (req, res) => await this.receive(req, res, 'manual'));
	}

	/** The end of test listening: n8n deletes the test webhook with the static data the registration kept. */
	async stopListening(): Promise<void> {
		const listening = this.testListening;
		if (!listening) return;
		this.testListening = undefined;
		this.harness.unroute(this.testUrl);
		const workflow = this.workflowOf(listening.node, {});
		workflow.staticData = listening.staticData;
		await this.callHook(workflow, listening.node, 'delete', 'internal', 'update', true);
		listening.stop();
	}

	/** Resolves when test listening has ended (after its execution). */
	async testListeningEnded(): Promise<void> {
		await this.testListeningStopped;
	}

	/** Waits until the workflow has run `count` executions in all (a few seconds at most). */
	async waitForExecutions(count: number, timeoutMs = 10_000): Promise<TriggerExecution[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.executions.length < count && Date.now() < deadline) await sleep(20);
		return this.executions;
	}

	private additionalData(
		extra: Partial<IWorkflowExecuteAdditionalData> = {},
	): IWorkflowExecuteAdditionalData {
		return additionalDataFor(
			{
				credentialsOf: (type, id) =>
					type === 'stripeCustomerApi' ? this.credentialsById.get(id ?? '') : undefined,
				baseUrl: this.harness.baseUrl,
			},
			extra,
		);
	}

	/** A Workflow as n8n builds one for each call; n8n-workflow fills in parameter defaults on its own copy of the node. */
	private workflowOf(node: INode, staticData: IDataObject): Workflow {
		return new Workflow({
			id: this.id,
			name: this.name,
			nodes: [
				structuredClone(node),
				{
					id: 'next',
					name: NEXT_NODE,
					type: 'test.nextNode',
					typeVersion: 1,
					position: [200, 0],
					parameters: {},
				},
			],
			connections: {
				[node.name]: { main: [[{ node: NEXT_NODE, type: NodeConnectionTypes.Main, index: 0 }]] },
			},
			active: true,
			nodeTypes,
			staticData,
			settings: {},
		});
	}

	private webhookData(
		node: INode,
		additionalData: IWorkflowExecuteAdditionalData,
		isTest: boolean,
	): IWebhookData {
		return {
			httpMethod: 'POST',
			node: node.name,
			path: `${node.webhookId}/webhook`,
			webhookDescription: trigger.description.webhooks![0],
			workflowId: this.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest,
		};
	}

	private async callHook(
		workflow: Workflow,
		node: INode,
		method: 'checkExists' | 'create' | 'delete',
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
		isTest = false,
	): Promise<boolean> {
		const additionalData = this.additionalData();
		const workflowNode = workflow.getNode(node.name)!;
		const context = new HookContext(
			workflow,
			workflowNode,
			additionalData,
			mode,
			activation,
			this.webhookData(workflowNode, additionalData, isTest),
		);
		return await trigger.webhookMethods.default[method].call(context);
	}

	/**
	 * WebhookService.createWebhookIfNotExists on a workflow built from the stored static data, then saveStaticData; a
	 * failed try is followed by the node's delete (n8n logs its failure and goes on), and the next try, up to `tries`.
	 */
	private async addWebhook(
		node: INode,
		activation: WorkflowActivateMode,
		tries: number,
	): Promise<void> {
		const workflow = this.workflowOf(node, this.staticData);
		try {
			for (let attempt = 1; ; attempt++) {
				const failure = await this.createIfNotExists(workflow, node, activation).then(
					() => undefined,
					(error: unknown) => error ?? new Error('the activation failed'),
				);
				if (!failure) return;
				const deleted = await this.callHook(workflow, node, 'delete', 'internal', 'update').then(
					() => true,
					() => false,
				);
				if (deleted) this.routeTo(undefined);
				if (attempt >= tries) throw failure;
			}
		} finally {
			this.saveStaticData(workflow);
		}
	}

	private async createIfNotExists(
		workflow: Workflow,
		node: INode,
		activation: WorkflowActivateMode,
	): Promise<void> {
		if (!(await this.callHook(workflow, node, 'checkExists', 'trigger', activation)))
			await this.callHook(workflow, node, 'create', 'trigger', activation);
	}

	/** The node's delete; whether it succeeded (n8n logs a failure and goes on). */
	private async removeWebhook(node: INode): Promise<boolean> {
		const workflow = this.workflowOf(node, this.staticData);
		try {
			await this.callHook(workflow, node, 'delete', 'internal', 'update');
			return true;
		} catch {
			return false;
		} finally {
			this.saveStaticData(workflow);
		}
	}

	private saveStaticData(workflow: Workflow): void {
		if (workflow.staticData.__dataChanged === true)
			this.storedStaticData = JSON.stringify(workflow.staticData);
	}

	/** One request to the trigger's URL: the node's webhook() in a WebhookContext, then the execution it starts. */
	private async receive(
		req: WebhookRequest,
		res: WebhookResponse,
		mode: 'trigger' | 'manual',
	): Promise<void> {
		const listening = this.testListening;
		const node = mode === 'trigger' ? this.routedNode : listening?.node;
		if (!node) {
			res.status(404).json({ message: 'not registered' });
			return;
		}
		const workflow = this.workflowOf(node, mode === 'trigger' ? this.staticData : {});
		if (mode === 'manual') workflow.setTestStaticData(listening!.staticData);
		const workflowNode = workflow.getNode(node.name)!;
		const additionalData = this.additionalData({
			httpRequest: req as never,
			httpResponse: res as never,
		});
		const context = new WebhookContext(
			workflow,
			workflowNode,
			additionalData,
			mode,
			this.webhookData(workflowNode, additionalData, mode === 'manual'),
			[],
			null,
		);
		const result: IWebhookResponseData = await trigger.webhook.call(context);
		if (mode === 'trigger') this.saveStaticData(workflow);
		if (result.workflowData === undefined) {
			if (!result.noWebhookResponse)
				res.status(200).json(result.webhookResponse ?? { message: 'Webhook call received' });
			return;
		}
		// n8n's own answer (onReceived, no responseData) is its placeholder text.
		if (!result.noWebhookResponse) res.status(200).end('firstEntryJson');
		const run = await this.runExecution(workflow, workflowNode, result.workflowData, mode);
		const items = (run.data.resultData.runData[NEXT_NODE]?.[0]?.data?.main?.[0] ?? []).map(
			(item) => item.json,
		);
		this.executions.push({ mode, items, run });
		if (mode === 'manual') await this.stopListening();
	}

	private async runExecution(
		workflow: Workflow,
		node: INode,
		data: INodeExecutionData[][],
		mode: WorkflowExecuteMode,
	): Promise<IRun> {
		const executionId = randomUUID();
		return await runExecution({
			workflow,
			mode,
			executionId,
			start: { node, data },
			additionalData: (hooks) => this.additionalData({ hooks, executionId }),
		});
	}
}
