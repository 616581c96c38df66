import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { connect, createOptions } from './common';
import { createOutput, EmailMatcher, emailGroup, prepareCreateItem, type CreateItem, type EmailRule } from './emailRule';
import { customerFieldProperties } from './fields';

export const option = {
	name: 'Create',
	value: 'create',
	action: 'Create a customer',
	description: 'Create a customer, one per input item',
};

export const description: INodeProperties[] = [...customerFieldProperties(), createOptions];

export const RERUN_NOTE = {
	perInput:
		'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these customers instead of creating them again (Options → Idempotency: Per Input).',
	perExecution:
		'Retry On Fail (the same execution) returns these customers instead of creating them again; a new execution would create them again (Options → Idempotency: Per Execution).',
	custom: 'Running again with the same Idempotency Keys (within 24 hours) returns these customers instead of creating them again.',
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { stripe, options } = await connect(this);
	const rule: EmailRule = options.ifEmailExists ?? 'create';
	const matcher = new EmailMatcher(stripe, rule, this.getNode());
	return await runBatch<CreateItem>(this, {
		concurrency: options.concurrency ?? 10,
		rerunNote: RERUN_NOTE[options.idempotency ?? (options.idempotencyKey ? 'custom' : 'perInput')],
		prepare: (itemIndex) => prepareCreateItem(this, itemIndex, false),
		// Same email (with an email rule) or same key: one after another, so the first creates and the rest reuse.
		groupOf: (item) => emailGroup(item, rule) ?? `key:${item.createKey}`,
		run: async (item, itemIndex) => {
			const outcome = await matcher.createOrMatch(item, itemIndex);
			return {
				json: [createOutput(outcome, rule !== 'create', item.returnFullCustomer)],
				change: outcome.action === 'existing' ? undefined : `${outcome.customer.id} (${outcome.action})`,
			};
		},
	});
}
