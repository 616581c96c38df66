import Stripe from 'stripe';

import { startStripeDouble } from '../index';
import { useDoubleUnderTest, KEY, failure } from '../selfTestSetup';
import { SAMPLE_KEYS } from '../testClient';

// Injected faults: failNext, random 500s and dropped connections (deterministic for a seed), bursts and windows of
// 429s, the token bucket, Stripe's concurrency limiter, latency; Stripe-Should-Retry as Stripe sends it.

const { d, client, raw } = useDoubleUnderTest();

describe('faults', () => {
	it('failNext statuses map to the SDK error classes; 500s carry Stripe-Should-Retry and are not stored', async () => {
		const stripe = client();
		d.failNext(1, { status: 500 });
		d.failNext(1, { status: 402 });
		d.failNext(1, { status: 429 });
		const e500 = await failure(stripe.customers.create({ name: 'a' }, { idempotencyKey: 'f-1' }));
		expect([e500.type, e500.statusCode, e500.headers?.['stripe-should-retry']]).toEqual([
			'StripeAPIError',
			500,
			'true',
		]);
		const e402 = await failure(stripe.customers.create({ name: 'a' }));
		expect([e402.type, e402.code]).toEqual(['StripeCardError', 'card_declined']);
		const e429 = await failure(stripe.customers.create({ name: 'a' }));
		expect([e429.type, e429.code]).toEqual(['StripeRateLimitError', 'rate_limit']);
		expect(d.customers).toHaveLength(0);
		// the 500 was not stored: the same key now creates
		const ok = await stripe.customers.create({ name: 'a' }, { idempotencyKey: 'f-1' });
		expect(ok.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		expect(d.stats().status).toEqual({ 500: 1, 402: 1, 429: 1, 200: 1 });
	});

	it('the SDK retries an injected 500 with the same key and succeeds', async () => {
		d.failNext(1, { status: 500 });
		const stripe = client({ maxNetworkRetries: 1 });
		const c = await stripe.customers.create({ name: 'retry' });
		expect(d.customers.map((s) => s.id)).toEqual([c.id]);
		expect(d.requests.map((r) => r.status)).toEqual([500, 200]);
		expect(d.requests[0].idempotencyKey).toBe(d.requests[1].idempotencyKey);
	});

	it('rate-limit bursts: every Nth create starts a burst of 429s', async () => {
		d.setFaults({ rateLimitBurstEvery: 3, rateLimitBurstLength: 2 });
		const stripe = client();
		const outcome: (number | string)[] = [];
		for (let i = 0; i < 7; i++) {
			try {
				await stripe.customers.create({ name: `n${i}` });
				outcome.push(200);
			} catch (err) {
				outcome.push((err as Stripe.errors.StripeError).statusCode ?? 'x');
			}
		}
		expect(outcome).toEqual([200, 200, 429, 429, 200, 429, 429]);
		expect(d.customers).toHaveLength(3);
	});

	it('token bucket: over rateLimitPerSecond answers 429 on every /v1 request, lists included', async () => {
		d.setRateLimit(2); // capacity 2, refills one token every 500 ms
		const stripe = client();
		const results = await Promise.allSettled(
			Array.from({ length: 12 }, () => stripe.customers.list()),
		);
		const limited = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
		expect(results.length - limited.length).toBeGreaterThanOrEqual(2);
		expect(results.length - limited.length).toBeLessThanOrEqual(3); // 3 only if the burst took > 500 ms
		for (const r of limited) {
			expect(r.reason.type).toBe('StripeRateLimitError');
			expect(r.reason.code).toBe('rate_limit');
			expect(r.reason.statusCode).toBe(429);
		}
		d.setRateLimit(undefined);
		await expect(stripe.customers.list()).resolves.toMatchObject({ object: 'list' });
	});

	it('error500Rate is deterministic for a seed', async () => {
		const runs: number[][] = [];
		for (let run = 0; run < 2; run++) {
			d.reset(); // re-seeds the PRNG
			d.setFaults({ error500Rate: 0.5 });
			const stripe = client();
			const statuses: number[] = [];
			for (let i = 0; i < 12; i++) {
				statuses.push(
					await stripe.customers.create({ name: `x${i}` }).then(
						() => 200,
						(e: Stripe.errors.StripeError) => e.statusCode ?? 0,
					),
				);
			}
			runs.push(statuses);
		}
		expect(runs[0]).toEqual(runs[1]);
		expect(runs[0]).toContain(500);
		expect(runs[0]).toContain(200);
	});

	it('latency delays every response without blocking concurrency', async () => {
		d.setLatency(100);
		const stripe = client();
		const t0 = Date.now();
		await Promise.all(
			Array.from({ length: 50 }, (_, i) => stripe.customers.create({ name: `c${i}` })),
		);
		const elapsed = Date.now() - t0;
		expect(elapsed).toBeGreaterThanOrEqual(95);
		expect(elapsed).toBeLessThan(1500);
		const err = await failure(client({}, SAMPLE_KEYS.unknown).balance.retrieve());
		expect(err.statusCode).toBe(401);
		expect(Date.now() - t0 - elapsed).toBeGreaterThanOrEqual(95);
	});

	it('serves hundreds of concurrent creates', async () => {
		const stripe = client();
		const made = await Promise.all(
			Array.from({ length: 300 }, (_, i) =>
				stripe.customers.create({ email: `u${i}@example.com` }),
			),
		);
		expect(new Set(made.map((c) => c.id)).size).toBe(300);
		expect(d.stats().created).toBe(300);
	});
});

describe('429s, Stripe-Should-Retry and the new faults', () => {
	const statusOf = (p: Promise<unknown>) =>
		p.then(
			() => 200,
			(e: Stripe.errors.StripeError) => e.statusCode ?? 0,
		);

	it('every 429 carries the rate_limit body; Retry-After only when configured', async () => {
		const stripe = client();
		d.failNext(1, { status: 429 });
		const plain = await failure(stripe.customers.create({ name: 'a' }));
		expect(plain.headers?.['retry-after']).toBeUndefined();
		expect(plain.headers?.['stripe-should-retry']).toBeUndefined();

		d.setRetryAfter(3);
		d.failNext(1, { status: 429 });
		d.setFaults({ rateLimitBurstEvery: 2, rateLimitBurstLength: 1 });
		d.setRateLimit(1);
		const results = await Promise.allSettled([
			stripe.customers.create({ name: 'b' }),
			stripe.customers.create({ name: 'c' }),
		]);
		const failNext = (results[0] as PromiseRejectedResult).reason as Stripe.errors.StripeError;
		const bucket = (results[1] as PromiseRejectedResult).reason as Stripe.errors.StripeError;
		d.setRateLimit(undefined);
		const burst = await failure(stripe.customers.create({ name: 'd' }));
		expect(d.requests.slice(1).map((r) => r.fault)).toEqual([
			'failNext:429',
			'bucket:429',
			'burst:429',
		]);
		for (const e of [failNext, bucket, burst]) {
			expect([e.statusCode, e.type, e.rawType, e.code]).toEqual([
				429,
				'StripeRateLimitError',
				'invalid_request_error',
				'rate_limit',
			]);
			expect(e.headers?.['retry-after']).toBe('3');
		}
		const set = await raw('POST', '/_double/faults', JSON.stringify({ retryAfterSeconds: null }));
		expect(set.json.retryAfterSeconds).toBeNull();
	});

	it('a sustained rate-limit window answers 429 to every request in the first forMs of each period', async () => {
		const stripe = client();
		d.setFaults({ rateLimitWindow: { everyMs: 1000, forMs: 500 } });
		const outcomes: number[] = [];
		const stop = Date.now() + 2000;
		// sequential requests until one got through after a 429 (the window opened)
		while (
			Date.now() < stop &&
			!(outcomes.includes(429) && outcomes[outcomes.length - 1] === 200)
		) {
			outcomes.push(await statusOf(stripe.customers.list({ limit: 1 })));
		}
		expect(outcomes[0]).toBe(429); // sent right after the window started
		expect(outcomes[outcomes.length - 1]).toBe(200);
		const limited = d.requests.filter((r) => r.status === 429);
		expect(limited.every((r) => r.fault === 'window:429')).toBe(true);
		d.setFaults({});
		expect(await statusOf(stripe.customers.create({ name: 'free again' }))).toBe(200);
	});

	it('failNext 429 lock_timeout, 409, 403 restricted key, 402 with a decline code; Stripe-Should-Retry as Stripe sends it', async () => {
		const stripe = client();
		d.failNext(1, { status: 429, code: 'lock_timeout' });
		d.failNext(1, { status: 409 });
		d.failNext(1, { status: 403 });
		d.failNext(1, { status: 402, decline_code: 'insufficient_funds' });
		d.failNext(1, { status: 402 });
		// docs "Rate limits", object lock timeouts: a 429 with code lock_timeout, which Stripe's SDKs retry
		const lock = await failure(stripe.customers.create({ name: 'a' }));
		expect([lock.statusCode, lock.type, lock.code, lock.headers?.['stripe-should-retry']]).toEqual([
			429,
			'StripeRateLimitError',
			'lock_timeout',
			'true',
		]);
		const conflict = await failure(
			stripe.customers.create({ name: 'a' }, { idempotencyKey: 'k-409' }),
		);
		expect([conflict.statusCode, conflict.code, conflict.headers?.['stripe-should-retry']]).toEqual(
			[409, 'idempotency_key_in_use', 'true'],
		);
		expect(conflict.message).toContain('k-409');
		const denied = await failure(stripe.customers.create({ name: 'a' }));
		expect([denied.statusCode, denied.type, denied.rawType]).toEqual([
			403,
			'StripePermissionError',
			'invalid_request_error',
		]);
		expect(denied.message).toMatch(/does not have the required permissions/);
		expect(denied.message).not.toContain(KEY);
		const poor = await failure(stripe.customers.create({ name: 'a' }));
		expect([poor.type, poor.code, poor.decline_code, poor.message]).toEqual([
			'StripeCardError',
			'card_declined',
			'insufficient_funds',
			'Your card has insufficient funds.',
		]);
		expect(poor.headers?.['stripe-should-retry']).toBe('false');
		const generic = await failure(stripe.customers.create({ name: 'a' }));
		expect(generic.decline_code).toBe('generic_decline');
		const invalidParam = await failure(stripe.customers.create({ nickname: 'x' } as never));
		expect(invalidParam.headers?.['stripe-should-retry']).toBe('false');
		expect(d.customers).toHaveLength(0);
		expect(() => d.failNext(1, { status: 500, decline_code: 'x' } as never)).toThrow(
			/invalid "how"/,
		);
	});

	it('the token bucket is shared by every key; createRequests and perSecond count what arrived', async () => {
		const shared = await startStripeDouble({
			secretKeys: ['sk_test_worker_a', 'sk_test_worker_b'],
			rateLimitPerSecond: 4,
		});
		try {
			const worker = (key: string) =>
				new Stripe(key, {
					host: '127.0.0.1',
					port: shared.port,
					protocol: 'http',
					maxNetworkRetries: 0,
					telemetry: false,
				});
			const statuses = await Promise.all(
				['sk_test_worker_a', 'sk_test_worker_b'].flatMap((key) =>
					Array.from({ length: 5 }, (_, i) =>
						statusOf(worker(key).customers.create({ name: `${key}-${i}` })),
					),
				),
			);
			const ok = statuses.filter((s) => s === 200).length;
			// one bucket of 4 for both keys (a bucket per key would let 8 through); more only if tokens refilled meanwhile
			expect(ok).toBeGreaterThanOrEqual(4);
			expect(ok).toBeLessThanOrEqual(6);
			const stats = shared.stats();
			expect(stats.createRequests).toBe(10);
			expect(stats.status[429]).toBe(10 - ok);
			const sum = (k: 'requests' | 'createRequests' | 'status429') =>
				stats.perSecond.reduce((n, s) => n + s[k], 0);
			expect([sum('requests'), sum('createRequests'), sum('status429')]).toEqual([10, 10, 10 - ok]);
			expect(stats.perSecond.map((s) => s.second)).toEqual(stats.perSecond.map((_, i) => i));
		} finally {
			await shared.close();
		}
	});
});

describe('as strict as Stripe', () => {
	it('Stripe-Should-Retry on 429s on request: failNext, and the limiters through faults.rateLimitShouldRetry', async () => {
		const stripe = client();
		d.failNext(1, { status: 429, shouldRetry: false });
		d.failNext(1, { status: 429, shouldRetry: true });
		d.failNext(1, { status: 429, code: 'lock_timeout', shouldRetry: null });
		const noRetry = await failure(stripe.customers.create({ name: 'a' }));
		const retry = await failure(stripe.customers.create({ name: 'a' }));
		const lock = await failure(stripe.customers.create({ name: 'a' }));
		expect(
			[noRetry, retry, lock].map((e) => [e.statusCode, e.code, e.headers?.['stripe-should-retry']]),
		).toEqual([
			[429, 'rate_limit', 'false'],
			[429, 'rate_limit', 'true'],
			[429, 'lock_timeout', undefined],
		]);
		d.setFaults({
			rateLimitWindow: { everyMs: 60_000, forMs: 60_000 },
			rateLimitShouldRetry: false,
		});
		const window = await failure(stripe.customers.list());
		expect([window.statusCode, window.headers?.['stripe-should-retry']]).toEqual([429, 'false']);
		// the SDK does not retry a 429 that says false, even with retries on
		d.requests.length = 0;
		await failure(client({ maxNetworkRetries: 2 }).customers.list());
		expect(d.requests).toHaveLength(1);
	});

	it('faults on every endpoint the node calls: tax IDs, attach, delete, list, search, retrieve (failNext and random)', async () => {
		const stripe = client();
		d.setSearchLag(0);
		const c = await stripe.customers.create({ email: 'f@example.com' });
		const routes: [string, () => Promise<unknown>][] = [
			[
				'POST /v1/customers/:id/tax_ids',
				() => stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: `DE${Math.random()}` }),
			],
			[
				'POST /v1/payment_methods/:id/attach',
				() => stripe.paymentMethods.attach('pm_card_visa', { customer: c.id }),
			],
			['GET /v1/customers', () => stripe.customers.list({ email: 'f@example.com' })],
			[
				'GET /v1/customers/search',
				() => stripe.customers.search({ query: "email:'f@example.com'" }),
			],
			['GET /v1/customers/:id', () => stripe.customers.retrieve(c.id)],
			['DELETE /v1/customers/:id', () => stripe.customers.del(c.id)],
		];
		for (const [route, call] of routes) {
			d.failNext(1, { status: 500 }, route);
			d.failNext(1, { status: 429 }, route);
			const [first, second] = [await failure(call()), await failure(call())];
			expect({ route, statuses: [first.statusCode, second.statusCode] }).toEqual({
				route,
				statuses: [500, 429],
			});
			await expect(call()).resolves.toBeTruthy();
		}
		// a queued fault for one route leaves the others alone; without a route it stays on the customer writes
		d.failNext(1, { status: 500 }, 'GET /v1/customers/search');
		d.failNext(1, { status: 500 });
		await expect(stripe.customers.list()).resolves.toBeTruthy();
		expect((await failure(stripe.customers.create({ name: 'x' }))).statusCode).toBe(500);
		expect(
			(await failure(stripe.customers.search({ query: "email:'x@example.com'" }))).statusCode,
		).toBe(500);

		// drop after commit on a tax ID: it exists, and a retry with the same key gets it
		const live = await stripe.customers.create({ name: 'live' });
		d.failNext(2, { drop: 'after-create' }, 'POST /v1/customers/:id/tax_ids');
		const lost = await failure(
			stripe.customers.createTaxId(
				live.id,
				{ type: 'eu_vat', value: 'DE999' },
				{ idempotencyKey: 'k-txi' },
			),
		);
		expect(lost.type).toBe('StripeConnectionError');
		const got = await stripe.customers.createTaxId(
			live.id,
			{ type: 'eu_vat', value: 'DE999' },
			{ idempotencyKey: 'k-txi' },
		);
		expect(got.lastResponse.headers['idempotent-replayed']).toBe('true');
		expect((await stripe.customers.listTaxIds(live.id)).data.map((t) => t.id)).toEqual([got.id]);

		// extra latency on one request; random faults on the routes asked for
		d.failNext(1, { delayMs: 30 }, '*');
		await stripe.customers.retrieve(live.id);
		expect(d.requests[d.requests.length - 1]).toMatchObject({
			status: 200,
			fault: 'failNext:delay-30',
		});
		d.setFaults({ error500Rate: 1, routes: ['GET /v1/customers'] });
		expect((await failure(stripe.customers.list())).statusCode).toBe(500);
		await expect(stripe.customers.create({ name: 'unaffected' })).resolves.toBeTruthy();
		expect(() => d.failNext(1, { status: 500 }, 'PATCH /v1/customers')).toThrow(/route names/);
	});

	it("Stripe's concurrency limiter: a request over the limit of requests in flight for its account gets a 429, nothing stored", async () => {
		const stripe = client();
		d.setConcurrencyLimit(2);
		d.setLatency(150);
		const settled = await Promise.all(
			Array.from({ length: 4 }, (_, i) =>
				stripe.customers.create({ name: `c${i}` }, { idempotencyKey: `k-conc-${i}` }).then(
					() => 200,
					(e: Stripe.errors.StripeError) => `${e.statusCode} ${e.code}`,
				),
			),
		);
		expect([...settled].sort()).toEqual([200, 200, '429 rate_limit', '429 rate_limit']);
		expect(d.requests.filter((r) => r.fault === 'concurrency:429')).toHaveLength(2);
		// another account is not held back by this one's requests
		const mixed = await Promise.all([
			stripe.customers.create({ name: 'p1' }),
			stripe.customers.create({ name: 'p2' }),
			stripe.customers.create({ name: 'connected' }, { stripeAccount: 'acct_busy_elsewhere' }),
		]);
		expect(mixed).toHaveLength(3);
		// the refused ones stored nothing: their keys execute now
		d.setLatency(0);
		const refused = settled.map((r, i) => (r === 200 ? -1 : i)).filter((i) => i >= 0);
		for (const i of refused) {
			const again = await stripe.customers.create(
				{ name: `c${i}` },
				{ idempotencyKey: `k-conc-${i}` },
			);
			expect(again.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		}
		expect(
			(await raw('POST', '/_double/faults', JSON.stringify({ concurrencyLimit: null }))).json
				.concurrencyLimit,
		).toBeNull();
	});
});
