import type { INodeProperties } from 'n8n-workflow';

import { givenText, type FieldProblem } from './checks';

// Dates and times as n8n users give them: a time written without a time zone is the workflow's time zone
// (Workflow settings → Timezone), as n8n's own date fields are.

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

/** A date-time field's value as Unix seconds; a value that is not a date and time is a problem of `field`. */
export function unixSecondsOf(
	field: string,
	value: unknown,
	timeZone: string,
	problems: FieldProblem[],
): number | undefined {
	const time = instantOf(value, timeZone);
	if (time === undefined) return undefined;
	if (Number.isNaN(time)) {
		problems.push({
			field,
			message: `"${givenText(value) ?? String(value)}" is not a date and time`,
		});
		return undefined;
	}
	return Math.floor(time / 1000);
}

/** A Unix time as "2025-01-02 14:03" in a time zone (the workflow's). */
export function wallClockText(unixSeconds: number, timeZone: string): string {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
	}).formatToParts(unixSeconds * 1000);
	const part = Object.fromEntries(parts.map(({ type, value }) => [type, value]));
	return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

const IN_WORKFLOW_TIME_ZONE =
	"A time without a time zone is the workflow's time zone (Workflow settings → Timezone)";

/** A list's Created After / Created Before filters (`objects`: "customers", "transactions"). */
export function createdRangeFilters(objects: string): INodeProperties[] {
	return [
		{
			displayName: 'Created After',
			name: 'createdAfter',
			type: 'dateTime',
			default: '',
			description: `Only ${objects} created at or after this time`,
			hint: IN_WORKFLOW_TIME_ZONE,
		},
		{
			displayName: 'Created Before',
			name: 'createdBefore',
			type: 'dateTime',
			default: '',
			description: `Only ${objects} created before this time`,
			hint: IN_WORKFLOW_TIME_ZONE,
		},
	];
}

/** A list's creation time range in Unix seconds: after inclusive, before exclusive. */
export interface CreatedRange {
	createdAfter?: number;
	createdBefore?: number;
}

/** The range a Filters collection holding `createdRangeFilters` gives; a value that is no time is a problem. */
export function readCreatedRange(
	filters: Record<string, unknown>,
	timeZone: string,
	problems: FieldProblem[],
): CreatedRange {
	return {
		createdAfter: unixSecondsOf(
			'Filters → Created After',
			filters.createdAfter,
			timeZone,
			problems,
		),
		createdBefore: unixSecondsOf(
			'Filters → Created Before',
			filters.createdBefore,
			timeZone,
			problems,
		),
	};
}

/** Stripe's `created` list parameter for a range; undefined when neither end is given. */
export function createdParam({
	createdAfter,
	createdBefore,
}: CreatedRange): { gte?: number; lt?: number } | undefined {
	if (createdAfter === undefined && createdBefore === undefined) return undefined;
	return {
		...(createdAfter !== undefined ? { gte: createdAfter } : {}),
		...(createdBefore !== undefined ? { lt: createdBefore } : {}),
	};
}
