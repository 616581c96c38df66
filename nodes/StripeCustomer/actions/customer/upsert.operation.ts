import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { StripeClient } from '../../transport/stripeRequest';
import { changeOf, createOutput, EmailMatcher, emailGroup, prepareCreateItem, type CreateItem } from './emailRule';
import { customerFieldProperties } from './fields';
import { createRerunNote, OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Create or Update',
	value: 'upsert',
	action: 'Create or update a customer',
	description: 'Create a new record, or update the current one if it already exists (upsert)',
};

export const description: INodeProperties[] = [...customerFieldProperties({ emailRequired: true }), OPTIONS_OF.upsert];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings);
	const matcher = new EmailMatcher(stripe, 'update', this.getNode());
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: `${createRerunNote(settings)} Updated customers are found by email again and updated again.`,
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, 'update', true),
		groupOf: (item) => emailGroup(item, 'update'),
		run: async (item, itemIndex, steps) => {
			const outcome = await matcher.createOrMatch(item, itemIndex, steps);
			return { json: [createOutput(outcome, true, item.returnFullCustomer)], change: changeOf(outcome) };
		},
	});
}
