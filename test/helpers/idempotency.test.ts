import type Stripe from 'stripe';

import { credentialsFor, SECRET_KEY } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import {
	instanceIdOf,
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from '../support/workflowRunner';

// Idempotency keys: when a batch fails part-way, is run again, or runs on another n8n instance, no customer goes
// unreported, no re-run creates one twice unless the user chose so, and no two n8n instances collide; a custom key
// travels as given (or encoded, never shortened) and makes a create safe, never an update.

const RESTRICTED_KEY = SECRET_KEY.replace(/^sk_test_/, 'rk_test_');
const { double, stripe } = useStripeDouble({ secretKeys: [SECRET_KEY, RESTRICTED_KEY] });

const people = Array.from({ length: 5 }, (_, index) => ({
	fullName: `Person ${index}`,
	mail: `person-${index}@example.com`,
}));

const createParameters = (options: Record<string, unknown> = {}) => ({
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.mail }}',
	options,
});

function run(options: Partial<RunOptions> & { parameters?: Record<string, unknown> } = {}) {
	const { parameters, ...rest } = options;
	return runStripeCustomerWorkflow({
		items: people,
		node: { parameters: (parameters ?? createParameters()) as never },
		credentials: credentialsFor(double),
		...rest,
	});
}

const emails = () => double.customers.map((customer) => customer.params.email).sort();

const postsSent = () => double.requests.filter((request) => request.method === 'POST');
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

describe('two n8n instances (their own databases, so the same execution IDs) on one Stripe account', () => {
	test.each(['perExecution', 'perInput'])(
		'with Idempotency %s, each instance gets its own customers; neither fails',
		async (idempotency) => {
			expect(instanceIdOf('production')).not.toBe(instanceIdOf('staging'));
			const parameters = createParameters({ idempotency });
			const production = await run({ instance: 'production', executionId: '1', parameters });
			const staging = await run({ instance: 'staging', executionId: '1', parameters });
			expect(production.error).toBeUndefined();
			expect(staging.error).toBeUndefined();
			expect(double.customers).toHaveLength(10);
			expect(double.requests.filter((request) => request.replayed)).toHaveLength(0);
			const keysOf = (result: typeof production) =>
				result.output!.map(
					(item) => double.customers.find((c) => c.id === item.json.customerId)!.idempotencyKey,
				);
			expect(new Set([...keysOf(production), ...keysOf(staging)]).size).toBe(10);
			for (const key of keysOf(production)) expect(key!.length).toBeLessThanOrEqual(255);
		},
	);
});

describe('On Error "Stop": a Stripe error on one item', () => {
	const withBadEmail = people.map((person, index) =>
		index === 2 ? { ...person, mail: 'bad@localhost' } : person,
	);

	test('every other item is still sent, and the error lists what the run created, item by item', async () => {
		const result = await run({ items: withBadEmail });
		expect(result.output).toBeUndefined();
		expect(result.error?.message).toMatch(/^\[item 2\] Stripe: .*bad@localhost/);
		expect(emails()).toEqual([
			'person-0@example.com',
			'person-1@example.com',
			'person-3@example.com',
			'person-4@example.com',
		]);
		const idOf = (email: string) =>
			double.customers.find((customer) => customer.params.email === email)!.id;
		expect(result.error?.description).toContain(
			[
				'Done before the run stopped (4 items):',
				`- item 0 → ${idOf('person-0@example.com')} (created)`,
				`- item 1 → ${idOf('person-1@example.com')} (created)`,
				`- item 3 → ${idOf('person-3@example.com')} (created)`,
				`- item 4 → ${idOf('person-4@example.com')} (created)`,
				'Running the node again with the same items (Retry On Fail, a re-run, a redelivered event, within 24 hours) returns these customers instead of creating them again (Options → Idempotency: Per Input).',
			].join('\n'),
		);
	});

	test('running it again unchanged: the error says those customers were created earlier and returned, not created again', async () => {
		await run({ items: withBadEmail });
		const again = await run({ items: withBadEmail });
		expect(double.customers).toHaveLength(4);
		expect(again.error?.description).toMatch(
			/Done before the run stopped \(4 items\):\n(- item \d → cus_\w+ \(created earlier; Stripe returned it for the same idempotency key\)\n){4}/,
		);
	});

	test('after fixing the bad item, running again creates only that one', async () => {
		await run({ items: withBadEmail });
		const fixed = await run({ items: people });
		expect(fixed.error).toBeUndefined();
		expect(emails()).toEqual(people.map((person) => person.mail).sort());
		expect(double.requests.filter((request) => request.replayed)).toHaveLength(4);
	});
});

