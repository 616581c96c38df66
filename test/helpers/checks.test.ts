import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow, type RunResult } from '../support/workflowRunner';

// The local checks of an item before anything is sent: a text that holds half of an emoji (a lone UTF-16 surrogate,
// as .slice() can leave one) has no UTF-8 form, so it is an error of its item naming the field and the position.

const { double } = useStripeDouble();

const createParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'create',
	name: '={{ $json.name }}',
	email: '={{ $json.email }}',
	...extra,
});

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{ name: 'Ada', email: 'ada@example.com' }],
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials: credentialsFor(double),
	});
}

describe('a value that cannot be sent is an error of its item, naming the field, before any request', () => {
	const halfEmoji = '😀'.slice(0, 1);

	test('a metadata key with half of an emoji: the field and the key, nothing sent', async () => {
		const result = await run(
			createParameters({
				additionalFields: { metadata: { entry: [{ key: `tag${halfEmoji}`, value: 'x' }] } },
			}),
		);
		expect(result.error?.message).toMatch(
			/^\[item 0\] Metadata: metadata\[\(a key\) tag.\] contains half of an emoji \(a lone UTF-16 surrogate\) at position 3/,
		);
		expect(double.requests).toHaveLength(0);
	});

	test('a search query with half of an emoji: an error naming Query, nothing sent', async () => {
		const result = await run({ operation: 'search', query: `name~'Zoë${halfEmoji}'` }, [{}]);
		expect(result.error?.message).toBe(
			'[item 0] Query: contains half of an emoji (a lone UTF-16 surrogate) at position 9, which cannot be sent: the text was probably cut in the middle of an emoji (e.g. by .slice()); cut it elsewhere or remove that character',
		);
		expect(double.requests).toHaveLength(0);
	});

	test("Get Many's email filter with half of an emoji: an error naming the filter, nothing sent", async () => {
		const result = await run(
			{ operation: 'getMany', filters: { email: `ada${halfEmoji}@example.com` } },
			[{}],
		);
		expect(result.error?.message).toMatch(
			/^\[item 0\] Filters → Email: contains half of an emoji .* at position 3/,
		);
		expect(double.requests).toHaveLength(0);
	});
});

test('a text with half of an emoji (cut by .slice()) is an error naming the field and the position; nothing is sent', async () => {
	const result = await run(
		{ operation: 'create', name: '={{ $json.name.slice(0, 5) }}', email: '={{ $json.email }}' },
		[
			{ name: 'Ada 🙂 Lovelace', email: 'ada@example.com' },
			{ name: 'Grace Hopper', email: 'grace@example.com' },
		],
	);
	expect(result.error?.message).toBe(
		'[item 0] Name: contains half of an emoji (a lone UTF-16 surrogate) at position 4, which cannot be sent: the text was probably cut in the middle of an emoji (e.g. by .slice()); cut it elsewhere or remove that character',
	);
	expect(double.requests).toHaveLength(0);
});
