import Stripe from 'stripe';
import { sleep } from 'n8n-workflow';

import { toCustomerCreateRequest } from '../../nodes/StripeCustomer/actions/customer/customerMapping';
import {
	DEFAULT_API_VERSION,
	PACKAGE_INFO,
} from '../../nodes/StripeCustomer/transport/stripeRequest';
import packageJson from '../../package.json';
import type { RecordedRequest } from '../stripe-double';
import { closedPort } from '../support/closedPort';
import { startSilentPort } from '../support/silentPort';
import { credentialsFor, SECRET_KEY, startDouble } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from '../support/workflowRunner';

// The transport, through n8n's own HTTP helper: what reaches Stripe (compared with the official client), which
// failures are retried and how (bulk runs through 500s, dropped connections and 429s lose and duplicate nothing), what
// a user reads when a host is unreachable or silent, and Stop: after n8n cancels the execution, nothing more is sent.
// (The credential's part: test/credentials/; stored answers Stripe replays: stripeRequest.storedAnswers.test.ts.)

const { double } = useStripeDouble();

const official = () =>
	new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
		appInfo: PACKAGE_INFO,
	});

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

const itemsFor = (count: number, prefix = 'bulk') =>
	Array.from({ length: count }, (_, index) => ({
		mail: `${prefix}-${index}@example.com`,
		fullName: `Customer ${index}`,
	}));

const bulkParameters = (options: Record<string, number>) => ({
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.mail }}',
	options,
});

/** Every output item holds the customer created for its own input, and no email got two customers. */
function expectEachInputGotItsOwnCustomer(
	items: Array<{ mail: string }>,
	output: Array<{ json: Record<string, unknown> }> | undefined,
) {
	const emailById = new Map(
		double.customers.map((customer) => [customer.id, customer.params.email]),
	);
	expect(output).toHaveLength(items.length);
	expect(output!.map((item) => emailById.get(item.json.customerId as string))).toEqual(
		items.map((item) => item.mail),
	);
	expect(new Set(double.customers.map((customer) => customer.params.email)).size).toBe(
		double.customers.length,
	);
	expect(double.customers).toHaveLength(items.length);
}

test('the User-Agent names the package as package.json does (name, version, repository)', () => {
	expect(PACKAGE_INFO.name).toBe(packageJson.name);
	expect(PACKAGE_INFO.version).toBe(packageJson.version);
	expect(packageJson.repository.url).toContain(PACKAGE_INFO.url.replace('https://', ''));
});

