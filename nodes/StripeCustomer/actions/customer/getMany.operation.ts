import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import {
	givenText,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { createdRangeFilters, readCreatedRange } from '../../helpers/dateTime';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import type { Operation, OperationRun } from '../../helpers/operation';
import { listOutput } from '../../helpers/output';
import { listCustomers, type CustomerListFilter } from './customerApi';
import { OPTIONS_OF } from './customerOptions';

const filters: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		...createdRangeFilters('customers'),
		{
			displayName: 'Email',
			name: 'email',
			type: 'string',
			default: '',
			placeholder: 'name@email.com',
			hint: 'Exact and case-sensitive at Stripe (Ada@example.com is not ada@example.com). When no customer matches, n8n stops this branch: turn on Settings → Always Output Data to go on with an empty item',
			description:
				'Only customers with exactly this email; unlike Search, this is up to date at once',
		},
	],
};

export const getMany: Operation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many customers',
	description: 'List customers, newest first, optionally by email or creation date',
	toolDescription:
		'Lists Stripe customers, newest first: all of them (up to Limit), or only those with exactly this email, or created in a time range. Returns each customer with its ID and details.',
	permission: 'Customers: Read',
	properties: [...RETURN_ALL_OR_LIMIT, filters, ...OPTIONS_OF.read],
	execute,
};

interface ListQuery {
	filter: CustomerListFilter;
	limit?: number;
}

async function execute(
	this: IExecuteFunctions,
	{ stripe, settings }: OperationRun,
): Promise<INodeExecutionData[]> {
	return await runBatch<ListQuery>(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex): Checked<ListQuery> => {
			const given = this.getNodeParameter('filters', itemIndex, {}) as Record<string, unknown>;
			const problems: FieldProblem[] = [];
			const created = readCreatedRange(given, this.getTimezone(), problems);
			const unencodable = unencodableText('Filters → Email', givenText(given.email));
			if (unencodable) problems.push(unencodable);
			if (problems.length) return { ok: false, problems };
			const filter = { email: givenText(given.email), ...created };
			return valid({ filter, limit: readLimit(this, itemIndex) });
		},
		run: async (query) => ({
			json: listOutput(await listCustomers(stripe, query.filter, query.limit), 'customer'),
		}),
	});
}
