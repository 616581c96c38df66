import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { Operation, OperationRun } from '../../helpers/operation';
import { customerFieldProperties, readClearing } from './customerFields';
import { createRerunNote, OPTIONS_OF, readCustomerOptions } from './customerOptions';
import { outputsOfVersion13 } from './customerOutput';
import {
	changeOf,
	createOutput,
	EmailMatcher,
	emailGroup,
	prepareCreateItem,
	type CreateItem,
} from './createOrMatch';

export const upsert: Operation = {
	value: 'upsert',
	name: 'Create or Update',
	action: 'Create or update a customer',
	// n8n's lint asks for its upsert wording around what the operation does.
	description:
		'Create a new customer unless one has this exact email (in any case), or update the current one if it already exists (upsert)',
	toolDescription:
		'Finds the Stripe customer with exactly this email (in any case) and updates it with the fields given, or creates it when there is none. Email is required. Returns customerId and action: created or updated.',
	permission: 'Customers: Write',
	properties: [...customerFieldProperties({ operation: 'upsert' }), ...OPTIONS_OF.upsert],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const matcher = new EmailMatcher(stripe, 'update', this.getNode());
	const explain = outputsOfVersion13(this.getNode().typeVersion);
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: `${createRerunNote(readCustomerOptions(this))} Updated customers are found by email again and updated again.`,
		customKeyOf: (item) => item.customKey,
		prepare: (itemIndex) =>
			prepareCreateItem(this, itemIndex, 'update', true, readClearing(this, itemIndex, 'upsert')),
		groupOf: (item) => emailGroup(item, 'update'),
		run: async (item, itemIndex, steps) => {
			const outcome = await matcher.createOrMatch(item, itemIndex, steps);
			return {
				json: [createOutput(outcome, true, item.returnFullCustomer, explain)],
				change: changeOf(outcome),
			};
		},
	});
}
