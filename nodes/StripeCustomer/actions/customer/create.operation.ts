import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import type { Operation, OperationRun } from '../../helpers/operation';
import { customerFieldProperties } from './customerFields';
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

export const create: Operation = {
	value: 'create',
	name: 'Create',
	action: 'Create a customer',
	description: 'Create a customer, one per input item',
	toolDescription:
		'Creates one Stripe customer from the fields given (name, email, phone, customer description, billing address, shipping and more) and returns its ID as customerId. Fill only what you know: an empty field is not sent.',
	permission: 'Customers: Write',
	properties: [...customerFieldProperties({ operation: 'create' }), ...OPTIONS_OF.create],
	execute,
};

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	const options = readCustomerOptions(this);
	const rule = options.ifEmailExists;
	const matcher = new EmailMatcher(stripe, rule, this.getNode());
	const explain = outputsOfVersion13(this.getNode().typeVersion);
	return await runBatch<CreateItem>(this, {
		concurrency: settings.concurrency,
		rerunNote: createRerunNote(options),
		customKeyOf: (item) => item.customKey,
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, rule),
		// Same email (with an email rule) or same key: one after another, so the first creates and the rest reuse.
		groupOf: (item) => emailGroup(item, rule) ?? `key:${item.createKey}`,
		run: async (item, itemIndex, steps) => {
			const outcome = await matcher.createOrMatch(item, itemIndex, steps);
			return {
				json: [createOutput(outcome, rule !== 'create', item.returnFullCustomer, explain)],
				change: changeOf(outcome),
			};
		},
	});
}