describe('what reaches Stripe is what the official client sends', () => {
	// Nested hashes, arrays of hashes, arrays of strings, metadata, characters that need escaping.
	const parameters = {
		operation: 'create',
		name: "Zoë O'Brien (test) *",
		email: 'zoe+tag@example.com',
		description: 'a & b = c; 100% [sure]!',
		shipping: {
			details: {
				recipientName: 'Zoë',
				line1: '1 Rue de la Paix',
				city: 'Paris',
				postalCode: '75002',
				country: 'FR',
			},
		},
		additionalFields: {
			balance: '-500',
			taxIds: {
				taxId: [
					{ type: 'eu_vat', value: 'FRAB123456789' },
					{ type: 'ch_vat', value: 'CHE-123.456.789 MWST' },
				],
			},
			metadata: {
				entry: [
					{ key: 'plan', value: 'pro' },
					{ key: 'seats', value: '3' },
				],
			},
			preferredLocales: 'fr, en',
			invoiceSettings: {
				customFields: { field: [{ name: 'PO', value: '42/7' }] },
				footer: 'Merci ✓',
			},
		},
	};

	test('create: the form body byte for byte, and the headers Stripe reads', async () => {
		const result = await run(parameters, [{}]);
		expect(result.error).toBeUndefined();
		const [byNode] = posts();

		const { name, email, description, shipping, additionalFields } = parameters;
		const mapped = toCustomerCreateRequest({
			name,
			email,
			description,
			shipping: shipping.details,
			...additionalFields,
		});
		if (!mapped.ok) throw new Error('the parameters above are valid');
		await official().customers.create(mapped.value.params);
		const bySdk = posts()[1];

		expect(byNode.rawBody).toBe(bySdk.rawBody);
		expect(byNode.rawBody).toContain('shipping[address][line1]=1%20Rue%20de%20la%20Paix');
		expect(byNode.rawBody).toContain('tax_id_data[1][value]=CHE-123.456.789%20MWST');
		expect(byNode.rawBody).toContain('preferred_locales[0]=fr&preferred_locales[1]=en');
		expect(byNode.contentType).toBe(bySdk.contentType);
		expect(byNode.apiVersion).toBe(DEFAULT_API_VERSION);
		expect(bySdk.apiVersion).toBe(DEFAULT_API_VERSION);
		expect(byNode.headers['user-agent']).toBe(
			`${PACKAGE_INFO.name}/${PACKAGE_INFO.version} (${PACKAGE_INFO.url})`,
		);
		expect(bySdk.headers['user-agent']).toContain(
			`${PACKAGE_INFO.name}/${PACKAGE_INFO.version} (${PACKAGE_INFO.url})`,
		);
		expect(byNode.idempotencyKey).toMatch(/^n8n-sc:/);
		// Both created the same customer, field for field.
		expect(double.customers[0].params).toEqual(double.customers[1].params);
	});

	test('a list query is encoded as the official client encodes it', async () => {
		await runStripeCustomerWorkflow({
			items: [{}],
			node: {
				parameters: {
					operation: 'getMany',
					filters: { email: 'a+b@example.com', createdAfter: '2026-01-02T03:04:05Z' },
				},
			},
			credentials: credentialsFor(double),
		});
		await official().customers.list({
			email: 'a+b@example.com',
			created: { gte: 1767323045 },
			limit: 50,
		});
		const [byNode, bySdk] = double.requests;
		expect(byNode.query).toEqual(bySdk.query);
		expect(byNode.path).toBe('/v1/customers');
	});
});

