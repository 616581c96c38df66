import Stripe from 'stripe';

import { startStripeDouble } from '../index';
import { useDoubleUnderTest, failure } from '../selfTestSetup';
import { sleep } from '../testClient';

// The idempotency store, as Stripe's docs describe it: a repeat of a request replays its stored answer (a 500 and a
// 4xx from the work too) for 24 hours, per account; a key in flight answers 409; a request refused before it ran
// stores nothing.

const { d, client, raw } = useDoubleUnderTest();

describe('idempotency', () => {
	it('replays the same key + params without creating, and rejects the same key with other params', async () => {
		const stripe = client();
		const a = await stripe.customers.create(
			{ email: 'x@example.com' },
			{ idempotencyKey: 'idem-1' },
		);
		const b = await stripe.customers.create(
			{ email: 'x@example.com' },
			{ idempotencyKey: 'idem-1' },
		);
		expect(b.id).toBe(a.id);
		expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
		expect(a.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		expect(d.customers).toHaveLength(1);
		expect(d.stats()).toMatchObject({ created: 1, replays: 1 });
		expect(d.requests.map((r) => r.replayed)).toEqual([false, true]);

		const err = await failure(
			stripe.customers.create({ email: 'y@example.com' }, { idempotencyKey: 'idem-1' }),
		);
		expect(err.type).toBe('StripeIdempotencyError');
		expect(err.statusCode).toBe(400);
		expect(err.message).toMatch(/same parameters/);

		// keys are scoped by account (and API key)
		const other = await stripe.customers.create(
			{ email: 'x@example.com' },
			{ idempotencyKey: 'idem-1', stripeAccount: 'acct_1' },
		);
		expect(other.id).not.toBe(a.id);
		expect(d.customers[1].account).toBe('acct_1');

		const long = await failure(stripe.customers.create({}, { idempotencyKey: 'k'.repeat(256) }));
		expect(long.statusCode).toBe(400);
		expect(d.customers).toHaveLength(2);
	});

	it('answers 409 idempotency_key_in_use while the first request is in flight', async () => {
		d.setLatency(150);
		const stripe = client();
		const first = stripe.customers.create({ name: 'slow' }, { idempotencyKey: 'busy' });
		await sleep(40);
		const second = await failure(
			stripe.customers.create({ name: 'slow' }, { idempotencyKey: 'busy' }),
		);
		expect(second.statusCode).toBe(409);
		// stripe-node maps a 409 to StripeAPIError; the raw Stripe type is kept in rawType
		expect(second.type).toBe('StripeAPIError');
		expect(second.rawType).toBe('idempotency_error');
		expect(second.code).toBe('idempotency_key_in_use');
		const c = await first;
		expect(d.customers).toHaveLength(1);
		// afterwards the key replays
		const again = await stripe.customers.create({ name: 'slow' }, { idempotencyKey: 'busy' });
		expect(again.id).toBe(c.id);
	});

	it('drop-after-create: the customer exists, and a retry with the same key returns it', async () => {
		const stripe = client();
		// the SDK retries a closed connection once even with maxNetworkRetries 0: drop both attempts
		d.failNext(2, { drop: 'after-create' });
		const err = await failure(
			stripe.customers.create({ email: 'drop@example.com' }, { idempotencyKey: 'drop-1' }),
		);
		expect(err.type).toBe('StripeConnectionError');
		expect(d.customers).toHaveLength(1);
		expect(d.stats()).toMatchObject({ created: 1, dropped: 2, replays: 1 });

		const retried = await stripe.customers.create(
			{ email: 'drop@example.com' },
			{ idempotencyKey: 'drop-1' },
		);
		expect(retried.id).toBe(d.customers[0].id);
		expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
		expect(d.customers).toHaveLength(1);
	});

	it("drop-after-create is healed by the SDK's own retry (same idempotency key)", async () => {
		d.failNext(1, { drop: 'after-create' });
		const c = await client().customers.create({ name: 'healed' });
		expect(d.customers.map((s) => s.id)).toEqual([c.id]);
		expect(d.requests.map((r) => [r.status, r.replayed, r.dropped])).toEqual([
			[0, false, 'after-create'],
			[200, true, undefined],
		]);
	});

	it('drop-before creates nothing', async () => {
		d.failNext(2, { drop: 'before' });
		const err = await failure(client().customers.create({ name: 'never' }));
		expect(err.type).toBe('StripeConnectionError');
		expect(d.customers).toHaveLength(0);
	});
});

describe('as strict as Stripe', () => {
	const replayed = (e: Stripe.errors.StripeError) => e.headers?.['idempotent-replayed'];

	it('a 500 after the work is stored and replayed (Stripe-Should-Retry: false, so the SDK does not retry); a 500 before it is not', async () => {
		const stripe = client({ maxNetworkRetries: 2 });
		d.failNext(1, { status: 500, after: 'commit' });
		const committed = await failure(
			stripe.customers.create({ name: 'ghost' }, { idempotencyKey: 'k-commit' }),
		);
		expect([
			committed.statusCode,
			committed.type,
			committed.headers?.['stripe-should-retry'],
		]).toEqual([500, 'StripeAPIError', 'false']);
		expect(d.requests).toHaveLength(1); // the SDK followed Stripe-Should-Retry: false
		expect(d.customers.map((c) => c.params.name)).toEqual(['ghost']); // the customer exists all the same
		const replay = await failure(
			stripe.customers.create({ name: 'ghost' }, { idempotencyKey: 'k-commit' }),
		);
		expect([replay.statusCode, replayed(replay), replay.headers?.['stripe-should-retry']]).toEqual([
			500,
			'true',
			'false',
		]);
		expect(d.requests.map((r) => r.fault ?? r.replayed)).toEqual([
			'failNext:500-after-commit',
			true,
		]);

		d.failNext(1, { status: 500, after: 'rollback' });
		await failure(
			stripe.customers.create({ name: 'rolled back' }, { idempotencyKey: 'k-rollback' }),
		);
		expect(
			replayed(
				await failure(
					stripe.customers.create({ name: 'rolled back' }, { idempotencyKey: 'k-rollback' }),
				),
			),
		).toBe('true');
		expect(d.customers).toHaveLength(1);

		// Stripe-Should-Retry set on request: a stored 500 that says "retry" is retried by the SDK, and only replays
		d.failNext(1, { status: 500, after: 'rollback', shouldRetry: true });
		const retried = await failure(
			stripe.customers.create({ name: 'still stored' }, { idempotencyKey: 'k-retry-true' }),
		);
		expect([
			retried.statusCode,
			retried.headers?.['stripe-should-retry'],
			replayed(retried),
		]).toEqual([500, 'true', 'true']);

		// before the work: nothing stored, Stripe-Should-Retry: true, the SDK's retry with the same key succeeds
		d.requests.length = 0;
		d.failNext(1, { status: 500 });
		const healed = await stripe.customers.create(
			{ name: 'healed' },
			{ idempotencyKey: 'k-before' },
		);
		expect(d.requests.map((r) => [r.status, r.replayed])).toEqual([
			[500, false],
			[200, false],
		]);
		expect(healed.lastResponse.headers['idempotent-replayed']).toBeUndefined();
	});

	it('stored answers are replayed for 24 h (idempotencyTtlMs), then the key executes anew', async () => {
		const stripe = client();
		const first = await stripe.customers.create({ name: 'once' }, { idempotencyKey: 'k-ttl' });
		expect((await stripe.customers.create({ name: 'once' }, { idempotencyKey: 'k-ttl' })).id).toBe(
			first.id,
		);
		const set = await raw('POST', '/_double/faults', JSON.stringify({ idempotencyTtlMs: 50 }));
		expect(set.json.idempotencyTtlMs).toBe(50);
		await sleep(80);
		const later = await stripe.customers.create({ name: 'once' }, { idempotencyKey: 'k-ttl' });
		expect(later.id).not.toBe(first.id);
		expect(later.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		d.reset();
		expect((await raw('POST', '/_double/faults', '{}')).json.idempotencyTtlMs).toBe(
			24 * 60 * 60 * 1000,
		);
	});

	it('refused before execution stores nothing: parameter validation, a concurrent request with the same key (409), a 429', async () => {
		const stripe = client();
		d.failNext(1, { status: 429 });
		expect(
			(await failure(stripe.customers.create({ name: 'a' }, { idempotencyKey: 'k-429' })))
				.statusCode,
		).toBe(429);
		const afterLimit = await stripe.customers.create({ name: 'a' }, { idempotencyKey: 'k-429' });
		expect(afterLimit.lastResponse.headers['idempotent-replayed']).toBeUndefined();
		d.setRateLimit(1);
		await Promise.allSettled([stripe.customers.list(), stripe.customers.list()]);
		const bucket = await failure(
			stripe.customers.create({ name: 'b' }, { idempotencyKey: 'k-bucket' }),
		);
		expect(bucket.statusCode).toBe(429);
		d.setRateLimit(undefined);
		expect(
			(await stripe.customers.create({ name: 'b' }, { idempotencyKey: 'k-bucket' })).lastResponse
				.headers['idempotent-replayed'],
		).toBeUndefined();
		expect(d.customers).toHaveLength(2);

		// a 409 for a key in flight stores nothing: the key then replays the first request's answer
		d.setLatency(100);
		const first = stripe.customers.create({ name: 'c' }, { idempotencyKey: 'k-409' });
		await sleep(30);
		expect(
			(await failure(stripe.customers.create({ name: 'c' }, { idempotencyKey: 'k-409' })))
				.statusCode,
		).toBe(409);
		const created = await first;
		const replay = await stripe.customers.create({ name: 'c' }, { idempotencyKey: 'k-409' });
		expect([replay.id, replay.lastResponse.headers['idempotent-replayed']]).toEqual([
			created.id,
			'true',
		]);

		// parameter validation stores nothing either: the key works with other parameters afterwards
		expect(
			(
				await failure(
					stripe.customers.create({ balance: 'lots' } as never, { idempotencyKey: 'k-invalid' }),
				)
			).statusCode,
		).toBe(400);
		await expect(
			stripe.customers.create({ balance: 5 }, { idempotencyKey: 'k-invalid' }),
		).resolves.toMatchObject({ balance: 5 });
	});

	it('idempotency keys are scoped to the account acted on, whichever of its API keys sends them', async () => {
		const multi = await startStripeDouble({
			accounts: {
				acct_platform: ['sk_test_platform_secret', 'rk_test_platform_restricted'],
				acct_elsewhere: ['sk_test_elsewhere'],
			},
		});
		try {
			const as = (key: string) =>
				new Stripe(key, {
					host: '127.0.0.1',
					port: multi.port,
					protocol: 'http',
					maxNetworkRetries: 0,
					telemetry: false,
				});
			const [secret, restricted, elsewhere] = [
				as('sk_test_platform_secret'),
				as('rk_test_platform_restricted'),
				as('sk_test_elsewhere'),
			];
			const a = await secret.customers.create({ name: 'one' }, { idempotencyKey: 'shared' });
			const b = await restricted.customers.create({ name: 'one' }, { idempotencyKey: 'shared' });
			expect([b.id, b.lastResponse.headers['idempotent-replayed']]).toEqual([a.id, 'true']);
			// two connected accounts: two results for one key
			const c1 = await secret.customers.create(
				{ name: 'one' },
				{ idempotencyKey: 'shared', stripeAccount: 'acct_c1' },
			);
			const c2 = await restricted.customers.create(
				{ name: 'one' },
				{ idempotencyKey: 'shared', stripeAccount: 'acct_c2' },
			);
			expect(new Set([a.id, c1.id, c2.id]).size).toBe(3);
			// another platform: its own keys and its own customers
			const other = await elsewhere.customers.create({ name: 'one' }, { idempotencyKey: 'shared' });
			expect(other.id).not.toBe(a.id);
			expect((await failure(elsewhere.customers.retrieve(a.id))).statusCode).toBe(404);
			// both keys of one account see its customers
			expect((await restricted.customers.list()).data.map((c) => c.id)).toEqual([a.id]);
			expect(multi.customers.map((c) => c.account)).toEqual([null, 'acct_c1', 'acct_c2', null]);
		} finally {
			await multi.close();
		}
	});
});
