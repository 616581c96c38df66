import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { combineChecks, valid } from '../../helpers/checks';
import { updateKeyFor } from '../../helpers/idempotency';
import type { Operation, OperationRun } from '../../helpers/operation';
import { settled } from '../../helpers/stripeAnswers';
import { customerLocator, readCustomerId } from '../customer/customerLocator';
import { createPortalSession, withPortalSettingsAdvice } from './billingPortalSessionApi';
import {
	PORTAL_SESSION_OPTIONS,
	readPortalSessionValues,
	returnUrl,
	toPortalSessionParams,
} from './billingPortalSessionFields';

export const create: Operation = {
	value: 'create',
	name: 'Create',
	action: 'Create a billing portal link for a customer',
	description:
		"A link to Stripe's customer portal, where the customer updates their card, sees invoices, manages subscriptions",
	toolDescription:
		"Creates a link to Stripe's customer portal for the Stripe customer with this ID (cus_…), where they update their payment method, see their invoices and manage their subscriptions. Returns url (send it to the customer at once: the link is short-lived) and customerId. Return URL: where the portal's back link goes (https://…).",
	permission: 'Customer portal: Write',
	properties: [customerLocator, returnUrl, ...PORTAL_SESSION_OPTIONS],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch(this, {
		concurrency: settings.concurrency,
		rerunNote:
			'Running the node again makes new links; the ones made stay valid until they expire (Stripe keeps portal links short-lived).',
		prepare: (itemIndex) => {
			const checked = combineChecks({
				customerId: readCustomerId(this, itemIndex),
				params: toPortalSessionParams(readPortalSessionValues(this, itemIndex)),
			});
			if (!checked.ok) return checked;
			const { customerId, params } = checked.value;
			// Per execution: a retry or Retry On Fail gets the session already made; a new execution makes a new link.
			return valid({
				params: { customer: customerId, ...params },
				key: updateKeyFor(this, itemIndex),
			});
		},
		run: async ({ params, key }) => {
			const created = await settled(createPortalSession(stripe, params, key));
			if (!created.ok) throw withPortalSettingsAdvice(this.getNode(), created.error);
			const { session, replayed } = created.value;
			const json: IDataObject = {
				customerId: session.customer,
				url: session.url,
				sessionId: session.id,
				...(replayed ? { replayed } : {}),
				session: session as unknown as IDataObject,
			};
			return { json: [json], change: `${session.customer}: portal session ${session.id}` };
		},
	});
}
