import type { RecordedRequest } from '../stripe-double';
import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow } from '../support/workflowRunner';

// Speed at any latency, through n8n's engine against the Stripe double: as many requests in flight as Requests Per
// Second needs at the latency Stripe answers with, back to the limit right after a burst of 429s, and the lowest
// limit among runs sharing an account. The assertions count requests and 429s (from the double's log), never time
// a run.

jest.setTimeout(60_000);

const { double } = useStripeDouble();

const itemsFor = (count: number, prefix: string) =>
	Array.from({ length: count }, (_, index) => ({
		mail: `${prefix}-${index}@example.com`,
		fullName: `Customer ${index}`,
	}));

/** A Create run of one customer per item, with the node's defaults except the options given. */
async function createAll(
	items: Array<{ mail: string; fullName: string }>,
	options: Record<string, number> = {},
) {
	const result = await runStripeCustomerWorkflow({
		items,
		node: {
			parameters: {
				operation: 'create',
				name: '={{ $json.fullName }}',
				email: '={{ $json.mail }}',
				options,
			},
		},
		credentials: credentialsFor(double),
	});
	expect(result.error).toBeUndefined();
	return result.output ?? [];
}

/** Every input got its own customer, and no email got two. */
function expectOneCustomerPerItem(
	items: Array<{ mail: string }>,
	output: Array<{ json: Record<string, unknown> }>,
) {
	const emailById = new Map(
		double.customers.map((customer) => [customer.id, customer.params.email]),
	);
	expect(output.map((item) => emailById.get(item.json.customerId as string))).toEqual(
		items.map((item) => item.mail),
	);
	expect(double.customers).toHaveLength(items.length);
}

/** The most requests that arrived within any `windowMs`. */
function mostWithin(requests: RecordedRequest[], windowMs: number): number {
	const arrivals = requests.map((request) => request.at).sort((a, b) => a - b);
	let most = 0;
	for (let last = 0, first = 0; last < arrivals.length; last++) {
		while (arrivals[last] - arrivals[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

const rateLimited = () => double.requests.filter((request) => request.status === 429).length;

test("at 600 ms per request, more than 10 requests are in flight and Stripe's 25 per second is reached", async () => {
	double.setLatency(600);
	double.setRateLimit(25);
	const items = itemsFor(150, 'far');
	expectOneCustomerPerItem(items, await createAll(items));
	// 25 per second × 0.6 s = 15 in flight; 10 in flight carry at most 16.7 per second.
	expect(double.stats().maxInFlight).toBeGreaterThanOrEqual(14);
	expect(
		Math.max(...double.stats().perSecond.map((second) => second.requests)),
	).toBeGreaterThanOrEqual(23);
	expect(rateLimited()).toBeLessThanOrEqual(3);
});

test('an account whose limit Stripe raised: Requests Per Second 100 at 300 ms keeps about 30 requests in flight', async () => {
	double.setLatency(300);
	double.setRateLimit(100);
	const items = itemsFor(250, 'raised');
	expectOneCustomerPerItem(items, await createAll(items, { requestsPerSecond: 100 }));
	expect(double.stats().maxInFlight).toBeGreaterThanOrEqual(27);
	expect(
		Math.max(...double.stats().perSecond.map((second) => second.requests)),
	).toBeGreaterThanOrEqual(90);
	expect(rateLimited()).toBeLessThanOrEqual(5);
});

test('after each burst of 429s (400 ms of every 2 s), the node is back at the limit for the rest of the period', async () => {
	double.setLatency(50);
	double.setRateLimit(25);
	const burstsFrom = Date.now();
	double.setFaults({ rateLimitWindow: { everyMs: 2000, forMs: 400 } });
	const items = itemsFor(175, 'burst');
	expectOneCustomerPerItem(items, await createAll(items));
	const answered = double.requests.filter((request) => request.status === 200);
	const lastAt = Math.max(...answered.map((request) => request.at));
	// The last 1.1 s of each period the run spans in full, from half a second after its burst ended.
	const counts: number[] = [];
	for (let start = burstsFrom + 900; start + 1100 <= lastAt; start += 2000) {
		counts.push(
			answered.filter((request) => request.at >= start && request.at < start + 1100).length,
		);
	}
	expect(counts.length).toBeGreaterThanOrEqual(2);
	expect(double.requests.some((request) => request.fault === 'window:429')).toBe(true);
	// At the limit: 27.5 in 1.1 s; the old rules (−30 % per burst, +1/s) sent about 12.
	for (const count of counts) expect(count).toBeGreaterThanOrEqual(22);
});

test('an account limit lower than Requests Per Second (another worker shares it) settles with few 429s', async () => {
	double.setLatency(50);
	double.setRateLimit(15);
	const items = itemsFor(200, 'shared');
	expectOneCustomerPerItem(items, await createAll(items));
	expect(rateLimited() / double.requests.length).toBeLessThan(0.1);
});

test("Stripe's concurrency limiter (8 in flight at 300 ms): the node backs off and every item gets its customer", async () => {
	double.setLatency(300);
	double.setConcurrencyLimit(8);
	const items = itemsFor(150, 'concurrent');
	expectOneCustomerPerItem(items, await createAll(items));
	const refused = double.requests.filter((request) => request.fault === 'concurrency:429').length;
	expect(refused / double.requests.length).toBeLessThan(0.15);
});

test('two runs at once with 5 and 25 requests per second: never more than 5 per second while both run', async () => {
	double.setLatency(20);
	const slowItems = itemsFor(15, 'five');
	const fastItems = itemsFor(60, 'twentyfive');
	await Promise.all([createAll(slowItems, { requestsPerSecond: 5 }), createAll(fastItems)]);
	const slowEmails = new Set(slowItems.map((item) => item.mail));
	const slowArrivals = double.requests
		.filter((request) => slowEmails.has(String(request.params.email)))
		.map((request) => request.at);
	const bothRun = double.requests.filter(
		(request) => request.at >= Math.min(...slowArrivals) && request.at <= Math.max(...slowArrivals),
	);
	// 5 per second, one request sent a little late aside; with the faster run's 25 this would be 20 and more.
	expect(mostWithin(bothRun, 1000)).toBeLessThanOrEqual(6);
	expect(double.customers).toHaveLength(75);
});

const bulkParameters = (options: Record<string, number>) => ({
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.mail }}',
	options,
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
					// An account of its own: what the tests above taught the limiter of theirs stays out of this one.
					credentials: credentialsFor(double, { stripeAccount: 'acct_sharedLimiter' }),
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
