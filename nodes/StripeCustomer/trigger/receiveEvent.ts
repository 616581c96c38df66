import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { deliveryMemory } from './deliveryDedupe';
import { LONGEST_WORKFLOW_ID, readState } from './endpointLifecycle';
import { eventToItem, parseEvent } from './output';
import { readTriggerSettings } from './properties';
import { verifySignature } from './signature';

// What the trigger does with one request to its URL: only a delivery signed with this endpoint's secret, of a chosen
// event, not seen before, starts the workflow.

/** The answer to a delivery that starts the workflow: JSON, as every answer here, which Stripe shows in its Dashboard. */
export const ACCEPTED: IDataObject = { received: true };

export type Delivery =
	/** Answer 200 with ACCEPTED and start the workflow with this item. */
	| { run: IDataObject }
	/** Answer 200 with this body and start nothing (an event not chosen, or one already delivered). */
	| { acknowledge: IDataObject }
	/** Answer 400 with this reason and start nothing. */
	| { reject: string };

/** n8n keeps the bytes it received as `rawBody` on the request (a Buffer; a string in some setups). */
function rawBodyOf(context: IWebhookFunctions): Uint8Array | string | undefined {
	const { rawBody } = context.getRequestObject() as { rawBody?: unknown };
	if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return rawBody;
	return undefined;
}

function headerOf(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getHeaderData()[name];
	return Array.isArray(value) ? value.join(',') : value;
}

export function receiveEvent(context: IWebhookFunctions, now = Date.now()): Delivery {
	const state = readState(context);
	if (!state) {
		const workflowId = String(context.getWorkflow().id ?? '');
		const hint =
			workflowId.length > LONGEST_WORKFLOW_ID.n8n1
				? ` n8n 1.x keeps no static data for workflow IDs longer than ${LONGEST_WORKFLOW_ID.n8n1} characters ("${workflowId}"): duplicate the workflow and activate the copy.`
				: '';
		return {
			reject: `this trigger has no webhook endpoint at Stripe (activate the workflow, or listen for a test event).${hint}`,
		};
	}
	const rawBody = rawBodyOf(context);
	if (rawBody === undefined)
		return { reject: 'n8n passed no raw request body to check the signature against' };
	const signature = verifySignature({
		header: headerOf(context, 'stripe-signature'),
		rawBody,
		secret: state.secret,
		now: Math.floor(now / 1000),
	});
	if (!signature.valid) return { reject: `Stripe signature check failed: ${signature.reason}` };
	const parsed = parseEvent(rawBody);
	if ('problem' in parsed) return { reject: parsed.problem };
	const { event } = parsed;
	const settings = readTriggerSettings(context);
	if (!(settings.events as readonly string[]).includes(event.type)) {
		return {
			acknowledge: { ...ACCEPTED, ignored: `${event.type} is not one of this trigger's events` },
		};
	}
	const scope = `${context.getWorkflow().id}|${context.getNode().id}|${state.kind}`;
	if (!deliveryMemory.firstDelivery(scope, event.id, now)) {
		return { acknowledge: { ...ACCEPTED, duplicate: `${event.id} was already delivered` } };
	}
	return {
		run: eventToItem(event, {
			includeRawEvent: settings.includeRawEvent,
			credentialAccount: state.account || undefined,
		}),
	};
}
