import { randomUUID } from 'crypto';
import {
	NodeOperationError,
	sleep,
	type IDataObject,
	type IHookFunctions,
	type IWebhookFunctions,
	type Logger,
} from 'n8n-workflow';

import { DEFAULT_API_VERSION, PACKAGE_INFO } from '../transport/stripeRequest';
import type { StripeEventType } from './events';
import { readTriggerSettings } from './properties';
import {
	PACKAGE_METADATA_KEY,
	WebhookEndpoints,
	type EndpointCreateParams,
	type EndpointUpdateParams,
	type WebhookEndpoint,
} from './webhookEndpoints';
import { PUBLIC_URL_ADVICE, webhookUrlProblem } from './webhookUrl';

// One webhook endpoint at Stripe per trigger node and URL kind (production, or the editor's test URL), kept across
// n8n's calls. n8n calls checkExists (then create when it answers false) on activation, publish and save of an active
// workflow, and delete on deactivation, but also on every save (n8n 1.x) or publish with a changed trigger (n8n 2.x),
// right before activating again: delete cannot tell "deactivated" from "about to come back". So delete only releases
// the endpoint (a mark in its metadata): unless checkExists takes it back first (updating its events in place: one
// endpoint, one signing secret), it is disabled once the release has settled, so Stripe stops delivering to a URL
// n8n no longer serves, and deleted after a grace period. See README → Trigger.

/**
 * A released production endpoint is disabled after `settleMs` and deleted after `graceMs`, unless taken back first.
 * Not disabled at once: Stripe never sends the events made while an endpoint is disabled, and a publish or a save
 * takes its endpoint back within a second, whereas an event answered 404 meanwhile is delivered again later.
 */
export const releaseSettings = { settleMs: 5_000, graceMs: 30_000 };

/**
 * n8n saves a workflow's static data only when the workflow's ID is at most this long (n8n 1.x: 16, n8n 2.x: 21;
 * its utils.js isWorkflowIdValid). n8n makes 16-character IDs; longer ones come from imported workflows.
 */
export const LONGEST_WORKFLOW_ID = { n8n1: 16, n8n2: 21 };

/** Metadata key of a released endpoint: the token of the release that will delete it. */
export const RELEASE_METADATA_KEY = 'n8n_release';

export type UrlKind = 'production' | 'test';

/** What the node keeps in its static data (flat strings, so n8n notices every change and saves it). */
export interface EndpointState {
	endpointId: string;
	secret: string;
	url: string;
	apiVersion: string;
	connect: boolean;
	/** The credential's Connected Account ID the endpoint was made on ('' = the key's own account). */
	account: string;
	kind: UrlKind;
}

const STATE_KEYS = [
	'endpointId',
	'endpointSecret',
	'endpointUrl',
	'apiVersion',
	'connect',
	'account',
	'kind',
] as const;

export function readState(context: IHookFunctions | IWebhookFunctions): EndpointState | undefined {
	const data = context.getWorkflowStaticData('node');
	if (typeof data.endpointId !== 'string' || typeof data.endpointSecret !== 'string')
		return undefined;
	return {
		endpointId: data.endpointId,
		secret: data.endpointSecret,
		url: String(data.endpointUrl ?? ''),
		apiVersion: String(data.apiVersion ?? ''),
		connect: data.connect === true,
		account: String(data.account ?? ''),
		kind: data.kind === 'test' ? 'test' : 'production',
	};
}

function writeState(context: IHookFunctions, state: EndpointState): void {
	const data = context.getWorkflowStaticData('node');
	const values: IDataObject = {
		endpointId: state.endpointId,
		endpointSecret: state.secret,
		endpointUrl: state.url,
		apiVersion: state.apiVersion,
		connect: state.connect,
		account: state.account,
		kind: state.kind,
	};
	for (const key of STATE_KEYS) if (data[key] !== values[key]) data[key] = values[key];
}

function forgetState(context: IHookFunctions): void {
	const data = context.getWorkflowStaticData('node');
	for (const key of STATE_KEYS) if (key in data) delete data[key];
}

