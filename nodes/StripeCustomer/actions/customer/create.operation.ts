import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { connect, createOptions, createRerunNote } from './common';
import { changeOf, createOutput, EmailMatcher, emailGroup, prepareCreateItem, type CreateItem, type EmailRule } from './emailRule';
import { customerFieldProperties } from './fields';

export const option = {
	name: 'Create',
	value: 'create',
	action: 'Create a customer',
	description: 'Create a customer, one per input item',
};

export const description: INodeProperties[] = [...customerFieldProperties(), createOptions];


export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	const rule: EmailRule = options.ifEmailExists ?? 'create';
	const matcher = new EmailMatcher(stripe, rule, this.getNode());
	return await runBatch<CreateItem>(this, {
		concurrency: options.concurrency ?? 10,
		rerunNote: createRerunNote(options),
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, rule),
		// Same email (with an email rule) or same key: one after another, so the first creates and the rest reuse.
		groupOf: (item) => emailGroup(item, rule) ?? `key:${item.createKey}`,
		run: async (item, itemIndex) => {
			const outcome = await matcher.createOrMatch(item, itemIndex);
			return {
				json: [createOutput(outcome, rule !== 'create', item.returnFullCustomer)],
				change: changeOf(outcome),
			};
		},
	});
}
