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
	name: 'Create',
	value: 'create',
	action: 'Create a customer',
	description: 'Create a customer, one per input item',
};

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Creates one Stripe customer from the fields given (name, email, phone, customer description, billing address, shipping and more) and returns its ID as customerId. Fill only what you know: an empty field is not sent.';

export const description: INodeProperties[] = [
	...customerFieldProperties({ operation: 'create' }),
	...OPTIONS_OF.create,
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	const rule = settings.ifEmailExists;
	const matcher = new EmailMatcher(stripe, rule, this.getNode());
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: createRerunNote(settings),
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, rule),
		// Same email (with an email rule) or same key: one after another, so the first creates and the rest reuse.
		groupOf: (item) => emailGroup(item, rule) ?? `key:${item.createKey}`,
		run: async (item, itemIndex, steps) => {
			const outcome = await matcher.createOrMatch(item, itemIndex, steps);
			return {
				json: [createOutput(outcome, rule !== 'create', item.returnFullCustomer)],
				change: changeOf(outcome),
			};
		},
	});
}
