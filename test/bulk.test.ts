import type { StripeDouble } from './stripe-double';
import { credentialsFor, startDouble } from './support/stripeFixtures';
import { runStripeCustomerWorkflow } from './support/workflowRunner';

// Bulk runs: bounded concurrency, the shared rate limiter, 429 retries, and faults that must not duplicate or lose a customer.

let double: StripeDouble;
beforeAll(async () => {
	double = await startDouble();
});
afterAll(() => double.close());
beforeEach(() => double.reset());

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

test('two executions at once share one limiter per Stripe account and stay under its limit', async () => {
	double.setRateLimit(20);
	const runBoth = (requestsPerSecond: number) =>
		Promise.all(
			['a', 'b'].map((prefix) =>
				runStripeCustomerWorkflow({
					items: itemsFor(20, `${prefix}${requestsPerSecond}`),
					node: {
						parameters: bulkParameters({ concurrency: 10, requestsPerSecond, maxRetries: 8 }),
					},
					credentials: credentialsFor(double),
				}),
			),
		);
	// Without the client-side limit the same work trips Stripe's limit; the 429s are retried, so nothing is lost.
	const unlimited = await runBoth(0);
	expect(double.stats().status[429]).toBeGreaterThan(0);
	expect(unlimited.every((result) => result.error === undefined)).toBe(true);
	expect(double.customers).toHaveLength(40);

	// With it, none. (This order: a run's limit holds for the account a moment after its last request.)
	double.reset();
	double.setRateLimit(20);
	const limited = await runBoth(20);
	expect(limited.every((result) => result.error === undefined)).toBe(true);
	expect(double.stats().status[429] ?? 0).toBe(0);
	expect(double.customers).toHaveLength(40);
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