interface DesiredEndpoint {
	url: string;
	kind: UrlKind;
	events: StripeEventType[];
	apiVersion: EndpointCreateParams['api_version'];
	connect: boolean;
	account: string;
	description: string;
	/** The label that says which n8n instance, workflow, node and URL kind the endpoint belongs to. */
	label: Record<string, string>;
}

/** The endpoint this node wants, from its parameters and n8n's URL; checked before any request. */
async function desiredEndpoint(
	context: IHookFunctions,
): Promise<{ desired: DesiredEndpoint; endpoints: WebhookEndpoints }> {
	const settings = readTriggerSettings(context);
	const workflowId = String(context.getWorkflow().id ?? '');
	if (workflowId.length > LONGEST_WORKFLOW_ID.n8n2) {
		throw new NodeOperationError(
			context.getNode(),
			`n8n keeps no static data for this workflow (its ID "${workflowId}" is longer than ${LONGEST_WORKFLOW_ID.n8n2} characters), so the trigger could not keep its endpoint's signing secret. Duplicate the workflow (n8n gives the copy a new ID) and activate the copy instead.`,
		);
	}
	const url = context.getNodeWebhookUrl('default');
	if (!url)
		throw new NodeOperationError(context.getNode(), 'n8n gave no webhook URL for this trigger');
	const kind: UrlKind = context.getMode() === 'manual' ? 'test' : 'production';
	const endpoints = await WebhookEndpoints.connect(context);
	// A local Stripe test server or a proxy decides for itself which URLs it takes (Stripe answers for a proxy).
	const urlProblem = endpoints.isStripesOwnApi && webhookUrlProblem(url, endpoints.liveMode);
	if (urlProblem) {
		throw new NodeOperationError(
			context.getNode(),
			`Stripe cannot send events to n8n's ${kind} webhook URL ${url}: ${urlProblem}. ${PUBLIC_URL_ADVICE}`,
		);
	}
	const account = endpoints.account ?? '';
	if (settings.connectedAccounts && account) {
		throw new NodeOperationError(
			context.getNode(),
			`Events From Connected Accounts needs the platform's own key: clear the Connected Account ID (${account}) of the credential, or turn the option off to receive that account's events`,
		);
	}
	const workflow = context.getWorkflow();
	const node = context.getNode();
	const description = `n8n workflow "${truncate(workflow.name ?? '', 100)}" (${workflow.id}), node "${truncate(node.name, 100)}"${kind === 'test' ? ', test URL' : ''}: ${PACKAGE_INFO.name}`;
	const label = {
		[PACKAGE_METADATA_KEY]: PACKAGE_INFO.name,
		n8n_instance: context.getInstanceId?.() ?? '',
		n8n_workflow: String(workflow.id ?? ''),
		n8n_node: node.id,
		n8n_url_kind: kind,
	};
	return {
		desired: {
			url,
			kind,
			events: settings.events,
			apiVersion: DEFAULT_API_VERSION as EndpointCreateParams['api_version'],
			connect: settings.connectedAccounts,
			account,
			description,
			label,
		},
		endpoints,
	};
}

/** At most `length` characters, counted and cut by code point: an emoji is never cut in half (Stripe refuses half of one). */
function truncate(text: string, length: number): string {
	const characters = Array.from(text);
	return characters.length > length ? `${characters.slice(0, length - 1).join('')}…` : text;
}

/**
 * An endpoint labelled by another n8n instance: a copy of this workflow's database (staging restored from
 * production) holds the same endpoint ID, but the endpoint serves the other instance and is never touched from here.
 */
function isAnotherInstancesEndpoint(endpoint: WebhookEndpoint, instanceId: string): boolean {
	const labelled = endpoint.metadata?.n8n_instance;
	return !!labelled && labelled !== instanceId;
}

/** An endpoint this node made earlier for the same URL (a crash between create and saving its ID leaves one behind). */
function isSameNodesEndpoint(endpoint: WebhookEndpoint, desired: DesiredEndpoint): boolean {
	return (
		endpoint.url === desired.url &&
		Object.entries(desired.label).every(([key, value]) => endpoint.metadata?.[key] === value)
	);
}

