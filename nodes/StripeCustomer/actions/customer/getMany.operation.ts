import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import { givenText, valid, type Checked, type FieldProblem } from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import { StripeClient } from '../../transport/stripeRequest';
import type { StripeCustomer } from './customerApi';
import { listOutput } from './output';
import { OPTIONS_OF, readSettings } from './settings';

export const option = {
	name: 'Get Many',
	value: 'getMany',
	action: 'Get many customers',
	description: 'List customers, newest first, optionally by email or creation date',
};

const filters: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		{
			displayName: 'Created After',
			name: 'createdAfter',
			type: 'dateTime',
			default: '',
			description: 'Only customers created at or after this time',
		},
		{
			displayName: 'Created Before',
			name: 'createdBefore',
			type: 'dateTime',
			default: '',
			description: 'Only customers created before this time',
		},
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			description: 'Only customers with exactly this email (case-sensitive); unlike Search, this is up to date at once',
		},
	],
};

export const description: INodeProperties[] = [...RETURN_ALL_OR_LIMIT, filters, OPTIONS_OF.read];

interface ListQuery {
	params: Record<string, unknown>;
	limit?: number;
}

function unixSeconds(field: string, value: unknown, problems: FieldProblem[]): number | undefined {
	const given = givenText(value);
	if (given === undefined) return undefined;
	const time = Date.parse(given);
	if (Number.isNaN(time)) {
		problems.push({ field: `Filters → ${field}`, message: `"${given}" is not a date and time` });
		return undefined;
	}
	return Math.floor(time / 1000);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings);
	return await runBatch<ListQuery>(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex): Checked<ListQuery> => {
			const given = this.getNodeParameter('filters', itemIndex, {}) as Record<string, unknown>;
			const problems: FieldProblem[] = [];
			const after = unixSeconds('Created After', given.createdAfter, problems);
			const before = unixSeconds('Created Before', given.createdBefore, problems);
			if (problems.length) return { ok: false, problems };
			const created = { ...(after !== undefined ? { gte: after } : {}), ...(before !== undefined ? { lt: before } : {}) };
			const params = { email: givenText(given.email), created: Object.keys(created).length ? created : undefined };
			return valid({ params, limit: readLimit(this, itemIndex) });
		},
		run: async (query) => {
			const customers: StripeCustomer[] = [];
			for await (const page of stripe.pages<StripeCustomer>({ method: 'GET', path: '/v1/customers', params: query.params }, query.limit)) {
				customers.push(...page);
			}
			return { json: listOutput(customers) };
		},
	});
}