describe('retries', () => {
	const keysOf = (requests: RecordedRequest[]) => requests.map((request) => request.idempotencyKey);

	test.each([
		['a 500', { status: 500 } as const],
		['a 409 (the same key still in flight)', { status: 409 } as const],
		[
			'a 429 lock timeout (Stripe-Should-Retry: true)',
			{ status: 429, code: 'lock_timeout' } as const,
		],
		['a connection dropped before Stripe answered', { drop: 'before' } as const],
	])('%s is retried with the same idempotency key', async (_name, how) => {
		double.failNext(1, how);
		const result = await run(createParameters({ options: { maxRetries: 2 } }));
		expect(result.error).toBeUndefined();
		expect(posts()).toHaveLength(2);
		expect(new Set(keysOf(posts())).size).toBe(1);
		expect(double.customers).toHaveLength(1);
	});

	test.each([
		['400', { status: 400 } as const],
		['402 (a declined card)', { status: 402, decline_code: 'insufficient_funds' } as const],
	])('a %s is not retried: it is the item that is wrong', async (_name, how) => {
		double.failNext(1, how);
		const result = await run(createParameters({ options: { maxRetries: 5 } }));
		expect(posts()).toHaveLength(1);
		expect(result.error?.message).toMatch(/^\[item 0\] Stripe: /);
	});

	test("a declined card's decline code and request ID are in the error item", async () => {
		double.failNext(1, { status: 402, decline_code: 'insufficient_funds' });
		const result = await runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: { parameters: createParameters(), onError: 'continueRegularOutput' },
			credentials: credentialsFor(double),
		});
		expect(result.output![0].json).toMatchObject({
			itemIndex: 0,
			statusCode: 402,
			code: 'card_declined',
			declineCode: 'insufficient_funds',
			requestId: posts()[0].requestId,
		});
	});

	test('a 429 with Retry-After waits at least that long before the retry, same key', async () => {
		double.setRetryAfter(1);
		double.failNext(1, { status: 429 });
		const result = await run(createParameters());
		expect(result.error).toBeUndefined();
		const [limited, retried] = posts();
		expect(retried.at - limited.at).toBeGreaterThanOrEqual(1000);
		expect(retried.idempotencyKey).toBe(limited.idempotencyKey);
	});

	test('429s for 300 ms of every second (a busy shared account) lose nothing', async () => {
		double.setFaults({ rateLimitWindow: { everyMs: 1000, forMs: 300 } });
		const items = Array.from({ length: 25 }, (_, index) => ({
			name: `Busy ${index}`,
			email: `busy-${index}@example.com`,
		}));
		const result = await run(
			createParameters({ options: { concurrency: 5, maxRetries: 0 } }),
			items,
		);
		expect(result.error).toBeUndefined();
		expect(double.stats().status[429]).toBeGreaterThan(0);
		expect(double.customers.map((customer) => customer.params.email).sort()).toEqual(
			items.map((item) => item.email).sort(),
		);
		const emailOf = new Map(
			double.customers.map((customer) => [customer.id, customer.params.email]),
		);
		expect(result.output!.map((item) => emailOf.get(item.json.customerId as string))).toEqual(
			items.map((item) => item.email),
		);
	});

	test('a 429 that does not clear fails its item once the wait is over, and says what to change', async () => {
		double.failNext(50, { status: 429 });
		const result = await runStripeCustomerWorkflow({
			items: [{ name: 'Ada', email: 'ada@example.com' }],
			node: {
				parameters: createParameters({ options: { rateLimitWait: 1 } }),
				onError: 'continueRegularOutput',
			},
			credentials: credentialsFor(double),
		});
		expect(result.output![0].json).toMatchObject({ itemIndex: 0, statusCode: 429 });
		expect(result.output![0].json.error).toMatch(
			/^\[item 0\] Stripe: .*rate-limited for 1 s without any request of this account succeeding: lower Options → Requests Per Second/,
		);
		expect(double.customers).toHaveLength(0);
	});
});

describe('when the credential or the host is the problem, the whole run says so once', () => {
	test('nothing listening: the run stops at its first request (no retry), naming the host, the port, the cause, once', async () => {
		const port = await closedPort();
		const result = await run(
			createParameters({ options: { maxRetries: 5, concurrency: 1 } }),
			[{ email: 'a@example.com' }, { email: 'b@example.com' }],
			{
				credentials: {
					stripeCustomerApi: {
						secretKey: SECRET_KEY,
						baseUrl: `http://127.0.0.1:${port}`,
						stripeAccount: '',
					},
				},
			},
		);
		expect(result.error?.message).toBe(
			`Could not reach Stripe: connection refused by 127.0.0.1:${port} (the credential's API Base URL)`,
		);
		expect(result.error?.description).toMatch(
			/check the host and port of the API Base URL, or that the server behind it is running\. No request of this run got any answer, so the run stopped at once instead of retrying\./,
		);
		// One try: a retried request would say how many times it tried.
		expect(result.error?.description).not.toMatch(/Tried \d+ times/);
		expect(result.error?.description).toMatch(/Nothing was changed in Stripe by this run/);
	});

	test('a connection refused after Stripe answered is a blip: retried up to Max Retries, then the run stops', async () => {
		// A Stripe of its own, shut while the run's second request is in flight: every later connection is refused.
		const closing = await startDouble();
		try {
			closing.failNext(1, { delayMs: 10_000 }, 'POST /v1/customers');
			let finished = false;
			// The upsert's lookup (the list, then search), then its create.
			const shut = until(() => finished || closing.requests.length === 3).then(() =>
				closing.close(),
			);
			const result = await runStripeCustomerWorkflow({
				items: [{ name: 'Ada', email: 'ada@example.com' }],
				node: {
					parameters: {
						operation: 'upsert',
						email: '={{ $json.email }}',
						name: '={{ $json.name }}',
						options: { maxRetries: 2 },
					} as never,
				},
				credentials: credentialsFor(closing),
			});
			finished = true;
			await shut;
			expect(closing.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
				'GET /v1/customers',
				'GET /v1/customers/search',
				'POST /v1/customers',
			]);
			const hostPort = new URL(closing.url).host;
			// The POST's connection closed, then two retries refused: three tries.
			expect(result.error?.message).toBe(
				`Could not reach Stripe: connection refused by ${hostPort} (the credential's API Base URL)`,
			);
			expect(result.error?.description).toMatch(/ Tried 3 times\./);
			expect(result.error?.description).not.toMatch(/stopped at once/);
		} finally {
			await closing.close();
		}
	});

	test('a host that does not resolve', async () => {
		const result = await run(createParameters({ options: { maxRetries: 0 } }), undefined, {
			credentials: {
				stripeCustomerApi: {
					secretKey: SECRET_KEY,
					baseUrl: 'http://stripe-double.invalid',
					stripeAccount: '',
				},
			},
		});
		expect(result.error?.message).toBe(
			"Could not reach Stripe: no DNS entry for stripe-double.invalid:80 (the credential's API Base URL)",
		);
	});
});