async function removeStrays(
	endpoints: WebhookEndpoints,
	desired: DesiredEndpoint,
	keepId: string | undefined,
): Promise<void> {
	for (const endpoint of await endpoints.list()) {
		if (endpoint.id !== keepId && isSameNodesEndpoint(endpoint, desired))
			await endpoints.remove(endpoint.id);
	}
}

/** What must change on an existing endpoint to make it the desired one; undefined when nothing. */
function changesFor(
	endpoint: WebhookEndpoint,
	desired: DesiredEndpoint,
): EndpointUpdateParams | undefined {
	const changes: EndpointUpdateParams = {};
	if (endpoint.url !== desired.url) changes.url = desired.url;
	if ([...endpoint.enabled_events].sort().join() !== desired.events.join()) {
		changes.enabled_events = desired.events;
	}
	if (endpoint.description !== desired.description) changes.description = desired.description;
	const metadata = endpoint.metadata ?? {};
	const labelDiffers = Object.entries(desired.label).some(
		([key, value]) => metadata[key] !== value,
	);
	const released = !!metadata[RELEASE_METADATA_KEY];
	if (labelDiffers || released) {
		// '' unsets a key: taking the endpoint back cancels its release.
		changes.metadata = { ...desired.label, ...(released ? { [RELEASE_METADATA_KEY]: '' } : {}) };
	}
	// A released endpoint is enabled whatever it looked like a moment ago: its release may be disabling it right now.
	if (endpoint.status === 'disabled' || released) changes.disabled = false;
	return Object.keys(changes).length ? changes : undefined;
}

/**
 * n8n's checkExists: true when the endpoint this node made is still at Stripe and can serve (its events, URL and label
 * are brought up to date in place, a pending release is cancelled, strays are removed); false when create must make one.
 */
export async function endpointExists(context: IHookFunctions): Promise<boolean> {
	const { desired, endpoints } = await desiredEndpoint(context);
	const state = readState(context);
	if (!state || state.kind !== desired.kind) return false;
	const existing = await endpoints.retrieve(state.endpointId);
	if (!existing || isAnotherInstancesEndpoint(existing, desired.label.n8n_instance)) {
		forgetState(context);
		return false;
	}
	// The API version and the Connect flag cannot change at Stripe: such an endpoint is replaced by create.
	if (
		existing.api_version !== desired.apiVersion ||
		state.connect !== desired.connect ||
		state.account !== desired.account
	)
		return false;
	const changes = changesFor(existing, desired);
	if (changes && !(await endpoints.update(existing.id, changes, randomUUID()))) {
		forgetState(context);
		return false;
	}
	writeState(context, { ...state, url: desired.url });
	await removeStrays(endpoints, desired, existing.id);
	return true;
}

/** n8n's create: one new endpoint with exactly the chosen events and the pinned API version; its ID and secret go to static data. */
export async function createEndpoint(context: IHookFunctions): Promise<boolean> {
	const { desired, endpoints } = await desiredEndpoint(context);
	const state = readState(context);
	// An endpoint that is replaced (another API version, Connect changed) serves until the new one exists.
	const replaced = state?.kind === desired.kind ? state.endpointId : undefined;
	await removeStrays(endpoints, desired, replaced);
	const endpoint = await endpoints.create(
		{
			url: desired.url,
			enabled_events: desired.events,
			api_version: desired.apiVersion,
			description: desired.description,
			metadata: desired.label,
			...(desired.connect ? { connect: true } : {}),
		},
		// A new key for every create: a key reused within 24 h would replay an endpoint deleted since.
		randomUUID(),
	);
	if (!endpoint.secret) {
		throw new NodeOperationError(
			context.getNode(),
			`Stripe created the webhook endpoint ${endpoint.id} but returned no signing secret, so the trigger could not check deliveries: delete that endpoint in the Stripe Dashboard (Developers → Webhooks), then try again`,
		);
	}
	writeState(context, {
		endpointId: endpoint.id,
		secret: endpoint.secret,
		url: desired.url,
		apiVersion: desired.apiVersion ?? DEFAULT_API_VERSION,
		connect: desired.connect,
		account: desired.account,
		kind: desired.kind,
	});
	if (replaced && replaced !== endpoint.id) await endpoints.remove(replaced);
	return true;
}