test('Retry On Fail heals three lost responses in one retry: every item is sent on the first try, the retry only replays', async () => {
	const items = Array.from({ length: 100 }, (_, index) => ({
		fullName: `Bulk ${index}`,
		mail: `bulk-${index}@example.com`,
	}));
	// Stripe creates these three customers, then the connection drops before the answer arrives.
	double.failNext(3, { drop: 'after-create' });
	const result = await run({
		items,
		node: {
			parameters: createParameters({
				maxRetries: 0,
				concurrency: 10,
				requestsPerSecond: 0,
			}) as never,
			retryOnFail: true,
			maxTries: 2,
		},
	});
	expect(result.error).toBeUndefined();
	expect(result.run.data.resultData.runData['Stripe Customer']).toHaveLength(1);
	expect(double.customers).toHaveLength(100);
	expect(new Set(emails()).size).toBe(100);
	const posts = double.requests.filter((request) => request.method === 'POST');
	expect(posts).toHaveLength(200);
	expect(posts.filter((request) => request.replayed)).toHaveLength(100);
	const emailOf = new Map(double.customers.map((customer) => [customer.id, customer.params.email]));
	expect(result.output!.map((item) => emailOf.get(item.json.customerId as string))).toEqual(
		items.map((item) => item.mail),
	);
});

describe('a re-run of the execution, or a webhook that delivers the same event twice, is a new execution', () => {
	test('Per Input (the default): the same values return the customers already made; changed values make a new one', async () => {
		const first = await run();
		const again = await run();
		expect(again.output!.map((item) => item.json.customerId)).toEqual(
			first.output!.map((item) => item.json.customerId),
		);
		expect(double.customers).toHaveLength(5);
		const changed = await run({ items: [{ ...people[0], fullName: 'Person 0, renamed' }] });
		expect(changed.output![0].json.customerId).not.toBe(first.output![0].json.customerId);
		expect(double.customers).toHaveLength(6);
	});

	test('Per Input across workflows: the same values in another workflow are another request', async () => {
		await run({ workflowId: 'signup-flow' });
		await run({ workflowId: 'import-flow' });
		expect(double.customers).toHaveLength(10);
	});

	test('Per Execution: Retry On Fail is safe, but a new execution creates the customers again', async () => {
		await run({ parameters: createParameters({ idempotency: 'perExecution' }) });
		await run({ parameters: createParameters({ idempotency: 'perExecution' }) });
		expect(double.customers).toHaveLength(10);
	});

	test('Custom Key: the same key returns the same customer in any execution', async () => {
		const parameters = createParameters({
			idempotency: 'custom',
			idempotencyKey: '={{ "signup-" + $json.mail }}',
		});
		const first = await run({ parameters });
		const again = await run({ parameters });
		expect(double.customers).toHaveLength(5);
		expect(again.output!.map((item) => item.json.customerId)).toEqual(
			first.output!.map((item) => item.json.customerId),
		);
		expect(double.customers[0].idempotencyKey).toMatch(/^signup-person-\d@example\.com$/);
	});

	test('Custom Key without a key, or a key without Custom Key, is refused before sending', async () => {
		const noKey = await run({ parameters: createParameters({ idempotency: 'custom' }) });
		expect(noKey.error?.message).toMatch(
			/^\[item 0\] Options → Idempotency Key: empty, and Options → Idempotency is "Custom Key"/,
		);
		const keyWithoutMode = await run({
			parameters: createParameters({ idempotency: 'perExecution', idempotencyKey: 'x' }),
		});
		expect(keyWithoutMode.error?.message).toMatch(
			/Idempotency Key: set, but Options → Idempotency is not "Custom Key"/,
		);
		expect(double.requests).toHaveLength(0);
	});

	test('two items with the same values in one run (Per Input) are one customer, the second a replay', async () => {
		const result = await run({ items: [people[0], people[0]] });
		expect(double.customers).toHaveLength(1);
		expect(result.output!.map((item) => item.json.customerId)).toEqual([
			double.customers[0].id,
			double.customers[0].id,
		]);
	});
});

