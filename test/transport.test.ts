import Stripe from 'stripe';

import { sleep } from 'n8n-workflow';

import { toCustomerCreateRequest } from '../nodes/StripeCustomer/actions/customer/customerMapping';
import { DEFAULT_API_VERSION, PACKAGE_INFO } from '../nodes/StripeCustomer/transport/stripeRequest';
import packageJson from '../package.json';
import type { RecordedRequest, StripeDouble } from './stripe-double';
import { closedPort } from './support/closedPort';
import { credentialsFor, SECRET_KEY, startDouble } from './support/stripeFixtures';
import { runStripeCustomerWorkflow, searchCustomersInEditor } from './support/workflowRunner';

// The transport, through n8n's own HTTP helper: what reaches Stripe (compared with the official client), which
// failures are retried and how, and what a user reads when Stripe or the credential is the problem.

let double: StripeDouble;
beforeAll(async () => {
	double = await startDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

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

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{ name: 'Ada', email: 'ada@example.com' }],
	credentials = credentialsFor(double),
) {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials,
	});
}

const posts = () => double.requests.filter((request) => request.method === 'POST');

/** Resolves once `condition` holds, checked as the double records requests. */
async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(5);
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

	test('the key reaches Stripe only as the credential sends it, and a connected account rides along', async () => {
		await run(createParameters(), undefined, credentialsFor(double, { stripeAccount: 'acct_123' }));
		const [request] = posts();
		expect(request.account).toBe('acct_123');
		expect(request.headers.authorization).toBe('redacted');
		expect(double.customers[0].account).toBe('acct_123');
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
	test('a wrong key: one node-level error naming the credential, not an item; the key appears nowhere', async () => {
		const wrongKey = `${SECRET_KEY}x`;
		const items = Array.from({ length: 40 }, (_, i) => ({ email: `u${i}@example.com` }));
		const result = await run(
			createParameters({ options: { concurrency: 4 } }),
			items,
			credentialsFor(double, { secretKey: wrongKey }),
		);
		expect(result.error?.message).toMatch(
			/^Stripe refused the credential "Stripe Customer account": Invalid API Key provided/,
		);
		expect(result.error?.description).toMatch(
			/secret key \(sk_test_… or sk_live_…\) or a restricted key \(rk_…\)/,
		);
		// The first refusal stops the run: at most the requests already in flight (Concurrency 4), not one per item (40).
		expect(posts().length).toBeGreaterThanOrEqual(1);
		expect(posts().length).toBeLessThanOrEqual(4);
		const recorded = JSON.stringify(result.run, (_key, value) =>
			value instanceof Error ? { ...value, message: value.message } : value,
		);
		expect(recorded).not.toContain(wrongKey);
		expect(recorded).not.toContain(SECRET_KEY);
	});

	test("a restricted key without the permission: one node-level error naming the credential and the operation's permission", async () => {
		double.failNext(1, { status: 403 });
		const result = await run(createParameters());
		expect(result.error?.message).toMatch(
			/^The key of the credential "Stripe Customer account" may not do this: /,
		);
		expect(result.error?.description).toMatch(
			/^Stripe answered 403 \(permission_error\)\. A restricted key \(rk_…\) needs the permission "Customers: Write" for this: /,
		);
		expect(double.requests).toHaveLength(1);

		double.failNext(1, { status: 403 }, 'GET /v1/customers');
		const read = await run({ operation: 'getMany' });
		expect(read.error?.description).toMatch(/needs the permission "Customers: Read" for this: /);
	});

	test('the customer picker refused with 403: the error names the permission it needs', async () => {
		double.failNext(1, { status: 403 }, 'GET /v1/customers');
		const refused = await searchCustomersInEditor(credentialsFor(double)).catch(
			(error: Error & { description?: string }) => error,
		);
		expect(refused).toBeInstanceOf(Error);
		expect((refused as Error & { description?: string }).description).toMatch(
			/^Stripe answered 403 \(permission_error\)\. A restricted key \(rk_…\) needs the permission "Customers: Read" for this: /,
		);
	});

	test('a publishable key is refused before any request', async () => {
		const result = await run(
			createParameters(),
			undefined,
			credentialsFor(double, { secretKey: 'pk_test_123' }),
		);
		expect(result.error?.message).toBe(
			'The credential "Stripe Customer account" holds a publishable key (pk_…), which cannot read or write customers',
		);
		expect(double.requests).toHaveLength(0);
	});

	test('with continue-on-fail a refused key still reaches every item, each as an error item paired to it', async () => {
		const result = await runStripeCustomerWorkflow({
			items: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
			node: { parameters: createParameters(), onError: 'continueRegularOutput' },
			credentials: credentialsFor(double, { secretKey: `${SECRET_KEY}x` }),
		});
		expect(result.output!.map((item) => [item.pairedItem, item.json.itemIndex])).toEqual([
			[{ item: 0 }, 0],
			[{ item: 1 }, 1],
		]);
		for (const item of result.output!)
			expect(item.json.error).toMatch(/^Stripe refused the credential/);
	});

	test('nothing listening: the run stops at its first request (no retry), naming the host, the port, the cause, once', async () => {
		const port = await closedPort();
		const result = await run(
			createParameters({ options: { maxRetries: 5, concurrency: 1 } }),
			[{ email: 'a@example.com' }, { email: 'b@example.com' }],
			{
				stripeCustomerApi: {
					secretKey: SECRET_KEY,
					baseUrl: `http://127.0.0.1:${port}`,
					stripeAccount: '',
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
			stripeCustomerApi: {
				secretKey: SECRET_KEY,
				baseUrl: 'http://stripe-double.invalid',
				stripeAccount: '',
			},
		});
		expect(result.error?.message).toBe(
			"Could not reach Stripe: no DNS entry for stripe-double.invalid:80 (the credential's API Base URL)",
		);
	});
});