/**
 * How many of n8n's deletes failed, per production trigger (workflow and node), since this n8n started. When the
 * node's delete fails after a failed activation, n8n keeps the trigger's URL routed to the workflow (2.x: the published
 * version; 1.x: the saved one, though it is shown inactive): an endpoint released before that then keeps serving it.
 */
const failedDeletes = new Map<string, number>();

const triggerKey = (context: IHookFunctions) =>
	`${String(context.getWorkflow().id ?? '')}|${context.getNode().id}`;

/**
 * n8n's delete. A test URL's endpoint goes at once (the editor's listening is over). A production endpoint is released:
 * marked, then disabled and deleted after `releaseSettings` unless checkExists takes it back first (n8n re-activating
 * it after a save or publish). Its ID stays in static data, so the next activation finds it.
 */
export async function releaseEndpoint(context: IHookFunctions): Promise<boolean> {
	const state = readState(context);
	if (!state) return true;
	if (state.kind === 'test') {
		const endpoints = await WebhookEndpoints.connect(context);
		await endpoints.remove(state.endpointId);
		forgetState(context);
		return true;
	}
	const key = triggerKey(context);
	let failed = true;
	try {
		const result = await releaseProductionEndpoint(context, state, key);
		failed = false;
		return result;
	} finally {
		if (failed) failedDeletes.set(key, (failedDeletes.get(key) ?? 0) + 1);
	}
}

async function releaseProductionEndpoint(
	context: IHookFunctions,
	state: EndpointState,
	key: string,
): Promise<boolean> {
	const endpoints = await WebhookEndpoints.connect(context);
	const existing = await endpoints.retrieve(state.endpointId);
	const token = randomUUID();
	const released =
		existing &&
		!isAnotherInstancesEndpoint(existing, context.getInstanceId?.() ?? '') &&
		(await endpoints.update(
			state.endpointId,
			{ metadata: { [RELEASE_METADATA_KEY]: token } },
			randomUUID(),
		));
	if (!released) {
		forgetState(context);
		return true;
	}
	const release = {
		endpointId: state.endpointId,
		token,
		key,
		failedDeletes: failedDeletes.get(key) ?? 0,
	};
	void retireUnlessTakenBack(endpoints, release, context.logger);
	return true;
}

/**
 * Runs after n8n's delete returned, while the endpoint's release mark is still this release's: the endpoint is
 * disabled after the settle time and deleted after the grace period; but when a later delete of n8n failed (n8n
 * kept the URL routed), the release is cancelled and the endpoint serves on.
 */
async function retireUnlessTakenBack(
	endpoints: WebhookEndpoints,
	release: { endpointId: string; token: string; key: string; failedDeletes: number },
	logger: Logger,
): Promise<void> {
	const { endpointId, token } = release;
	const stillReleased = async () =>
		(await endpoints.retrieve(endpointId))?.metadata?.[RELEASE_METADATA_KEY] === token;
	const stillRouted = () => (failedDeletes.get(release.key) ?? 0) !== release.failedDeletes;
	const serveOn = async () => {
		await endpoints.update(
			endpointId,
			{ metadata: { [RELEASE_METADATA_KEY]: '' }, disabled: false },
			randomUUID(),
		);
		logger.info(
			`Stripe Customer Trigger: n8n still routes the URL of webhook endpoint ${endpointId} to its workflow, so the endpoint serves on`,
		);
	};
	const { settleMs, graceMs } = releaseSettings;
	try {
		await sleep(settleMs);
		if (!(await stillReleased())) return;
		if (stillRouted()) return await serveOn();
		await endpoints.update(endpointId, { disabled: true }, randomUUID());
		// Taken back while it was being disabled: the endpoint serves again.
		if (!(await stillReleased())) {
			await endpoints.update(endpointId, { disabled: false }, randomUUID());
			return;
		}
		await sleep(Math.max(0, graceMs - settleMs));
		if (!(await stillReleased())) return;
		if (stillRouted()) return await serveOn();
		await endpoints.remove(endpointId);
	} catch (error) {
		logger.warn(
			`Stripe Customer Trigger: could not retire the released webhook endpoint ${endpointId}: ${error instanceof Error ? error.message : String(error)}`,
		);
	}
}
