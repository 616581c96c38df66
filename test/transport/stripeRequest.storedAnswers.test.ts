import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow, type RunResult } from '../support/workflowRunner';

// Stripe stores the answer of an idempotent request that began executing, whatever it was (a 402 decline, a 400 from
// the work, a 500), and replays it for the same key for 24 hours with Idempotent-Replayed: true (issue 17, item 1).
// Retrying with that key cannot heal it: the node either moves to a new key of its own, or says so.

const { double } = useStripeDouble();

const continueOnFail = { onError: 'continueRegularOutput' as const };
const createParameters = (
	options: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
) => ({
	operation: 'create',
	name: '={{ $json.name }}',
	email: '={{ $json.email }}',
	options: { maxRetries: 3, ...options },
	...extra,
});
const ada = { name: 'Ada', email: 'ada@example.com' };
const customerPosts = () =>
	double.requests.filter(
		(request) => request.method === 'POST' && request.path === '/v1/customers',
	);

function run(parameters: Record<string, unknown>, executionId?: string): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: [ada],
		node: { parameters: parameters as never, ...continueOnFail },
		credentials: credentialsFor(double),
		executionId,
	});
}

/** A 500 Stripe stored after the work was rolled back, with Stripe's advice to retry. */
const storedRetryable500 = { status: 500, after: 'rollback', shouldRetry: true } as const;

describe('a stored 500 with Stripe-Should-Retry: true and a key of the node: a new key, derived from the old one', () => {
	test.each([
		['Per Input', { idempotency: 'perInput' }],
		['Per Execution', { idempotency: 'perExecution' }],
	])(
		'%s: the same key once more (replayed), then <key>:retry:1 creates the customer',
		async (_mode, options) => {
			double.failNext(1, storedRetryable500);
			const result = await run(createParameters(options), 'execution-1');
			expect(result.output![0].json.error).toBeUndefined();
			const [first, replay, renewed] = customerPosts();
			expect([first.status, replay.status, replay.replayed, renewed.status]).toEqual([
				500,
				500,
				true,
				200,
			]);
			expect(replay.idempotencyKey).toBe(first.idempotencyKey);
			expect(renewed.idempotencyKey).toBe(`${first.idempotencyKey}:retry:1`);
			expect(customerPosts()).toHaveLength(3);
			expect(double.customers).toHaveLength(1);
			expect(result.output![0].json.customerId).toBe(double.customers[0].id);
		},
	);

	test('a re-run (Per Input) follows the same keys: the stored 500, then the customer made under <key>:retry:1', async () => {
		double.failNext(1, storedRetryable500);
		const first = await run(createParameters());
		const sentFirst = customerPosts().length;
		const again = await run(createParameters());
		const rerun = customerPosts().slice(sentFirst);
		expect(rerun.map((request) => [request.status, request.replayed])).toEqual([
			[500, true],
			[200, true],
		]);
		expect(rerun[1].idempotencyKey).toBe(`${rerun[0].idempotencyKey}:retry:1`);
		expect(again.output![0].json.customerId).toBe(first.output![0].json.customerId);
		expect(double.customers).toHaveLength(1);
	});

	test('Create or Update of a new email (a key by email): the same, under <email key>:retry:1', async () => {
		double.failNext(1, storedRetryable500, 'POST /v1/customers');
		const result = await run({
			operation: 'upsert',
			email: '={{ $json.email }}',
			name: '={{ $json.name }}',
			options: { maxRetries: 3 },
		});
		expect(result.output![0].json.error).toBeUndefined();
		const keys = customerPosts().map((request) => request.idempotencyKey);
		expect(keys).toEqual([keys[0], keys[0], `${keys[0]}:retry:1`]);
		expect(keys[0]).toMatch(/^n8n-sc:email:/);
		expect(double.customers).toHaveLength(1);
	});
});

describe('a stored answer the node cannot heal is an item error that says Stripe will replay it', () => {
	test("a custom key is never changed: the replayed 500 is reported as Stripe's stored answer for 24 hours", async () => {
		double.failNext(1, storedRetryable500);
		const result = await run(
			createParameters({ idempotency: 'custom', idempotencyKey: 'order-42' }),
		);
		expect(customerPosts().map((request) => [request.idempotencyKey, request.replayed])).toEqual([
			['order-42', false],
			['order-42', true],
		]);
		const item = result.output![0].json;
		expect(item.error).toMatch(
			/^\[item 0\] Stripe: .*\(Stripe's stored answer to this idempotency key, replayed: Stripe gives this answer to this key for 24 hours\)$/,
		);
		expect(item).toMatchObject({ statusCode: 500, replayed: true, shouldRetry: true });
		expect(double.customers).toHaveLength(0);
	});

	test('a stored 500 Stripe says not to retry: sent once, and a re-run gets the replay, reported as such, not retried', async () => {
		double.failNext(1, { status: 500, after: 'rollback' });
		const first = await run(createParameters());
		expect(customerPosts()).toHaveLength(1);
		expect(first.output![0].json.error).toMatch(/^\[item 0\] Stripe: /);
		const again = await run(createParameters());
		expect(customerPosts().map((request) => request.replayed)).toEqual([false, true]);
		expect(again.output![0].json).toMatchObject({
			statusCode: 500,
			replayed: true,
			shouldRetry: false,
		});
		expect(again.output![0].json.error).toMatch(
			/Stripe gives this answer to this key for 24 hours\)$/,
		);
		expect(double.customers).toHaveLength(0);
	});

	test("a declined card's stored 402, replayed on a re-run, is the decline again: not retried, no new key", async () => {
		const declined = createParameters(
			{ maxRetries: 5 },
			{ additionalFields: { source: 'tok_chargeDeclined' } },
		);
		const first = await run(declined);
		const again = await run(declined);
		expect(customerPosts().map((request) => [request.status, request.replayed])).toEqual([
			[402, false],
			[402, true],
		]);
		expect(new Set(customerPosts().map((request) => request.idempotencyKey)).size).toBe(1);
		expect(first.output![0].json).toMatchObject({ statusCode: 402, code: 'card_declined' });
		expect(again.output![0].json).toMatchObject({
			statusCode: 402,
			code: 'card_declined',
			replayed: true,
		});
		expect(again.output![0].json.error).toMatch(/^\[item 0\] Stripe: Your card was declined\./);
		expect(double.customers).toHaveLength(0);
	});
});
