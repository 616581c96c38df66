import Stripe from 'stripe';

import { sleep } from 'n8n-workflow';

import type { StripeDouble } from './stripe-double';
import { startSilentPort } from './support/silentPort';
import { credentialsFor, SECRET_KEY, startDouble } from './support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from './support/workflowRunner';

// Every failure named for what it is (issue 16): a value that cannot be sent is the item's problem, found before any
// request; a host that never answers stops the run once; Stop stops; Stripe's retry advice is followed.

let double: StripeDouble;
beforeAll(async () => {
	double = await startDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const createParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'create',
	name: '={{ $json.name }}',
	email: '={{ $json.email }}',
	...extra,
});
const continueOnFail = { onError: 'continueRegularOutput' as const };
const posts = () => double.requests.filter((request) => request.method === 'POST');

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{ name: 'Ada', email: 'ada@example.com' }],
	extra: Partial<RunOptions> & { onError?: 'continueRegularOutput' } = {},
): Promise<RunResult> {
	const { onError, ...options } = extra;
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never, onError },
		credentials: credentialsFor(double),
		...options,
	});
}

/** Resolves once `condition` holds, checked as the double records requests. */
async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(5);
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

	test('an exception in the HTTP call that is not the network (a port out of range) is told with its own message, not retried', async () => {
		const result = await runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: { parameters: createParameters({ options: { maxRetries: 3 } }) as never },
			credentials: credentialsFor(double, { baseUrl: 'http://127.0.0.1:99999' }),
		});
		expect(result.error?.message).toBe('[item 0] The request to Stripe failed in n8n: Invalid URL');
		expect(result.error?.description).toMatch(
			/^This is not a network problem, so it was not retried\. /,
		);
	});
});

