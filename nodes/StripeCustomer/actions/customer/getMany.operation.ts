import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { runBatch } from '../../helpers/batch';
import {
	givenText,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { readLimit, RETURN_ALL_OR_LIMIT } from '../../helpers/listLimit';
import { keyAfterStoredError } from '../../helpers/idempotency';
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
			hint: "A time without a time zone is the workflow's time zone (Workflow settings → Timezone)",
		},
		{
			displayName: 'Created Before',
			name: 'createdBefore',
			type: 'dateTime',
			default: '',
			description: 'Only customers created before this time',
			hint: "A time without a time zone is the workflow's time zone (Workflow settings → Timezone)",
		},
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

/** What an AI Agent is told this operation does, when the node is its tool. */
export const toolDescription =
	'Lists Stripe customers, newest first: all of them (up to Limit), or only those with exactly this email, or created in a time range. Returns each customer with its ID and details.';

export const description: INodeProperties[] = [...RETURN_ALL_OR_LIMIT, filters, ...OPTIONS_OF.read];

interface ListQuery {
	params: Record<string, unknown>;
	limit?: number;
}

/** How far a time zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetMs(instant: number, timeZone: string): number {
	const format = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	});
	const part = Object.fromEntries(
		format.formatToParts(instant).map(({ type, value }) => [type, Number(value)]),
	);
	const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
	return wall - Math.floor(instant / 1000) * 1000;
}

const ZONELESS =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** A date and time as epoch milliseconds; one written without a time zone is a wall-clock time in `timeZone`. */
export function instantOf(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return value.getTime();
	// An expression may give n8n's DateTime ($now, DateTime.fromISO(…)).
	if (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { toMillis?: unknown }).toMillis === 'function'
	) {
		return (value as { toMillis(): number }).toMillis();
	}
	const given = givenText(value);
	if (given === undefined) return undefined;
	const zoneless = ZONELESS.exec(given);
	if (!zoneless) return Date.parse(given);
	const [year, month, day, hour, minute, second] = zoneless
		.slice(1, 7)
		.map((part) => Number(part ?? 0));
	const milli = Number((zoneless[7] ?? '0').padEnd(3, '0'));
	const wall = Date.UTC(year, month - 1, day, hour, minute, second, milli);
	// The offset at the wall time read as UTC, then at the instant found: right on both sides of a DST change.
	const first = wall - offsetMs(wall, timeZone);
	return wall - offsetMs(first, timeZone);
}

function unixSeconds(
	field: string,
	value: unknown,
	timeZone: string,
	problems: FieldProblem[],
): number | undefined {
	const time = instantOf(value, timeZone);
	if (time === undefined) return undefined;
	if (Number.isNaN(time)) {
		problems.push({
			field: `Filters → ${field}`,
			message: `"${givenText(value) ?? String(value)}" is not a date and time`,
		});
		return undefined;
	}
	return Math.floor(time / 1000);
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readSettings(this);
	const stripe = await StripeClient.connect(this, settings, {
		renewKeyAfterStoredError: keyAfterStoredError,
	});
	return await runBatch<ListQuery>(this, {
		concurrency: settings.concurrency,
		prepare: (itemIndex): Checked<ListQuery> => {
			const given = this.getNodeParameter('filters', itemIndex, {}) as Record<string, unknown>;
			const problems: FieldProblem[] = [];
			const timeZone = this.getTimezone();
			const after = unixSeconds('Created After', given.createdAfter, timeZone, problems);
			const before = unixSeconds('Created Before', given.createdBefore, timeZone, problems);
			const unencodable = unencodableText('Filters → Email', givenText(given.email));
			if (unencodable) problems.push(unencodable);
			if (problems.length) return { ok: false, problems };
			const created = {
				...(after !== undefined ? { gte: after } : {}),
				...(before !== undefined ? { lt: before } : {}),
			};
			const params = {
				email: givenText(given.email),
				created: Object.keys(created).length ? created : undefined,
			};
			return valid({ params, limit: readLimit(this, itemIndex) });
		},
		run: async (query) => {
			const customers: StripeCustomer[] = [];
			for await (const page of stripe.pages<StripeCustomer>(
				{ method: 'GET', path: '/v1/customers', params: query.params },
				query.limit,
			)) {
				customers.push(...page);
			}
			return { json: listOutput(customers) };
		},
	});
}