test('with 500s, connections dropped after create and bursts of 429: every item gets exactly one customer', async () => {
	double.setFaults({
		error500Rate: 0.1,
		dropAfterCreateRate: 0.05,
		rateLimitBurstEvery: 40,
		rateLimitBurstLength: 4,
	});
	const items = itemsFor(150);
	const result = await runStripeCustomerWorkflow({
		items,
		node: { parameters: bulkParameters({ concurrency: 10, requestsPerSecond: 0, maxRetries: 8 }) },
		credentials: credentialsFor(double),
	});
	expect(result.error).toBeUndefined();
	expectEachInputGotItsOwnCustomer(items, result.output);
	const stats = double.stats();
	// The faults really happened, and were absorbed.
	expect(stats.status[500]).toBeGreaterThan(0);
	expect(stats.status[429]).toBeGreaterThan(0);
	expect(stats.dropped).toBeGreaterThan(0);
	expect(stats.replays).toBeGreaterThan(0);
	expect(
		result.output!.every(
			(item, index) => item.pairedItem && (item.pairedItem as { item: number }).item === index,
		),
	).toBe(true);
});

test('with Rate-Limit Wait 0, the first 429 is a clear error for that item', async () => {
	double.failNext(5, { status: 429 });
	const result = await runStripeCustomerWorkflow({
		items: itemsFor(1),
		node: { parameters: bulkParameters({ rateLimitWait: 0 }), onError: 'continueRegularOutput' },
		credentials: credentialsFor(double),
	});
	expect(result.output![0].json).toMatchObject({ itemIndex: 0, statusCode: 429 });
	expect(result.output![0].json.error).toMatch(/^\[item 0\] Stripe: Too many requests/);
	expect(double.requests).toHaveLength(1);
	expect(double.customers).toHaveLength(0);
});

test('a 429 that clears is retried with the same idempotency key', async () => {
	double.failNext(2, { status: 429 });
	const result = await runStripeCustomerWorkflow({
		items: itemsFor(1),
		// 429s are retried for as long as the account makes progress, whatever Max Retries says.
		node: { parameters: bulkParameters({ maxRetries: 0 }) },
		credentials: credentialsFor(double),
	});
	expect(result.output![0].json.customerId).toBe(double.customers[0].id);
	const keys = double.requests.map((request) => request.idempotencyKey);
	expect(keys).toHaveLength(3);
	expect(new Set(keys).size).toBe(1);
});

describe('a value that cannot be sent is an error of its item, naming the field, before any request', () => {
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