describe('a custom idempotency key travels as it was given, or encoded so that two keys never become one', () => {
	test('keys 订单-42 and 发票-42: two customers, two keys at Stripe, each sent once', async () => {
		const result = await run(
			createParameters({
				options: { idempotency: 'custom', idempotencyKey: '={{ $json.order }}' },
			}),
			[
				{ name: 'Order', email: 'order@example.com', order: '订单-42' },
				{ name: 'Invoice', email: 'invoice@example.com', order: '发票-42' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(double.customers).toHaveLength(2);
		expect(
			posts()
				.map((request) => request.idempotencyKey)
				.sort(),
		).toEqual(['%E5%8F%91%E7%A5%A8-42', '%E8%AE%A2%E5%8D%95-42']);
	});

	test('a key of visible ASCII is sent unchanged; one with % or a space is encoded, so it cannot equal another key', async () => {
		const result = await run(
			createParameters({
				options: { idempotency: 'custom', idempotencyKey: '={{ $json.order }}' },
			}),
			[
				{ name: 'Plain', email: 'plain@example.com', order: 'order-42/A_b.c' },
				{ name: 'Percent', email: 'percent@example.com', order: '50%-off 2' },
				{ name: 'Looks encoded', email: 'encoded@example.com', order: '50%25-off%202' },
			],
		);
		expect(result.error).toBeUndefined();
		expect(posts().map((request) => request.idempotencyKey)).toEqual([
			'order-42/A_b.c',
			'50%25-off%202',
			'50%2525-off%25202',
		]);
		expect(double.customers).toHaveLength(3);
	});

	test('a key longer than Stripe allows once encoded is refused, naming the field and the length; nothing sent', async () => {
		const result = await run(
			createParameters({ options: { idempotency: 'custom', idempotencyKey: '订'.repeat(30) } }),
		);
		expect(result.error?.message).toBe(
			'[item 0] Options → Idempotency Key: Stripe accepts at most 255 characters; this key has 270 once encoded (characters other than visible ASCII, spaces and % are sent as %XX UTF-8 bytes)',
		);
		expect(double.requests).toHaveLength(0);
	});

	test("a custom key may not look like the node's own keys", async () => {
		const result = await run(
			createParameters({ options: { idempotency: 'custom', idempotencyKey: 'n8n-sc:email:abc' } }),
		);
		expect(result.error?.message).toMatch(
			/^\[item 0\] Options → Idempotency Key: keys starting with "n8n-sc:" are the node's own/,
		);
		expect(double.requests).toHaveLength(0);
	});
});

describe('a host that accepts connections and never answers', () => {
	test('stops the run at the first timeout with one node-level error naming the host and the timeout', async () => {
		const silent = await startSilentPort();
		try {
			const items = Array.from({ length: 6 }, (_, index) => ({
				name: `Silent ${index}`,
				email: `silent-${index}@example.com`,
			}));
			const result = await runStripeCustomerWorkflow({
				items,
				node: {
					parameters: createParameters({
						options: { timeout: 1, maxRetries: 2, concurrency: 2 },
					}) as never,
				},
				credentials: {
					stripeCustomerApi: {
						secretKey: SECRET_KEY,
						baseUrl: `http://127.0.0.1:${silent.port}`,
						stripeAccount: '',
					},
				},
			});
			expect(result.error?.message).toBe(
				`Stripe did not answer within 1 s at 127.0.0.1:${silent.port} (the credential's API Base URL)`,
			);
			expect(result.error?.description).toMatch(
				/^No request of this run got any answer, so the run stopped at the first timeout/,
			);
			// The requests in flight when the first timed out (Concurrency 2), not items × tries (18).
			expect(silent.connectionsAccepted()).toBeLessThanOrEqual(2);
		} finally {
			await silent.close();
		}
	});

	test('a request that times out after Stripe answered others is retried with the same key: one customer per item', async () => {
		double.failNext(1, { delayMs: 3000 }, 'POST /v1/customers/:id');
		const customer = await new Stripe(SECRET_KEY, {
			host: '127.0.0.1',
			port: double.port,
			protocol: 'http',
			maxNetworkRetries: 0,
		}).customers.create({
			email: 'ada@example.com',
		});
		// Create or Update: the lookup is answered, then the update waits longer than the Timeout.
		const result = await run(
			{
				operation: 'upsert',
				email: 'ada@example.com',
				name: 'Ada Lovelace',
				options: { timeout: 1, maxRetries: 5 },
			},
			[{}],
		);
		expect(result.error).toBeUndefined();
		const updates = posts().filter((request) => request.path === `/v1/customers/${customer.id}`);
		expect(updates.length).toBeGreaterThanOrEqual(2);
		expect(new Set(updates.map((request) => request.idempotencyKey)).size).toBe(1);
		expect(double.customers).toHaveLength(1);
	});
});

describe('Stop stops: after n8n cancels the execution, nothing more is sent', () => {
	test('cancelled while 429s hold the node back: no request after the cancel, the items not done are not sent', async () => {
		double.failNext(1000, { status: 429 });
		const items = Array.from({ length: 4 }, (_, index) => ({
			name: `Held ${index}`,
			email: `held-${index}@example.com`,
		}));
		let cancelledAt = 0;
		const cancelWhen = until(() => (double.stats().status[429] ?? 0) >= 3).then(
			() => (cancelledAt = Date.now()),
		);
		const result = await run(
			createParameters({ options: { concurrency: 1, rateLimitWait: 8 } }),
			items,
			{ cancelWhen },
		);
		expect(result.run.status).toBe('canceled');
		expect(cancelledAt).toBeGreaterThan(0);
		expect(double.requests.filter((request) => request.at > cancelledAt)).toEqual([]);
		// Only the first item was ever sent.
		expect(new Set(posts().map((request) => request.params.email))).toEqual(
			new Set(['held-0@example.com']),
		);
		expect(double.customers).toHaveLength(0);
	});

	test('cancelled with a request in flight: the request is abandoned and the next items are not sent', async () => {
		double.failNext(1, { delayMs: 3000 });
		let cancelledAt = 0;
		const cancelWhen = until(() => posts().length === 1).then(() => (cancelledAt = Date.now()));
		const items = [
			{ name: 'Slow', email: 'slow@example.com' },
			{ name: 'Next', email: 'next@example.com' },
		];
		const result = await run(createParameters({ options: { concurrency: 1 } }), items, {
			cancelWhen,
		});
		expect(result.run.status).toBe('canceled');
		expect(double.requests.filter((request) => request.at > cancelledAt)).toEqual([]);
		expect(posts()).toHaveLength(1);
		// What a cancelled run leaves behind: Stripe finishes a request it received, answered or not.
		await until(() => double.customers.length === 1);
		expect(double.customers[0].params.email).toBe('slow@example.com');
	});
});

describe("Stripe's retry advice and Rate-Limit Wait bound every 429", () => {
	test('a 429 with Stripe-Should-Retry: false is not retried, and the item says so', async () => {
		double.failNext(1, { status: 429, shouldRetry: false });
		const result = await run(createParameters(), undefined, continueOnFail);
		expect(posts()).toHaveLength(1);
		expect(result.output![0].json.error).toMatch(
			/^\[item 0\] Stripe: .*said not to retry this request \(Stripe-Should-Retry: false\)/,
		);
		expect(double.customers).toHaveLength(0);
	});

	test("one request answered 429 again and again fails after Rate-Limit Wait, though the account's other requests get through", async () => {
		const stripe = new Stripe(SECRET_KEY, {
			host: '127.0.0.1',
			port: double.port,
			protocol: 'http',
			maxNetworkRetries: 0,
		});
		await stripe.customers.create({ email: 'existing@example.com' });
		// Updates of existing customers are always refused; creates of new ones get through, slowly (5 per second).
		double.failNext(10_000, { status: 429 }, 'POST /v1/customers/:id');
		const items = [
			{ email: 'existing@example.com', name: 'Existing' },
			...Array.from({ length: 12 }, (_, index) => ({
				email: `new-${index}@example.com`,
				name: `New ${index}`,
			})),
		];
		const result = await run(
			{
				operation: 'upsert',
				email: '={{ $json.email }}',
				name: '={{ $json.name }}',
				options: {
					rateLimitWait: 1,
					requestsPerSecond: 5,
					adaptiveRateLimit: false,
					concurrency: 2,
				},
			},
			items,
			continueOnFail,
		);
		expect(result.output![0].json.error).toMatch(
			/^\[item 0\] Stripe: .*\(rate-limited for 1 s while other requests of this account got through: /,
		);
		expect(result.output!.slice(1).every((item) => item.json.error === undefined)).toBe(true);
		expect(double.customers).toHaveLength(13);
	});
});

// Last in this file: Stripe's Retry-After pauses the account's limiter (shared by the runs of this process) for its length.
describe("Stop ends Stripe's Retry-After wait", () => {
	test("cancelled during Stripe's Retry-After (20 s): the node returns before it is over, and the retry is never sent", async () => {
		double.setRetryAfter(20);
		double.failNext(1, { status: 429 });
		let cancelledAt = 0;
		const cancelWhen = until(() => posts().length === 1 && posts()[0].status === 429).then(
			() => (cancelledAt = Date.now()),
		);
		const result = await run(createParameters({ options: { rateLimitWait: 60 } }), undefined, {
			cancelWhen,
		});
		const nodeReturnedAt = Date.now();
		expect(result.run.status).toBe('canceled');
		expect(double.requests.filter((request) => request.at > cancelledAt)).toEqual([]);
		expect(posts()).toHaveLength(1);
		// An order of events 20 s apart, not a duration: the node returned while Stripe's Retry-After still ran.
		expect(nodeReturnedAt).toBeLessThan(posts()[0].at + 20_000);
	});
});