test('Per Input keys are per Stripe account, not per API key: the same values sent with a restricted key of the account return the customer', async () => {
	const create = (secretKey: string) =>
		runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: {
				parameters: { operation: 'create', name: '={{ $json.name }}', email: '={{ $json.email }}' },
			},
			credentials: credentialsFor(double, { secretKey }),
		});
	const first = await create(SECRET_KEY);
	const again = await create(RESTRICTED_KEY);
	expect(double.customers).toHaveLength(1);
	expect(jsonOf(again)).toEqual([{ customerId: jsonOf(first)?.[0].customerId, replayed: true }]);
});

describe('a custom idempotency key travels as it was given, or encoded so that two keys never become one', () => {
	test('keys 订单-42 and 发票-42: two customers, two keys at Stripe, each sent once', async () => {
		const result = await run({
			parameters: createParameters({ idempotency: 'custom', idempotencyKey: '={{ $json.order }}' }),
			items: [
				{ fullName: 'Order', mail: 'order@example.com', order: '订单-42' },
				{ fullName: 'Invoice', mail: 'invoice@example.com', order: '发票-42' },
			],
		});
		expect(result.error).toBeUndefined();
		expect(double.customers).toHaveLength(2);
		expect(
			postsSent()
				.map((request) => request.idempotencyKey)
				.sort(),
		).toEqual(['%E5%8F%91%E7%A5%A8-42', '%E8%AE%A2%E5%8D%95-42']);
	});

	test('a key of visible ASCII is sent unchanged; one with % or a space is encoded, so it cannot equal another key', async () => {
		const result = await run({
			parameters: createParameters({ idempotency: 'custom', idempotencyKey: '={{ $json.order }}' }),
			items: [
				{ fullName: 'Plain', mail: 'plain@example.com', order: 'order-42/A_b.c' },
				{ fullName: 'Percent', mail: 'percent@example.com', order: '50%-off 2' },
				{ fullName: 'Looks encoded', mail: 'encoded@example.com', order: '50%25-off%202' },
			],
		});
		expect(result.error).toBeUndefined();
		expect(postsSent().map((request) => request.idempotencyKey)).toEqual([
			'order-42/A_b.c',
			'50%25-off%202',
			'50%2525-off%25202',
		]);
		expect(double.customers).toHaveLength(3);
	});

	test('a key longer than Stripe allows once encoded is refused, naming the field and the length; nothing sent', async () => {
		const result = await run({
			parameters: createParameters({ idempotency: 'custom', idempotencyKey: '订'.repeat(30) }),
			items: people.slice(0, 1),
		});
		expect(result.error?.message).toBe(
			'[item 0] Options → Idempotency Key: Stripe accepts at most 255 characters; this key has 270 once encoded (characters other than visible ASCII, spaces and % are sent as %XX UTF-8 bytes)',
		);
		expect(double.requests).toHaveLength(0);
	});

	test("a custom key may not look like the node's own keys", async () => {
		const result = await run({
			parameters: createParameters({ idempotency: 'custom', idempotencyKey: 'n8n-sc:email:abc' }),
			items: people.slice(0, 1),
		});
		expect(result.error?.message).toMatch(
			/^\[item 0\] Options → Idempotency Key: keys starting with "n8n-sc:" are the node's own/,
		);
		expect(double.requests).toHaveLength(0);
	});
});

describe('a custom key (an order ID) makes the create safe and never the update', () => {
	const names = ['A', 'B', 'C', 'B'];

	test.each([
		['Create or Update', { operation: 'upsert' }],
		[
			'Create with If Email Exists → Update the Existing One',
			{ operation: 'create', options: { ifEmailExists: 'update' } },
		],
	])(
		'%s: runs with names A → B → C → B end with one customer named B, each applied',
		async (_title, operation) => {
			for (const name of names) {
				const result = await run({
					parameters: {
						...operation,
						name: '={{ $json.name }}',
						email: 'ada@example.com',
						options: {
							...(operation as { options?: object }).options,
							idempotency: 'custom',
							idempotencyKey: '={{ "order-" + $json.order }}',
						},
					},
					items: [{ name, order: 42 }],
				});
				expect(result.error).toBeUndefined();
			}
			expect(double.customers).toHaveLength(1);
			expect(
				((await stripe.customers.retrieve(double.customers[0].id)) as Stripe.Customer).name,
			).toBe('B');
			// The create carried the order key; the updates never did.
			const keys = double.requests
				.filter((request) => request.method === 'POST')
				.map((request) => request.idempotencyKey);
			expect(keys[0]).toBe('order-42');
			expect(keys.slice(1).every((key) => key !== null && !key.startsWith('order-42'))).toBe(true);
		},
	);
});
