import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from '../support/workflowRunner';

// Dates and times as n8n users give them: a time without a time zone is the workflow's (Workflow settings →
// Timezone), one with a zone or from an expression is that instant anywhere. (The picker's creation times in the
// workflow's time zone: test/actions/customer/customerPicker.test.ts.)

const { double, stripe } = useStripeDouble();

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{}],
	options: Partial<RunOptions> = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials: credentialsFor(double),
		...options,
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

describe("Get Many's Created After / Before are read in the workflow's time zone", () => {
	/** A Tokyo wall-clock time (UTC+9, no daylight saving time) as the editor's date picker gives it: no time zone. */
	const tokyoWallTime = (unixSeconds: number) =>
		new Date((unixSeconds + 9 * 3600) * 1000).toISOString().slice(0, 19);

	test('a time without a zone, in a workflow set to Asia/Tokyo, is Tokyo time', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const after = customer.created - 60;
		const listed = await run(
			{ operation: 'getMany', filters: { createdAfter: tokyoWallTime(after) } },
			[{}],
			{ timezone: 'Asia/Tokyo' },
		);
		expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customer.id]);
		expect(double.requests.at(-1)?.query.created).toEqual({ gte: String(after) });

		const notYet = await run(
			{ operation: 'getMany', filters: { createdBefore: tokyoWallTime(after) } },
			[{}],
			{ timezone: 'Asia/Tokyo' },
		);
		expect(jsonOf(notYet)).toEqual([]);
		expect(double.requests.at(-1)?.query.created).toEqual({ lt: String(after) });
	});

	test('a time with a zone, or a date from an expression, is that time anywhere', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const after = customer.created - 60;
		for (const createdAfter of [
			new Date(after * 1000).toISOString(),
			`={{ DateTime.fromSeconds(${after}) }}`,
		]) {
			await run({ operation: 'getMany', filters: { createdAfter } }, [{}], {
				timezone: 'Asia/Tokyo',
			});
			expect(double.requests.at(-1)?.query.created).toEqual({ gte: String(after) });
		}
	});
});
