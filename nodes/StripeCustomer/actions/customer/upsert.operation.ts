import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { keyAfterStoredError } from '../../helpers/idempotency';
import { StripeClient } from '../../transport/stripeRequest';
import {
	changeOf,
	createOutput,
	EmailMatcher,
	emailGroup,
	prepareCreateItem,
	type CreateItem,
} from './emailRule';
import { customerFieldProperties } from './fields';
import { createRerunNote, OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Create or Update',
	value: 'upsert',
	action: 'Create or update a customer',
	// n8n's lint asks for its upsert wording around what the operation does.
	description:
		'Create a new customer unless one has this exact email (in any case), or update the current one if it already exists (upsert)',
};

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Finds the Stripe customer with exactly this email (in any case) and updates it with the fields given, or creates it when there is none. Email is required. Returns customerId and action: created or updated.';

export const description: INodeProperties[] = [
	...customerFieldProperties({ operation: 'upsert' }),
	...OPTIONS_OF.upsert,
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	const matcher = new EmailMatcher(stripe, 'update', this.getNode());
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: `${createRerunNote(settings)} Updated customers are found by email again and updated again.`,
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, 'update', true),
		groupOf: (item) => emailGroup(item, 'update'),
		run: async (item, itemIndex, steps) => {
			const outcome = await matcher.createOrMatch(item, itemIndex, steps);
			return {
				json: [createOutput(outcome, true, item.returnFullCustomer)],
				change: changeOf(outcome),
			};
		},
	});
}
