import Stripe from 'stripe';
import {
	CREATE_PARAMS,
	DEFAULT_SECRET_KEYS,
	EVENT_TYPES,
	TAX_ID_TYPES,
	decodeForm,
	startStripeDouble,
	type StripeDouble,
} from './stripe-double';
import {
	SAMPLE_KEYS,
	agent,
	fileExists,
	rawRequest,
	sleep,
	startCli,
	startWebhookReceiver,
	type ReceivedDelivery,
} from './stripe-double/testClient';

const KEY = DEFAULT_SECRET_KEYS[0];
let d: StripeDouble;

type HttpAgent = Stripe.StripeConfig['httpAgent'];

function client(opts: Partial<Stripe.StripeConfig> = {}, key = KEY): Stripe {
	return new Stripe(key, {
		host: '127.0.0.1',
		port: d.port,
		protocol: 'http',
		maxNetworkRetries: 0,
		telemetry: false,
		...opts,
	});
}

/** Await a promise that must reject with a Stripe error; return the error. */
async function failure(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await p;
	} catch (err) {
		return err as Stripe.errors.StripeError;
	}
	throw new Error('expected the request to fail');
}

/** A raw HTTP request to the double (control endpoints, hand-written bodies). */
function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
	return rawRequest(d.url, method, path, { body, headers });
}

/** An object without some of its (enumerable) keys; the SDK's lastResponse is not enumerable. */
function without(o: object, ...keys: string[]) {
	return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

beforeAll(async () => {
	// Its webhook receivers listen on loopback, as a local setup's do.
	d = await startStripeDouble({ seed: 42, localWebhookUrls: true });
});
afterAll(async () => {
	await d.close();
});
beforeEach(() => d.reset());

describe('exports', () => {
	it('lists the create params and the 135 tax ID types of stripe@23.1.0', () => {
		expect(TAX_ID_TYPES).toHaveLength(135);
		expect(new Set(TAX_ID_TYPES).size).toBe(135);
		expect(TAX_ID_TYPES).toEqual(
			expect.arrayContaining(['eu_vat', 'gb_vat', 'ch_vat', 'us_ein', 'au_abn', 'zw_tin']),
		);
		expect([...CREATE_PARAMS].sort()).toEqual(
			[
				'address',
				'balance',
				'business_name',
				'cash_balance',
				'description',
				'email',
				'expand',
				'individual_name',
				'invoice_prefix',
				'invoice_settings',
				'metadata',
				'name',
				'next_invoice_sequence',
				'payment_method',
				'phone',
				'preferred_locales',
				'shipping',
				'source',
				'tax',
				'tax_exempt',
				'tax_id_data',
				'test_clock',
				'validate',
			].sort(),
		);
	});
});

describe('form decoding', () => {
	it('decodes brackets into nested objects and numeric indices into arrays, keeping strings', () => {
		expect(
			decodeForm(
				'shipping[address][line1]=1+Main%20St&tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=DE123' +
					'&tax_id_data[1][type]=gb_vat&tax_id_data[1][value]=GB1&preferred_locales[0]=de&preferred_locales[1]=en' +
					'&metadata%5Bplan%5D=pro&expand[]=a&expand[]=b&balance=-5&description=',
			),
		).toEqual({
			shipping: { address: { line1: '1 Main St' } },
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123' },
				{ type: 'gb_vat', value: 'GB1' },
			],
			preferred_locales: ['de', 'en'],
			metadata: { plan: 'pro' },
			expand: ['a', 'b'],
			balance: '-5',
			description: '',
		});
	});
});

describe('POST /v1/customers', () => {
	it('creates a customer from every kind of param and stores the decoded wire params', async () => {
		const stripe = client();
		const created = await stripe.customers.create({
			email: 'ada@example.com',
			name: 'Ada Lovelace',
			phone: '+44 20 7946 0000',
			description: 'first',
			balance: -500,
			business_name: 'Analytical Engines Ltd',
			address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y 4JH', country: 'GB' },
			shipping: { name: 'Ada', address: { line1: '1 Dock Rd', country: 'GB' }, phone: '123' },
			metadata: { plan: 'pro', seats: '5' },
			preferred_locales: ['en', 'de'],
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123456789' },
				{ type: 'gb_vat', value: 'GB123456789' },
			],
			tax_exempt: 'reverse',
			invoice_prefix: 'ADA01',
			next_invoice_sequence: 7,
			invoice_settings: { custom_fields: [{ name: 'PO', value: '42' }], footer: 'Thanks' },
			source: 'tok_visa',
			cash_balance: { settings: { reconciliation_mode: 'manual' } },
			tax: { validate_location: 'deferred' },
			validate: true,
			expand: ['tax_ids'],
		});

		expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
		expect(created).toMatchObject({
			object: 'customer',
			livemode: false,
			email: 'ada@example.com',
			balance: -500,
			metadata: { plan: 'pro', seats: '5' },
			preferred_locales: ['en', 'de'],
			tax_exempt: 'reverse',
			invoice_prefix: 'ADA01',
			next_invoice_sequence: 7,
			currency: null,
			address: {
				line1: '12 St James Sq',
				line2: null,
				city: 'London',
				postal_code: 'SW1Y 4JH',
				country: 'GB',
				state: null,
			},
			shipping: { name: 'Ada', phone: '123', address: { line1: '1 Dock Rd', country: 'GB' } },
			invoice_settings: {
				custom_fields: [{ name: 'PO', value: '42' }],
				footer: 'Thanks',
				default_payment_method: null,
			},
		});
		// the token became a card, and the card the default source
		expect(created.default_source).toMatch(/^card_[A-Za-z0-9]{24}$/);
		expect(created.tax_ids?.data.map((t) => [t.type, t.value])).toEqual([
			['eu_vat', 'DE123456789'],
			['gb_vat', 'GB123456789'],
		]);
		expect(created.lastResponse.requestId).toMatch(/^req_/);
		expect(created.lastResponse.headers['stripe-version']).toBe(Stripe.API_VERSION);

		expect(d.customers).toHaveLength(1);
		const stored = d.customers[0];
		expect(stored.id).toBe(created.id);
		expect(stored.account).toBeNull();
		expect(stored.apiVersion).toBe(Stripe.API_VERSION);
		expect(stored.idempotencyKey).toMatch(/^stripe-node-retry-/);
		expect(stored.params).toMatchObject({
			balance: '-500',
			next_invoice_sequence: '7',
			validate: 'true',
			shipping: { name: 'Ada', address: { line1: '1 Dock Rd', country: 'GB' }, phone: '123' },
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123456789' },
				{ type: 'gb_vat', value: 'GB123456789' },
			],
			preferred_locales: ['en', 'de'],
			metadata: { plan: 'pro', seats: '5' },
			invoice_settings: { custom_fields: [{ name: 'PO', value: '42' }], footer: 'Thanks' },
			expand: ['tax_ids'],
		});

		const fetched = await stripe.customers.retrieve(created.id);
		expect(without(fetched)).toEqual(without(created, 'tax_ids'));

		const req = d.requests[0];
		expect(req).toMatchObject({
			method: 'POST',
			path: '/v1/customers',
			status: 200,
			replayed: false,
		});
		expect(req.headers.authorization).toBe('redacted');
		expect(req.contentType).toBe('application/x-www-form-urlencoded');
		expect(decodeForm(req.rawBody)).toEqual(req.params);
		expect(JSON.stringify(d.requests)).not.toContain(KEY);
	});

	it('rejects unknown, removed and nested-unknown params without creating anything', async () => {
		const stripe = client();
		const cases: [Record<string, unknown>, string, string][] = [
			[{ account_balance: 100 }, 'account_balance', 'parameter_unknown'],
			[{ business_vat_id: 'DE1' }, 'business_vat_id', 'parameter_unknown'],
			[{ default_source: 'card_1' }, 'default_source', 'parameter_unknown'],
			[{ nickname: 'x' }, 'nickname', 'parameter_unknown'],
			[
				{ shipping: { name: 'A', address: { zip: '1' } } },
				'shipping[address][zip]',
				'parameter_unknown',
			],
			[{ shipping: { address: { line1: 'x' } } }, 'shipping[name]', 'parameter_missing'],
			[{ shipping: { name: 'A' } }, 'shipping[address]', 'parameter_missing'],
			[{ balance: 'abc' }, 'balance', 'parameter_invalid_integer'],
			[{ next_invoice_sequence: 1.5 }, 'next_invoice_sequence', 'parameter_invalid_integer'],
			[{ tax_id_data: [{ type: 'xx_vat', value: '1' }] }, 'tax_id_data[0][type]', ''],
			[{ tax_id_data: [{ type: 'eu_vat' }] }, 'tax_id_data[0][value]', 'parameter_missing'],
			[{ tax_exempt: 'sometimes' }, 'tax_exempt', ''],
			[{ email: 'a'.repeat(510) + '@x.io' }, 'email', ''],
			[{ invoice_prefix: 'abc' }, 'invoice_prefix', ''],
			[{ metadata: { ['k'.repeat(41)]: 'v' } }, `metadata[${'k'.repeat(41)}]`, ''],
			[{ metadata: { k: 'v'.repeat(501) } }, 'metadata[k]', ''],
			[
				{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
				'metadata',
				'',
			],
			[
				{
					invoice_settings: {
						custom_fields: Array.from({ length: 5 }, () => ({ name: 'n', value: 'v' })),
					},
				},
				'invoice_settings[custom_fields]',
				'',
			],
			[
				{ invoice_settings: { custom_fields: [{ name: 'n'.repeat(41), value: 'v' }] } },
				'invoice_settings[custom_fields][0][name]',
				'',
			],
			[
				{ cash_balance: { settings: { reconciliation_mode: 'auto' } } },
				'cash_balance[settings][reconciliation_mode]',
				'',
			],
			[{ tax: { validate_location: 'later' } }, 'tax[validate_location]', ''],
		];
		for (const [params, param, code] of cases) {
			const err = await failure(stripe.customers.create(params as Stripe.CustomerCreateParams));
			expect({ param: err.param, type: err.type, status: err.statusCode }).toEqual({
				param,
				type: 'StripeInvalidRequestError',
				status: 400,
			});
			if (code) expect(err.code).toBe(code);
			if (code === 'parameter_unknown')
				expect(err.message).toBe(`Received unknown parameter: ${param}`);
		}
		expect(d.customers).toHaveLength(0);

		// a validation failure is not stored: the same key works afterwards with other params
		const bad = await failure(
			stripe.customers.create({ nickname: 'x' } as never, { idempotencyKey: 'k-val' }),
		);
		expect(bad.code).toBe('parameter_unknown');
		const ok = await stripe.customers.create({ name: 'ok' }, { idempotencyKey: 'k-val' });
		expect(ok.name).toBe('ok');
	});

	it('accepts coupon and promotion_code only with API version 2025-02-24.acacia or older', async () => {
		const stripe = client();
		const err = await failure(stripe.customers.create({ coupon: 'SPRING' } as never));
		expect(err.code).toBe('parameter_unknown');
		expect(err.param).toBe('coupon');
		const err2 = await failure(
			stripe.customers.create({ promotion_code: 'promo_1' } as never, {
				apiVersion: '2025-03-31.basil',
			}),
		);
		expect(err2.param).toBe('promotion_code');

		const c = await stripe.customers.create({ coupon: 'SPRING' } as never, {
			apiVersion: '2025-02-24.acacia',
		});
		expect(c.discount).toEqual({ coupon: { id: 'SPRING' } });
		expect(c.lastResponse.headers['stripe-version']).toBe('2025-02-24.acacia');
		expect(d.customers[0].apiVersion).toBe('2025-02-24.acacia');
		await stripe.customers.create({ coupon: 'OLD' } as never, { apiVersion: '2020-08-27' });
		expect(d.customers).toHaveLength(2);
	});
});

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

describe('GET /v1/customers', () => {
	it('lists by exact, case-sensitive email, newest first, paginates and scopes per account', async () => {
		const stripe = client();
		const a1 = await stripe.customers.create({ email: 'alice@example.com', name: '1' });
		await stripe.customers.create({ email: 'Alice@example.com', name: 'upper' });
		await stripe.customers.create({ email: 'bob@example.com' });
		const a2 = await stripe.customers.create({ email: 'alice@example.com', name: '2' });
		const a3 = await stripe.customers.create({ email: 'alice@example.com', name: '3' });
		await stripe.customers.create({ email: 'alice@example.com' }, { stripeAccount: 'acct_other' });

		const list = await stripe.customers.list({ email: 'alice@example.com' });
		expect(list).toMatchObject({ object: 'list', has_more: false, url: '/v1/customers' });
		expect(list.data.map((c) => c.id)).toEqual([a3.id, a2.id, a1.id]);

		const upper = await stripe.customers.list({ email: 'Alice@example.com' });
		expect(upper.data.map((c) => c.name)).toEqual(['upper']);
		expect((await stripe.customers.list({ email: 'ALICE@example.com' })).data).toEqual([]);

		const page1 = await stripe.customers.list({ email: 'alice@example.com', limit: 2 });
		expect(page1.has_more).toBe(true);
		const page2 = await stripe.customers.list({
			email: 'alice@example.com',
			limit: 2,
			starting_after: page1.data[1].id,
		});
		expect(page2.data.map((c) => c.id)).toEqual([a1.id]);
		expect(page2.has_more).toBe(false);

		const all = await stripe.customers.list({ limit: 100 });
		expect(all.data).toHaveLength(5);
		const other = await stripe.customers.list(
			{ email: 'alice@example.com' },
			{ stripeAccount: 'acct_other' },
		);
		expect(other.data).toHaveLength(1);

		const auto = await stripe.customers.list({ limit: 1 }).autoPagingToArray({ limit: 10 });
		expect(auto).toHaveLength(5);

		const bad = await failure(stripe.customers.list({ limit: 101 }));
		expect([bad.statusCode, bad.param]).toEqual([400, 'limit']);
	});
});

describe('customer by id', () => {
	it('retrieves, 404s on unknown ids and other accounts', async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'r' });
		expect((await stripe.customers.retrieve(c.id)).id).toBe(c.id);
		const missing = await failure(stripe.customers.retrieve('cus_missing'));
		expect([missing.statusCode, missing.code, missing.param]).toEqual([
			404,
			'resource_missing',
			'id',
		]);
		const scoped = await failure(stripe.customers.retrieve(c.id, {}, { stripeAccount: 'acct_x' }));
		expect(scoped.statusCode).toBe(404);
	});

	it('updates: merges fields and metadata, re-indexes email, validates like Stripe', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			email: 'old@example.com',
			name: 'Old',
			metadata: { a: '1', b: '2' },
		});
		const u = await stripe.customers.update(c.id, {
			email: 'new@example.com',
			metadata: { a: '', c: '3' },
			default_source: 'card_123',
			address: { line1: 'x', country: 'DE' },
			balance: 250,
		});
		expect(u).toMatchObject({
			id: c.id,
			name: 'Old',
			email: 'new@example.com',
			metadata: { b: '2', c: '3' },
			default_source: 'card_123',
			balance: 250,
			address: { line1: 'x', country: 'DE' },
		});
		expect(d.customers[0].customer.email).toBe('new@example.com');
		expect((await stripe.customers.list({ email: 'old@example.com' })).data).toEqual([]);
		expect(
			(await stripe.customers.list({ email: 'new@example.com' })).data.map((x) => x.id),
		).toEqual([c.id]);

		const taxErr = await failure(
			stripe.customers.update(c.id, { tax_id_data: [{ type: 'eu_vat', value: 'DE1' }] } as never),
		);
		expect([taxErr.code, taxErr.param]).toEqual(['parameter_unknown', 'tax_id_data']);
		const missing = await failure(stripe.customers.update('cus_nope', { name: 'x' }));
		expect(missing.statusCode).toBe(404);

		const cleared = await stripe.customers.update(c.id, { metadata: '' });
		expect(cleared.metadata).toEqual({});

		const txi = await stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'DE123456789' });
		expect(txi).toMatchObject({
			object: 'tax_id',
			type: 'eu_vat',
			value: 'DE123456789',
			customer: c.id,
		});
		expect(txi.id).toMatch(/^txi_/);
		const badTx = await failure(
			stripe.customers.createTaxId(c.id, { type: 'zz_vat' as never, value: '1' }),
		);
		expect(badTx.param).toBe('type');
	});
});

describe('auth, balance and headers', () => {
	it('401 for an unknown key without echoing it; publishable keys cannot create', async () => {
		const unknownKey = SAMPLE_KEYS.unknown;
		const err = await failure(client({}, unknownKey).customers.create({ name: 'x' }));
		expect(err.type).toBe('StripeAuthenticationError');
		expect(err.statusCode).toBe(401);
		expect(err.message).toContain('Invalid API Key provided');
		expect(err.message).not.toContain(unknownKey);
		expect(err.message).not.toContain('thisIsNotAValidKey');
		expect(err.message).toContain('9876');

		const pk = await failure(client({}, SAMPLE_KEYS.publishable).customers.create({ name: 'x' }));
		expect(pk.statusCode).toBe(401);
		expect(pk.message).toMatch(/publishable API key/);
		expect(d.customers).toHaveLength(0);
		expect(JSON.stringify(d.requests)).not.toContain(unknownKey);
	});

	it('accepts any configured key; GET /v1/balance works', async () => {
		const d2 = await startStripeDouble({ secretKeys: ['sk_test_one', 'rk_test_two'] });
		try {
			const s = new Stripe('rk_test_two', {
				host: '127.0.0.1',
				port: d2.port,
				protocol: 'http',
				maxNetworkRetries: 0,
			});
			await expect(s.balance.retrieve()).resolves.toMatchObject({
				object: 'balance',
				available: [],
				pending: [],
				livemode: false,
			});
			const s2 = new Stripe(KEY, {
				host: '127.0.0.1',
				port: d2.port,
				protocol: 'http',
				maxNetworkRetries: 0,
			});
			expect((await failure(s2.balance.retrieve())).statusCode).toBe(401);
		} finally {
			await d2.close();
		}
	});
});

describe('control endpoints', () => {
	it('state, faults and reset over HTTP', async () => {
		const set = await raw(
			'POST',
			'/_double/faults',
			JSON.stringify({ failNext: { n: 1, how: { status: 500 } }, latencyMs: 0 }),
			{ 'Content-Type': 'application/json' },
		);
		expect(set.status).toBe(200);
		const stripe = client();
		expect((await failure(stripe.customers.create({ name: 'a' }))).statusCode).toBe(500);
		await stripe.customers.create({ name: 'b' });

		const state = await raw('GET', '/_double/state');
		expect(state.json.customers).toHaveLength(1);
		expect(state.json.requests.map((r: { status: number }) => r.status)).toEqual([500, 200]);
		expect(state.json.stats).toMatchObject({ created: 1, status: { 500: 1, 200: 1 } });

		expect((await raw('POST', '/_double/reset')).status).toBe(200);
		expect(d.customers).toHaveLength(0);
		expect(d.requests).toHaveLength(0);

		const bad = await raw('POST', '/_double/faults', '{not json');
		expect(bad.status).toBe(400);
	});

	it('every /v1 response carries Request-Id and Stripe-Version; unknown routes 404', async () => {
		const r = await raw('GET', '/v1/nope', undefined, {
			Authorization: `Bearer ${KEY}`,
			'Stripe-Version': '2024-06-20',
		});
		expect(r.status).toBe(404);
		expect(r.headers['request-id']).toMatch(/^req_/);
		expect(r.headers['stripe-version']).toBe('2024-06-20');
		const noAuth = await raw('GET', '/v1/balance');
		expect(noAuth.status).toBe(401);
		expect(noAuth.headers['stripe-version']).toBe('2026-10-28.endive');
		expect(noAuth.json.error.type).toBe('invalid_request_error');
	});
});

describe('DELETE /v1/customers/:id', () => {
	it('deletes; the deleted customer answers {deleted: true}, is gone from list and search, and cannot be deleted or updated again', async () => {
		d.setSearchLag(0);
		const stripe = client();
		const gone = await stripe.customers.create({ email: 'gone@example.com', name: 'Gone' });
		const kept = await stripe.customers.create({ email: 'kept@example.com', name: 'Kept' });

		const deleted = await stripe.customers.del(gone.id);
		expect({ ...deleted, lastResponse: undefined }).toEqual({
			id: gone.id,
			object: 'customer',
			deleted: true,
			lastResponse: undefined,
		});
		const fetched = await stripe.customers.retrieve(gone.id);
		expect(fetched).toMatchObject({ id: gone.id, object: 'customer', deleted: true });
		expect(
			Object.keys(fetched)
				.filter((k) => k !== 'lastResponse')
				.sort(),
		).toEqual(['deleted', 'id', 'object']);

		const again = await failure(stripe.customers.del(gone.id));
		expect([again.statusCode, again.code, again.param, again.message]).toEqual([
			404,
			'resource_missing',
			'id',
			`No such customer: '${gone.id}'`,
		]);
		expect(again.headers?.['stripe-should-retry']).toBe('false');
		const update = await failure(stripe.customers.update(gone.id, { name: 'back' }));
		expect([update.statusCode, update.code, update.param]).toEqual([404, 'resource_missing', 'id']);
		const taxId = await failure(
			stripe.customers.createTaxId(gone.id, { type: 'eu_vat', value: 'DE123456789' }),
		);
		expect(taxId.statusCode).toBe(404);

		expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([kept.id]);
		expect((await stripe.customers.list({ email: 'gone@example.com' })).data).toEqual([]);
		expect(
			(await stripe.customers.search({ query: "name~'Gon' OR name:'Kept'" })).data.map((c) => c.id),
		).toEqual([kept.id]);
		expect(d.stats()).toMatchObject({ created: 2, deleted: 1 });
		expect(d.customers.map((c) => c.deleted)).toEqual([true, undefined]);
		expect(d.requests.find((r) => r.method === 'DELETE')).toMatchObject({
			path: `/v1/customers/${gone.id}`,
			status: 200,
			rawBody: '',
		});
	});

	it('faults apply to deletes too: an injected 500 deletes nothing', async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'x' });
		d.failNext(1, { status: 500 });
		expect((await failure(stripe.customers.del(c.id))).statusCode).toBe(500);
		expect((await stripe.customers.retrieve(c.id)).deleted).toBeUndefined();
	});
});

describe('GET /v1/customers/search', () => {
	// the query language: search caught up at once (the lag has its own test)
	beforeEach(() => d.setSearchLag(0));
	async function seed(stripe: Stripe) {
		const ada = await stripe.customers.create({
			email: 'ada@example.com',
			name: 'Ada Lovelace',
			phone: '+44 20 1',
			metadata: { plan: 'Pro' },
		});
		const grace = await stripe.customers.create({
			email: 'grace@navy.example',
			name: 'Grace Hopper',
			metadata: { plan: 'free' },
		});
		const alan = await stripe.customers.create({
			email: 'alan@example.com',
			name: "Alan O'Turing",
			description: 'has a description',
		});
		return { ada, grace, alan };
	}
	const ids = (r: Stripe.ApiSearchResult<Stripe.Customer>) => r.data.map((c) => c.id);

	it('answers a search_result, newest first, for the query language subset Stripe offers on customers', async () => {
		const stripe = client();
		const { ada, grace, alan } = await seed(stripe);
		const search = (query: string) => stripe.customers.search({ query });

		const byEmail = await search("email:'ADA@example.com'");
		expect(byEmail).toMatchObject({
			object: 'search_result',
			url: '/v1/customers/search',
			has_more: false,
			next_page: null,
		});
		expect(ids(byEmail)).toEqual([ada.id]);
		expect(ids(await search('email~"example.com"'))).toEqual([alan.id, ada.id]);
		expect(ids(await search('name~"hopp"'))).toEqual([grace.id]);
		expect(ids(await search('name:"alan o\\\'turing"'))).toEqual([alan.id]);
		expect(ids(await search(`name:"Alan O'Turing"`))).toEqual([alan.id]);
		expect(ids(await search("phone:'+44 20 1'"))).toEqual([ada.id]);
		// metadata values are tokens: exact and case-sensitive
		expect(ids(await search("metadata['plan']:'Pro'"))).toEqual([ada.id]);
		expect(ids(await search("metadata['plan']:'pro'"))).toEqual([]);
		expect(ids(await search('metadata["plan"]:null'))).toEqual([alan.id]);
		expect(ids(await search("-metadata['plan']:'free' email~'example'"))).toEqual([
			alan.id,
			ada.id,
		]);
		expect(ids(await search("-email:'ada@example.com' AND -email:'alan@example.com'"))).toEqual([
			grace.id,
		]);
		expect(ids(await search("email:'ada@example.com' or email:'alan@example.com'"))).toEqual([
			alan.id,
			ada.id,
		]);
		expect(ids(await search("metadata['plan']:'free' AND name:'Ada Lovelace'"))).toEqual([]);
		const created = ada.created;
		expect(ids(await search(`created>=${created}`))).toEqual([alan.id, grace.id, ada.id]);
		expect(ids(await search(`created>${created + 100} OR email:'grace@navy.example'`))).toEqual([
			grace.id,
		]);
		expect(ids(await search(`created<${created}`))).toEqual([]);
		const sameSecondAsAda = [alan, grace, ada]
			.filter((c) => c.created === created)
			.map((c) => c.id);
		expect(ids(await search(`created<=${alan.created} AND created=${created}`))).toEqual(
			sameSecondAsAda,
		);
		expect(ids(await search(`created:${created}`))).toEqual(sameSecondAsAda);
		// other accounts are not searched
		expect(
			(await stripe.customers.search({ query: "email~'example'" }, { stripeAccount: 'acct_other' }))
				.data,
		).toEqual([]);
	});

	it('pages with next_page (limit 1-100, default 10) and counts with expand total_count', async () => {
		const stripe = client();
		const made = [];
		for (let i = 0; i < 12; i++)
			made.push(await stripe.customers.create({ email: `page${i}@example.com` }));
		const newestFirst = made.map((c) => c.id).reverse();

		const first = await stripe.customers.search({ query: "email~'page'" });
		expect(ids(first)).toEqual(newestFirst.slice(0, 10));
		expect(first.has_more).toBe(true);
		expect(typeof first.next_page).toBe('string');
		const second = await stripe.customers.search({ query: "email~'page'", page: first.next_page! });
		expect(ids(second)).toEqual(newestFirst.slice(10));
		expect([second.has_more, second.next_page]).toEqual([false, null]);

		const all = await stripe.customers
			.search({ query: "email~'page'", limit: 5 })
			.autoPagingToArray({ limit: 100 });
		expect(all.map((c) => c.id)).toEqual(newestFirst);
		const counted = await stripe.customers.search({
			query: "email~'page'",
			limit: 1,
			expand: ['total_count'],
		});
		expect(counted.total_count).toBe(12);

		const wrongPage = await failure(
			stripe.customers.search({ query: "email~'other'", page: first.next_page! }),
		);
		expect([wrongPage.statusCode, wrongPage.param]).toEqual([400, 'page']);
		for (const limit of [0, 101]) {
			const bad = await failure(stripe.customers.search({ query: "email~'page'", limit }));
			expect([bad.statusCode, bad.param]).toEqual([400, 'limit']);
		}
	});

	it('refuses queries Stripe refuses, with param query and a message that says why', async () => {
		const stripe = client();
		const cases: [string, RegExp][] = [
			["email:'a@example.com' AND name:'A' OR name:'B'", /AND and OR cannot be combined/],
			["email:'a@example.com' name:'A' OR name:'B'", /AND and OR cannot be combined/],
			["name~'ab'", /at least 3 characters/],
			[
				"description:'vip'",
				/'description' is not supported.*created, email, metadata, name, phone/,
			],
			['email:a@example.com', /must be quoted/],
			["email:'unterminated", /unterminated/],
			["email:'a@example.com' AND", /ends with AND/],
			["metadata['plan']~'pro'", /exact matches/],
			["created~'2024'", /numeric/],
			["created>'yesterday'", /integer Unix timestamp/],
			["name>'A'", /not numeric/],
			["metadata.plan:'pro'", /not supported/],
			['   ', /empty/],
			[Array.from({ length: 11 }, (_, i) => `name:'n${i}'`).join(' OR '), /at most 10 clauses/],
		];
		for (const [query, message] of cases) {
			const err = await failure(stripe.customers.search({ query }));
			expect({ query, status: err.statusCode, type: err.type, param: err.param }).toEqual({
				query,
				status: 400,
				type: 'StripeInvalidRequestError',
				param: 'query',
			});
			expect(err.message).toMatch(message);
		}
		const missing = await failure(stripe.customers.search({} as Stripe.CustomerSearchParams));
		expect([missing.code, missing.param]).toEqual(['parameter_missing', 'query']);
	});

	it('searchLagMs: new and changed customers reach search late while list is consistent at once', async () => {
		const stripe = client();
		const old = await stripe.customers.create({ email: 'lag-old@example.com', name: 'Before' });
		const doomed = await stripe.customers.create({
			email: 'lag-doomed@example.com',
			name: 'Doomed',
		});
		d.setSearchLag(60_000);
		const fresh = await stripe.customers.create({ email: 'lag-new@example.com', name: 'Fresh' });
		await stripe.customers.update(old.id, { name: 'After' });
		await stripe.customers.del(doomed.id);

		const search = async (query: string) => ids(await stripe.customers.search({ query }));
		expect(await search("email~'lag-'")).toEqual([doomed.id, old.id]);
		expect(await search("name:'Before'")).toEqual([old.id]);
		expect(await search("name:'After'")).toEqual([]);
		expect(
			(await stripe.customers.list({ email: 'lag-new@example.com' })).data.map((c) => c.id),
		).toEqual([fresh.id]);
		expect((await stripe.customers.retrieve(old.id)) as Stripe.Customer).toMatchObject({
			name: 'After',
		});

		d.setSearchLag(0); // search catches up
		expect(await search("email~'lag-'")).toEqual([fresh.id, old.id]);
		expect(await search("name:'After'")).toEqual([old.id]);

		// also through the control endpoint
		const set = await raw('POST', '/_double/faults', JSON.stringify({ searchLagMs: 60_000 }));
		expect(set.json.searchLagMs).toBe(60_000);
		await stripe.customers.create({ email: 'lag-later@example.com' });
		expect(await search("email:'lag-later@example.com'")).toEqual([]);
	});
});

describe('GET /v1/customers filters', () => {
	it('created[gt|gte|lt|lte], ending_before and has_more behave as at Stripe', async () => {
		const stripe = client();
		const made: Stripe.Customer[] = [];
		for (let i = 0; i < 5; i++) made.push(await stripe.customers.create({ name: `c${i}` }));
		const t = made[0].created;
		const names = (l: Stripe.ApiList<Stripe.Customer>) => l.data.map((c) => c.name);
		const list = (p: Stripe.CustomerListParams) => stripe.customers.list(p);

		expect(names(await list({ created: { gte: t } }))).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
		expect(names(await list({ created: { gt: t - 1, lte: made[4].created } }))).toHaveLength(5);
		expect(names(await list({ created: t }))).toEqual(
			made
				.filter((c) => c.created === t)
				.map((c) => c.name)
				.reverse(),
		);
		expect(names(await list({ created: { gt: made[4].created } }))).toEqual([]);
		expect(names(await list({ created: { lt: t } }))).toEqual([]);

		// ending_before: the customers just newer than the cursor, newest first
		const before = await list({ ending_before: made[0].id, limit: 2 });
		expect(names(before)).toEqual(['c2', 'c1']);
		expect(before.has_more).toBe(true);
		expect((await list({ ending_before: made[2].id, limit: 2 })).has_more).toBe(false);
		const after = await list({ starting_after: made[3].id, limit: 3 });
		expect([names(after), after.has_more]).toEqual([['c2', 'c1', 'c0'], false]);

		const both = await failure(list({ starting_after: made[1].id, ending_before: made[3].id }));
		expect([both.statusCode, both.code]).toEqual([400, 'parameters_exclusive']);
		const badOp = await failure(list({ created: { after: t } as never }));
		expect([badOp.code, badOp.param]).toEqual(['parameter_unknown', 'created[after]']);
		const badInt = await failure(list({ created: { gte: 'soon' as never } }));
		expect([badInt.code, badInt.param]).toEqual(['parameter_invalid_integer', 'created[gte]']);
		const unknownCursor = await failure(list({ starting_after: 'cus_nope' }));
		expect([unknownCursor.statusCode, unknownCursor.param]).toEqual([404, 'starting_after']);
	});
});

describe('POST /v1/payment_methods/:id/attach', () => {
	it("attaches a payment method; Stripe's test payment methods (pm_card_…) make a new one each time", async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'pm' });
		const other = await stripe.customers.create({ name: 'other' });
		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		expect(pm).toMatchObject({
			object: 'payment_method',
			customer: c.id,
			type: 'card',
			livemode: false,
		});
		expect(pm.id).toMatch(/^pm_[A-Za-z0-9]{24}$/);
		expect(d.customers[0].paymentMethods).toEqual([pm.id]);
		// the test card again: another new payment method, here for the other customer
		const copy = await stripe.paymentMethods.attach('pm_card_visa', { customer: other.id });
		expect(copy.id).not.toBe(pm.id);
		const own = await stripe.paymentMethods.attach('pm_1OwnPaymentMethod', { customer: c.id });
		expect(own.id).toBe('pm_1OwnPaymentMethod');

		const noCustomer = await failure(
			stripe.paymentMethods.attach('pm_card_mastercard', { customer: 'cus_missing' }),
		);
		expect([noCustomer.statusCode, noCustomer.code, noCustomer.param]).toEqual([
			404,
			'resource_missing',
			'customer',
		]);
		const notPm = await failure(stripe.paymentMethods.attach('card_123', { customer: c.id }));
		expect([notPm.statusCode, notPm.message]).toEqual([404, "No such PaymentMethod: 'card_123'"]);
		const noParam = await failure(
			stripe.paymentMethods.attach('pm_card_amex', {} as Stripe.PaymentMethodAttachParams),
		);
		expect([noParam.code, noParam.param]).toEqual(['parameter_missing', 'customer']);

		// create with payment_method attaches it too
		await stripe.customers.create({ payment_method: 'pm_card_amex' });
		expect(d.customers[2].paymentMethods).toEqual([expect.stringMatching(/^pm_[A-Za-z0-9]{24}$/)]);
	});
});

describe('transport', () => {
	it('HTTPS: the SDK keeps one connection alive; a new agent per request costs a TCP connection and a TLS handshake each', async () => {
		const tls = await startStripeDouble({ https: true });
		try {
			expect(tls.url).toBe(`https://127.0.0.1:${tls.port}`);
			expect(tls.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
			expect(fileExists(tls.caFile!)).toBe(true);
			const over = (httpAgent: HttpAgent) =>
				new Stripe(KEY, {
					host: '127.0.0.1',
					port: tls.port,
					protocol: 'https',
					httpAgent,
					maxNetworkRetries: 0,
					telemetry: false,
				});

			const sdk = over(agent({ https: true, ca: tls.caPem, keepAlive: true }));
			for (let i = 0; i < 20; i++) await sdk.customers.create({ email: `keep${i}@example.com` });
			expect(tls.stats()).toMatchObject({
				created: 20,
				connections: 1,
				tlsHandshakes: 1,
				tlsResumed: 0,
			});
			expect(new Set(tls.requests.map((r) => r.connectionId)).size).toBe(1);

			tls.reset();
			for (let i = 0; i < 20; i++)
				await over(agent({ https: true, ca: tls.caPem })).customers.create({
					email: `fresh${i}@example.com`,
				});
			expect(tls.stats()).toMatchObject({
				created: 20,
				connections: 20,
				tlsHandshakes: 20,
				tlsResumed: 0,
			});
			expect(new Set(tls.requests.map((r) => r.connectionId)).size).toBe(20);

			// one agent without keep-alive: new connections, but its cached TLS session is resumed
			tls.reset();
			const noKeepAlive = over(agent({ https: true, ca: tls.caPem, keepAlive: false }));
			for (let i = 0; i < 5; i++)
				await noKeepAlive.customers.create({ email: `resumed${i}@example.com` });
			expect(tls.stats()).toMatchObject({ connections: 5, tlsHandshakes: 1, tlsResumed: 4 });

			// the certificate names localhost too; a client that does not trust it is refused
			const viaLocalhost = await rawRequest(tls.url, 'GET', '/v1/balance', {
				host: 'localhost',
				ca: tls.caPem,
				headers: { Authorization: `Bearer ${KEY}` },
			});
			expect(viaLocalhost.status).toBe(200);
			const untrusted = await failure(over(agent({ https: true })).balance.retrieve());
			expect(untrusted.type).toBe('StripeConnectionError');

			const state = (await fetch(`${tls.controlUrl}/_double/state`).then((r) => r.json())) as {
				stats: { created: number };
			};
			expect(state.stats.created).toBe(5);
		} finally {
			await tls.close();
		}
		expect(fileExists(tls.caFile!)).toBe(false);
	});

	it('plain HTTP: keep-alive reuse is visible in connectionId and stats().connections', async () => {
		const keepAlive = client({ httpAgent: agent({ keepAlive: true }) });
		for (let i = 0; i < 5; i++) await keepAlive.customers.create({ name: `k${i}` });
		expect(new Set(d.requests.map((r) => r.connectionId)).size).toBe(1);
		expect(d.stats().connections).toBe(1);
		d.reset();
		for (let i = 0; i < 5; i++)
			await client({ httpAgent: agent({ keepAlive: false }) }).customers.create({ name: `n${i}` });
		expect(new Set(d.requests.map((r) => r.connectionId)).size).toBe(5);
		expect(d.stats().connections).toBe(5);
	});

	it('records the raw body and content type byte for byte, whatever the client sends', async () => {
		await client().customers.create({
			email: 'raw@example.com',
			metadata: { plan: 'pro' },
			preferred_locales: ['de', 'en'],
		});
		expect(d.requests[0].rawBody).toBe(
			'email=raw%40example.com&metadata[plan]=pro&preferred_locales[0]=de&preferred_locales[1]=en',
		);
		expect(d.requests[0].contentType).toBe('application/x-www-form-urlencoded');

		const body = 'email=raw2%40example.com&metadata%5Bplan%5D=pro';
		const res = await raw('POST', '/v1/customers', body, {
			Authorization: `Bearer ${KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
		});
		expect(res.status).toBe(200);
		expect(d.requests[1]).toMatchObject({
			rawBody: body,
			contentType: 'application/x-www-form-urlencoded; charset=utf-8',
			params: { email: 'raw2@example.com', metadata: { plan: 'pro' } },
		});
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

describe('CLI', () => {
	it('--https prints {url, port, caFile, controlUrl}; SIGTERM closes and removes the certificate', async () => {
		const cli = await startCli([
			'--port',
			'0',
			'--key',
			'sk_test_cli_1',
			'--https',
			'--retry-after',
			'2',
			'--search-lag',
			'10',
		]);
		try {
			const info = cli.info as { url: string; port: number; caFile: string; controlUrl: string };
			expect(Object.keys(info).sort()).toEqual(['caFile', 'controlUrl', 'port', 'url']);
			expect(info.url).toBe(`https://127.0.0.1:${info.port}`);
			expect(fileExists(info.caFile)).toBe(true);
			const faults = await rawRequest(info.controlUrl, 'POST', '/_double/faults', { body: '{}' });
			expect(faults.json).toMatchObject({ retryAfterSeconds: 2, searchLagMs: 10 });
			expect(await cli.stop('SIGTERM')).toBe(0);
			expect(fileExists(info.caFile)).toBe(false);
		} finally {
			cli.kill();
		}
	});
});

describe('webhook endpoints', () => {
	const url = 'https://hooks.example.com/stripe';

	it('create answers the signing secret once; retrieve, list, update and delete answer as Stripe does', async () => {
		const stripe = client();
		const made = await stripe.webhookEndpoints.create({
			url,
			enabled_events: ['customer.created', 'customer.updated'],
			api_version: '2025-02-24.acacia',
			description: 'n8n workflow 7',
			metadata: { n8n_workflow: '7' },
		});
		expect(made).toMatchObject({
			object: 'webhook_endpoint',
			url,
			enabled_events: ['customer.created', 'customer.updated'],
			api_version: '2025-02-24.acacia',
			description: 'n8n workflow 7',
			metadata: { n8n_workflow: '7' },
			status: 'enabled',
			livemode: false,
			application: null,
		});
		expect(made.id).toMatch(/^we_[A-Za-z0-9]{24}$/);
		expect(made.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
		expect(d.webhookEndpoints[0]).toMatchObject({
			id: made.id,
			secret: made.secret,
			connect: false,
			account: null,
		});

		const fetched = await stripe.webhookEndpoints.retrieve(made.id);
		expect(fetched.secret).toBeUndefined();
		expect(without(fetched)).toEqual(without(made, 'secret'));

		const updated = await stripe.webhookEndpoints.update(made.id, {
			enabled_events: ['*'],
			disabled: true,
			metadata: { n8n_workflow: '', node: 'trigger' },
			description: '',
		});
		expect(updated).toMatchObject({
			enabled_events: ['*'],
			status: 'disabled',
			metadata: { node: 'trigger' },
			description: null,
		});
		expect(updated.secret).toBeUndefined();
		expect((await stripe.webhookEndpoints.update(made.id, { disabled: false })).status).toBe(
			'enabled',
		);

		const second = await stripe.webhookEndpoints.create({ url: `${url}/2`, enabled_events: ['*'] });
		const third = await stripe.webhookEndpoints.create({ url: `${url}/3`, enabled_events: ['*'] });
		const page1 = await stripe.webhookEndpoints.list({ limit: 2 });
		expect([page1.data.map((w) => w.id), page1.has_more]).toEqual([[third.id, second.id], true]);
		expect(page1.data.every((w) => w.secret === undefined)).toBe(true);
		const page2 = await stripe.webhookEndpoints.list({ limit: 2, starting_after: second.id });
		expect([page2.data.map((w) => w.id), page2.has_more]).toEqual([[made.id], false]);
		expect((await stripe.webhookEndpoints.list({}, { stripeAccount: 'acct_other' })).data).toEqual(
			[],
		);
		expect(
			(
				await failure(
					stripe.webhookEndpoints.retrieve(made.id, {}, { stripeAccount: 'acct_other' }),
				)
			).statusCode,
		).toBe(404);

		const gone = await stripe.webhookEndpoints.del(made.id);
		expect(without(gone)).toEqual({ id: made.id, object: 'webhook_endpoint', deleted: true });
		const again = await failure(stripe.webhookEndpoints.del(made.id));
		expect([again.statusCode, again.code, again.message]).toEqual([
			404,
			'resource_missing',
			`No such webhook endpoint: '${made.id}'`,
		]);
		expect((await failure(stripe.webhookEndpoints.retrieve(made.id))).statusCode).toBe(404);
		expect((await stripe.webhookEndpoints.list()).data.map((w) => w.id)).toEqual([
			third.id,
			second.id,
		]);
	});

	it("at most 16 endpoints per account, the 17th refused with Stripe's error; a connected account has its own 16", async () => {
		const stripe = client();
		for (let i = 0; i < 16; i++)
			await stripe.webhookEndpoints.create({ url: `${url}/${i}`, enabled_events: ['*'] });
		const over = await failure(
			stripe.webhookEndpoints.create({ url: `${url}/16`, enabled_events: ['*'] }),
		);
		expect([over.statusCode, over.type, over.code, over.message]).toEqual([
			400,
			'StripeInvalidRequestError',
			undefined,
			'You have reached the maximum of 16 test webhook endpoints.',
		]);
		await stripe.webhookEndpoints.create(
			{ url, enabled_events: ['*'] },
			{ stripeAccount: 'acct_connected' },
		);
		// deleting one makes room again
		await stripe.webhookEndpoints.del(d.webhookEndpoints[0].id);
		await expect(
			stripe.webhookEndpoints.create({ url: `${url}/16`, enabled_events: ['*'] }),
		).resolves.toMatchObject({ status: 'enabled' });
	});

	it('refuses unknown event types, URLs that are not http(s), and parameters update does not take', async () => {
		const stripe = client();
		expect(EVENT_TYPES).toEqual(
			expect.arrayContaining([
				'*',
				'customer.created',
				'customer.tax_id.deleted',
				'customer.subscription.created',
			]),
		);
		const badType = await failure(
			stripe.webhookEndpoints.create({ url, enabled_events: ['customer.exploded'] as never }),
		);
		expect([badType.statusCode, badType.param]).toEqual([400, 'enabled_events[0]']);
		const badUrl = await failure(
			stripe.webhookEndpoints.create({ url: 'ftp://hooks.example.com', enabled_events: ['*'] }),
		);
		expect([badUrl.statusCode, badUrl.code, badUrl.param]).toEqual([400, 'url_invalid', 'url']);
		const noEvents = await failure(stripe.webhookEndpoints.create({ url } as never));
		expect([noEvents.code, noEvents.param]).toEqual(['parameter_missing', 'enabled_events']);
		const made = await stripe.webhookEndpoints.create({ url, enabled_events: ['*'] });
		for (const param of ['connect', 'api_version']) {
			const err = await failure(
				stripe.webhookEndpoints.update(made.id, {
					[param]: param === 'connect' ? true : '2024-06-20',
				} as never),
			);
			expect([err.code, err.param]).toEqual(['parameter_unknown', param]);
		}
		expect(d.webhookEndpoints).toHaveLength(1);
	});

	it('refuses URLs Stripe cannot reach (localhost, loopback, private addresses) unless told it serves a local setup, and plain HTTP for a live-mode key', async () => {
		const strict = await startStripeDouble({ secretKeys: ['sk_test_strict', 'sk_live_strict'] });
		const at = (key: string) =>
			new Stripe(key, {
				host: '127.0.0.1',
				port: strict.port,
				protocol: 'http',
				maxNetworkRetries: 0,
			});
		try {
			const local = [
				'http://localhost:5678/webhook/a/webhook',
				'http://127.0.0.1:5678/webhook/a/webhook',
				'https://10.1.2.3/webhook',
				'https://192.168.0.7/webhook',
				'https://172.20.0.2/webhook',
				'http://[::1]:5678/webhook',
				'http://n8n:5678/webhook',
			];
			for (const localUrl of local) {
				const refused = await failure(
					at('sk_test_strict').webhookEndpoints.create({ url: localUrl, enabled_events: ['*'] }),
				);
				expect([localUrl, refused.statusCode, refused.param, refused.message]).toEqual([
					localUrl,
					400,
					'url',
					'Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally.',
				]);
			}
			const made = await at('sk_test_strict').webhookEndpoints.create({
				url: 'http://hooks.example.com/stripe',
				enabled_events: ['*'],
			});
			const moved = await failure(
				at('sk_test_strict').webhookEndpoints.update(made.id, { url: 'http://localhost/x' }),
			);
			expect([moved.statusCode, moved.param]).toEqual([400, 'url']);
			const live = await failure(
				at('sk_live_strict').webhookEndpoints.create({
					url: 'http://hooks.example.com/stripe',
					enabled_events: ['*'],
				}),
			);
			expect([live.statusCode, live.param, live.message]).toEqual([
				400,
				'url',
				'Invalid URL: live mode webhook endpoints must use HTTPS.',
			]);
			await expect(
				at('sk_live_strict').webhookEndpoints.create({ url, enabled_events: ['*'] }),
			).resolves.toMatchObject({ url });
		} finally {
			await strict.close();
		}
		// This suite's double was told it serves a local setup.
		await expect(
			client().webhookEndpoints.create({
				url: 'http://127.0.0.1:5678/webhook',
				enabled_events: ['*'],
			}),
		).resolves.toMatchObject({ status: 'enabled' });
	});
});

describe('events', () => {
	it('customer writes create events: created (+ tax ID, source, payment method), updated with previous_attributes, deleted', async () => {
		const stripe = client();
		const c = await stripe.customers.create(
			{
				email: 'ev@example.com',
				name: 'Ev',
				address: { line1: '1 Old St', city: 'Berlin', country: 'DE' },
				metadata: { plan: 'free' },
				tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
				source: 'tok_mastercard',
				payment_method: 'pm_card_visa',
			},
			{ idempotencyKey: 'ev-create' },
		);
		const types = () => d.events.map((e) => e.event.type);
		expect(types()).toEqual([
			'customer.created',
			'customer.tax_id.created',
			'customer.source.created',
			'payment_method.attached',
		]);
		const [created, taxId, source, attached] = d.events.map((e) => e.event);
		expect(created).toMatchObject({
			object: 'event',
			livemode: false,
			api_version: Stripe.API_VERSION,
			pending_webhooks: 0,
			request: { id: d.requests[0].requestId, idempotency_key: 'ev-create' },
			data: {
				object: {
					id: c.id,
					object: 'customer',
					email: 'ev@example.com',
					default_source: c.default_source,
				},
			},
		});
		expect(created.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
		expect(created.account).toBeUndefined();
		expect(taxId.data.object).toMatchObject({
			object: 'tax_id',
			customer: c.id,
			type: 'eu_vat',
			value: 'DE123456789',
		});
		expect(source.data.object).toMatchObject({
			id: c.default_source,
			object: 'card',
			brand: 'MasterCard',
			last4: '4444',
			customer: c.id,
		});
		expect(attached.data.object).toMatchObject({
			id: d.customers[0].paymentMethods[0],
			object: 'payment_method',
			customer: c.id,
		});

		// a replay is not a new write: no event
		await stripe.customers.create(
			{
				email: 'ev@example.com',
				name: 'Ev',
				address: { line1: '1 Old St', city: 'Berlin', country: 'DE' },
				metadata: { plan: 'free' },
				tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
				source: 'tok_mastercard',
				payment_method: 'pm_card_visa',
			},
			{ idempotencyKey: 'ev-create' },
		);
		expect(d.events).toHaveLength(4);

		await stripe.customers.update(c.id, {
			name: 'Eve',
			metadata: { plan: 'pro', seats: '3' },
			address: { city: 'Munich', country: 'DE' },
		});
		const updated = d.events[4].event;
		expect(updated.type).toBe('customer.updated');
		expect(updated.data.object).toMatchObject({
			id: c.id,
			name: 'Eve',
			metadata: { plan: 'pro', seats: '3' },
		});
		expect(updated.data.previous_attributes).toEqual({
			name: 'Ev',
			metadata: { plan: 'free', seats: null },
			address: { city: 'Berlin', line1: '1 Old St' },
		});
		// an update that changes nothing reports nothing
		await stripe.customers.update(c.id, { name: 'Eve' });
		expect(d.events).toHaveLength(5);

		await stripe.customers.createTaxId(c.id, { type: 'gb_vat', value: 'GB123456789' });
		const txi = d.events[5].event;
		expect([txi.type, txi.data.object.value]).toEqual(['customer.tax_id.created', 'GB123456789']);
		await stripe.customers.deleteTaxId(c.id, String(txi.data.object.id));
		expect(d.events[6].event).toMatchObject({
			type: 'customer.tax_id.deleted',
			data: { object: { id: txi.data.object.id } },
		});
		await stripe.customers.del(c.id);
		expect(d.events[7].event).toMatchObject({
			type: 'customer.deleted',
			data: { object: { id: c.id, name: 'Eve' } },
		});

		// events of a connected account carry it
		await stripe.customers.create({ name: 'Connected' }, { stripeAccount: 'acct_conn' });
		expect(d.events[8]).toMatchObject({
			account: 'acct_conn',
			event: { type: 'customer.created', account: 'acct_conn' },
		});
	});

	it('GET /v1/events/:id and GET /v1/events (type with *, types, paging newest first), per account', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			name: 'a',
			tax_id_data: [{ type: 'eu_vat', value: 'DE1' }],
		});
		await stripe.customers.update(c.id, { name: 'b' });
		await stripe.customers.create({ name: 'other account' }, { stripeAccount: 'acct_x' });
		const ids = (l: Stripe.ApiList<Stripe.Event>) => l.data.map((e) => e.type);

		const one = await stripe.events.retrieve(d.events[0].id);
		expect(without(one)).toEqual(d.events[0].event);
		expect((await failure(stripe.events.retrieve(d.events[3].id))).statusCode).toBe(404); // acct_x's event
		expect(
			(await stripe.events.retrieve(d.events[3].id, {}, { stripeAccount: 'acct_x' })).account,
		).toBe('acct_x');

		expect(ids(await stripe.events.list())).toEqual([
			'customer.updated',
			'customer.tax_id.created',
			'customer.created',
		]);
		expect(ids(await stripe.events.list({ type: 'customer.*' }))).toEqual([
			'customer.updated',
			'customer.tax_id.created',
			'customer.created',
		]);
		expect(ids(await stripe.events.list({ type: 'customer.tax_id.*' }))).toEqual([
			'customer.tax_id.created',
		]);
		expect(
			ids(await stripe.events.list({ types: ['customer.created', 'customer.updated'] })),
		).toEqual(['customer.updated', 'customer.created']);
		const page = await stripe.events.list({ limit: 1 });
		expect([ids(page), page.has_more]).toEqual([['customer.updated'], true]);
		const next = await stripe.events.list({ limit: 5, starting_after: page.data[0].id });
		expect([ids(next), next.has_more]).toEqual([
			['customer.tax_id.created', 'customer.created'],
			false,
		]);
		expect((await stripe.events.list({ delivery_success: true })).data).toHaveLength(3); // nothing to deliver to
	});
});

describe('webhook delivery', () => {
	let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
	beforeEach(async () => {
		receiver = await startWebhookReceiver();
		d.webhooks.setRetryDelays([20, 40]);
	});
	afterEach(async () => {
		await receiver.close();
	});

	/** Verify a received delivery with the official client, as a receiver would; returns the event. */
	const verify = (r: ReceivedDelivery, secret: string, tolerance?: number) =>
		client().webhooks.constructEvent(
			r.body,
			String(r.headers['stripe-signature']),
			secret,
			tolerance,
		);

	async function endpoint(
		enabledEvents: string[],
		opts: Partial<Stripe.WebhookEndpointCreateParams> = {},
		at = receiver.url,
	) {
		const w = await client().webhookEndpoints.create({
			url: at,
			enabled_events: enabledEvents as never,
			...opts,
		});
		return { id: w.id, secret: w.secret! };
	}

	it('POSTs each event, signed as Stripe signs it, to every enabled endpoint whose enabled_events match', async () => {
		const all = await endpoint(['*']);
		const updatedOnly = await endpoint(['customer.updated'], {}, `${receiver.url}?only=updated`);
		const disabled = await endpoint(['customer.created'], {}, `${receiver.url}?disabled`);
		await client().webhookEndpoints.update(disabled.id, { disabled: true });

		const stripe = client();
		const c = await stripe.customers.create({
			name: 'Hook',
			tax_id_data: [{ type: 'eu_vat', value: 'DE1' }],
		});
		await stripe.customers.update(c.id, { name: 'Hooked' });
		expect(await d.webhooks.idle()).toBe(true);

		const toAll = receiver.received.filter((r) => verifiesWith(r, all.secret));
		expect(toAll.map((r) => r.json.type).sort()).toEqual([
			'customer.created',
			'customer.tax_id.created',
			'customer.updated',
		]);
		const toUpdated = receiver.received.filter((r) => verifiesWith(r, updatedOnly.secret));
		expect(toUpdated.map((r) => r.json.type)).toEqual(['customer.updated']);
		expect(receiver.received.filter((r) => verifiesWith(r, disabled.secret))).toEqual([]);
		expect(receiver.received).toHaveLength(4);
		expect(d.deliveries.some((a) => a.endpointId === disabled.id)).toBe(false);

		for (const r of toAll) {
			const event = verify(r, all.secret);
			expect(event.id).toBe(r.json.id);
			expect(d.events.map((e) => e.id)).toContain(event.id);
			expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
			expect(r.headers['user-agent']).toMatch(/^Stripe\/1\.0 /);
			expect(String(r.headers['stripe-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-z]+$/);
			// the signature covers the bytes sent (pretty-printed JSON): a re-serialised body does not verify
			expect(r.body).toContain('\n  "id": ');
			expect(() =>
				client().webhooks.constructEvent(
					JSON.stringify(r.json),
					String(r.headers['stripe-signature']),
					all.secret,
				),
			).toThrow(/No signatures found matching the expected signature/);
		}
		expect(d.deliveries.map((a) => [a.status, a.attempt, a.duplicate, a.signing])).toEqual(
			Array.from({ length: 4 }, () => [200, 1, false, 'valid']),
		);
		expect((await stripe.events.retrieve(toUpdated[0].json.id)).pending_webhooks).toBe(0);

		function verifiesWith(r: ReceivedDelivery, secret: string) {
			try {
				verify(r, secret);
				return true;
			} catch {
				return false;
			}
		}
	});

	it('retries a non-2xx answer and an unreachable URL with back-off, records every attempt, and gives up after the last', async () => {
		const hook = await endpoint(['customer.created']);
		receiver.answer(500, 503);
		const stripe = client();
		await stripe.customers.create({ name: 'retry me' });
		expect(await d.webhooks.idle()).toBe(true);
		expect(receiver.received.map((r) => r.status)).toEqual([500, 503, 200]);
		expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(1);
		for (const r of receiver.received) expect(verify(r, hook.secret).type).toBe('customer.created');
		expect(d.deliveries.map((a) => [a.attempt, a.status])).toEqual([
			[1, 500],
			[2, 503],
			[3, 200],
		]);
		// the back-off is the configured one (20 ms, then 40 ms)
		expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(15);
		expect(receiver.received[2].at - receiver.received[1].at).toBeGreaterThanOrEqual(35);
		expect((await stripe.events.retrieve(d.events[0].id)).pending_webhooks).toBe(0);

		// nobody listening: three attempts without an answer, then the event stays pending
		const dead = await startWebhookReceiver();
		await dead.close();
		await client().webhookEndpoints.update(hook.id, { url: dead.url });
		await stripe.customers.create({ name: 'nobody home' });
		expect(await d.webhooks.idle()).toBe(true);
		const lost = d.deliveries.slice(3);
		expect(lost.map((a) => [a.attempt, a.status, a.error])).toEqual([
			[1, 0, 'ECONNREFUSED'],
			[2, 0, 'ECONNREFUSED'],
			[3, 0, 'ECONNREFUSED'],
		]);
		expect((await stripe.events.retrieve(d.events[1].id)).pending_webhooks).toBe(1);
	});

	it('sends nothing made while an endpoint is disabled, and stops retrying an event for an endpoint disabled or deleted before the retry', async () => {
		const hook = await endpoint(['customer.created']);
		const gone = await endpoint(['customer.created'], {}, `${receiver.url}?gone`);
		const stripe = client();
		await client().webhookEndpoints.update(hook.id, { disabled: true });
		await stripe.customers.create({ name: 'while disabled' });
		expect(await d.webhooks.idle()).toBe(true);
		expect(d.deliveries.map((a) => a.endpointId)).toEqual([gone.id]);

		await client().webhookEndpoints.update(hook.id, { disabled: false });
		d.webhooks.setRetryDelays([200, 200]);
		receiver.answer(404, 404, 404, 404);
		await stripe.customers.create({ name: 'refused, then the endpoints go' });
		await sleep(50); // the first attempts are answered 404; each retry is due 200 ms later
		await client().webhookEndpoints.update(hook.id, { disabled: true });
		await client().webhookEndpoints.del(gone.id);
		expect(await d.webhooks.idle()).toBe(true);
		expect(
			d.deliveries
				.slice(1)
				.map((a) => [a.endpointId === hook.id ? 'disabled' : 'deleted', a.status]),
		).toEqual(
			expect.arrayContaining([
				['disabled', 404],
				['deleted', 404],
			]),
		);
		expect(d.deliveries).toHaveLength(3);
	});

	it('on request: a duplicate delivery, a wrong signature, an old timestamp; a refused forgery is retried correctly signed', async () => {
		const hook = await endpoint(['customer.created']);
		const stripe = client();

		d.webhooks.failNext(1, 'duplicate');
		await stripe.customers.create({ name: 'twice' });
		await d.webhooks.idle();
		expect(receiver.received.map((r) => r.json.id)).toEqual([d.events[0].id, d.events[0].id]);
		expect(receiver.received.map((r) => verify(r, hook.secret).id)).toEqual([
			d.events[0].id,
			d.events[0].id,
		]);
		expect(d.deliveries.map((a) => a.duplicate)).toEqual([false, true]);

		receiver.received.length = 0;
		d.webhooks.failNext(1, 'wrong-signature');
		receiver.answer(400); // what a receiver that checks signatures answers
		await stripe.customers.create({ name: 'forged' });
		await d.webhooks.idle();
		expect(receiver.received).toHaveLength(2);
		expect(() => verify(receiver.received[0], hook.secret)).toThrow(/No signatures found/);
		expect(verify(receiver.received[1], hook.secret).id).toBe(d.events[1].id);

		receiver.received.length = 0;
		d.webhooks.failNext(1, 'old-timestamp');
		receiver.answer(400);
		await stripe.customers.create({ name: 'stale' });
		await d.webhooks.idle();
		expect(() => verify(receiver.received[0], hook.secret)).toThrow(
			/Timestamp outside the tolerance zone/,
		);
		expect(verify(receiver.received[0], hook.secret, 3600).id).toBe(d.events[2].id); // the signature itself is right
		expect(verify(receiver.received[1], hook.secret).id).toBe(d.events[2].id);
		expect(d.deliveries.slice(2).map((a) => a.signing)).toEqual([
			'wrong-secret',
			'valid',
			'old-timestamp',
			'valid',
		]);
	});

	it('send(): one POST of an event or any payload, signed as asked (missing header, tampered body), not retried', async () => {
		const hook = await endpoint(['customer.created']);
		await client().customers.create({ name: 'once' });
		await d.webhooks.idle();
		receiver.received.length = 0;
		receiver.answer(400, 400);
		const missing = await d.webhooks.send(hook.id, { event: d.events[0].id, signing: 'missing' });
		expect([missing.status, missing.signature, missing.attempt]).toEqual([400, null, 0]);
		expect(receiver.received[0].headers['stripe-signature']).toBeUndefined();
		const tampered = await d.webhooks.send(hook.id, {
			event: d.events[0].id,
			signing: 'tampered-body',
		});
		expect(() => verify(receiver.received[1], hook.secret)).toThrow(/No signatures found/);
		expect(JSON.parse(tampered.body)).toMatchObject({ id: d.events[0].id, tampered: true });
		const custom = await d.webhooks.send(hook.id, {
			payload: { id: 'evt_custom', object: 'event', type: 'customer.updated' },
			timestamp: 1_000,
		});
		expect(custom.status).toBe(200);
		expect(custom.signature).toMatch(/^t=1000,v1=/);
		expect(custom.signature!.split(',v0=')[0]).toBe(
			d.webhooks.signatureHeader(custom.body, hook.secret, 1_000),
		);
		await d.webhooks.idle();
		expect(receiver.received).toHaveLength(3);
	});

	it('pause holds deliveries until resume; fire() delivers an arbitrary event like a real one', async () => {
		await endpoint(['*']);
		d.webhooks.pause();
		await client().customers.create({ name: 'held' });
		expect(await d.webhooks.idle()).toBe(true);
		await sleep(50);
		expect(receiver.received).toEqual([]);
		d.webhooks.resume();
		await receiver.waitFor(1);
		expect(receiver.received[0].json.type).toBe('customer.created');

		const fired = d.webhooks.fire({
			type: 'customer.subscription.created',
			object: { id: 'sub_1', object: 'subscription', customer: 'cus_x' },
		});
		await receiver.waitFor(2);
		expect(receiver.received[1].json).toMatchObject({
			id: fired.id,
			type: 'customer.subscription.created',
			data: { object: { id: 'sub_1' } },
		});
		expect((await client().events.retrieve(fired.id)).type).toBe('customer.subscription.created');
		expect(() => d.webhooks.fire({ type: 'customer.exploded' })).toThrow(/event type/);
	});

	it("Connect: a Connect endpoint gets connected accounts' events with account; an account endpoint only its own account's", async () => {
		const connect = await endpoint(['customer.created'], { connect: true });
		const own = await endpoint(['customer.created'], {}, `${receiver.url}?own`);
		const stripe = client();
		await stripe.customers.create({ name: 'platform' });
		await stripe.customers.create({ name: 'connected' }, { stripeAccount: 'acct_conn' });
		await d.webhooks.idle();
		const bySecret = (secret: string) =>
			receiver.received.filter((r) => {
				try {
					verify(r, secret);
					return true;
				} catch {
					return false;
				}
			});
		expect(bySecret(connect.secret).map((r) => [r.json.data.object.name, r.json.account])).toEqual([
			['connected', 'acct_conn'],
		]);
		expect(bySecret(own.secret).map((r) => [r.json.data.object.name, r.json.account])).toEqual([
			['platform', undefined],
		]);
	});

	it('control API: /_double/webhooks (pause, failNext, retry delays), fire, send, idle; /_double/state lists it all', async () => {
		const hook = await endpoint(['*']);
		const ctl = (path: string, body: object) =>
			rawRequest(d.url, 'POST', path, { body: JSON.stringify(body) });
		const set = await ctl('/_double/webhooks', {
			paused: true,
			failNext: { n: 1, how: 'duplicate' },
			retryDelaysMs: [10],
		});
		expect(set.json).toMatchObject({
			paused: true,
			retryDelaysMs: [10],
			failNextQueue: [{ n: 1, how: 'duplicate' }],
		});
		const fired = await ctl('/_double/webhooks/fire', {
			type: 'customer.updated',
			object: { id: 'cus_ctl', object: 'customer' },
		});
		expect(fired.json).toMatchObject({ object: 'event', type: 'customer.updated' });
		expect(receiver.received).toEqual([]);
		await ctl('/_double/webhooks', { paused: false });
		expect((await ctl('/_double/webhooks/idle', { timeoutMs: 2000 })).json).toEqual({ idle: true });
		expect(receiver.received.map((r) => r.json.id)).toEqual([fired.json.id, fired.json.id]);
		const sent = await ctl('/_double/webhooks/send', {
			endpoint: hook.id,
			event: fired.json.id,
			signing: 'wrong-secret',
		});
		expect(sent.json).toMatchObject({ attempt: 0, signing: 'wrong-secret', status: 200 });
		expect((await ctl('/_double/webhooks', { failNext: { n: 1, how: 'explode' } })).status).toBe(
			400,
		);

		const view = await rawRequest(d.url, 'GET', '/_double/webhooks');
		expect(view.json.endpoints.map((w: { secret: string }) => w.secret)).toEqual([hook.secret]);
		const state = await rawRequest(d.url, 'GET', '/_double/state');
		expect(Object.keys(state.json).sort()).toEqual([
			'customers',
			'deliveries',
			'events',
			'requests',
			'stats',
			'webhookEndpoints',
		]);
		expect(state.json.deliveries).toHaveLength(3);
		d.reset();
		expect([d.webhookEndpoints.length, d.events.length, d.deliveries.length]).toEqual([0, 0, 0]);
	});
});

describe('as strict as Stripe', () => {
	const replayed = (e: Stripe.errors.StripeError) => e.headers?.['idempotent-replayed'];

	it('a Stripe-Version that is not a version is refused with 400, before any work', async () => {
		for (const version of ['2026-10-28X-Injected: 1', 'latest', '2026-10-28.Endive']) {
			const res = await raw('POST', '/v1/customers', 'name=Versioned', {
				Authorization: `Bearer ${KEY}`,
				'Stripe-Version': version,
			});
			expect({
				version,
				status: res.status,
				message: (res.json as { error: { message: string } }).error.message,
			}).toEqual({ version, status: 400, message: `Invalid Stripe API version: ${version}` });
		}
		expect(d.customers).toHaveLength(0);
		const accepted = await raw('POST', '/v1/customers', 'name=Versioned', {
			Authorization: `Bearer ${KEY}`,
			'Stripe-Version': '2025-02-24.acacia',
		});
		expect(accepted.status).toBe(200);
	});

	it("a card declined by Stripe's failing test tokens is a 402 from the work: stored for the key, replayed, nothing created", async () => {
		const stripe = client();
		const declined: [string, string, string, string][] = [
			['tok_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
			[
				'tok_chargeDeclinedInsufficientFunds',
				'card_declined',
				'insufficient_funds',
				'Your card has insufficient funds.',
			],
			['tok_chargeDeclinedFraudulent', 'card_declined', 'fraudulent', 'Your card was declined.'],
			['tok_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
			['tok_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
			[
				'tok_chargeDeclinedIncorrectCvc',
				'incorrect_cvc',
				'incorrect_cvc',
				"Your card's security code is incorrect.",
			],
			[
				'tok_chargeDeclinedProcessingError',
				'processing_error',
				'processing_error',
				'An error occurred while processing your card. Try again in a little bit.',
			],
		];
		for (const [source, code, decline, message] of declined) {
			const err = await failure(
				stripe.customers.create({ name: source, source }, { idempotencyKey: `k-${source}` }),
			);
			expect({
				source,
				status: err.statusCode,
				type: err.type,
				code: err.code,
				decline: err.decline_code,
				message: err.message,
			}).toEqual({
				source,
				status: 402,
				type: 'StripeCardError',
				code,
				decline,
				message,
			});
			expect(err.headers?.['stripe-should-retry']).toBe('false');
			const again = await failure(
				stripe.customers.create({ name: source, source }, { idempotencyKey: `k-${source}` }),
			);
			expect([again.statusCode, again.decline_code, replayed(again)]).toEqual([
				402,
				decline,
				'true',
			]);
		}
		expect(d.customers).toHaveLength(0);
		// on update too, and the customer stays as it was
		const c = await stripe.customers.create({ name: 'keeps its card', source: 'tok_visa' });
		const onUpdate = await failure(stripe.customers.update(c.id, { source: 'tok_chargeDeclined' }));
		expect(onUpdate.statusCode).toBe(402);
		expect(((await stripe.customers.retrieve(c.id)) as Stripe.Customer).default_source).toBe(
			c.default_source,
		);
		// tok_chargeCustomerFail attaches (charging it fails later)
		await expect(
			stripe.customers.create({ source: 'tok_chargeCustomerFail' }),
		).resolves.toMatchObject({ object: 'customer' });
		// and a payment method is not a source: refused by parameter validation, so nothing is stored
		const pm = await failure(
			stripe.customers.create({ source: 'pm_card_visa' }, { idempotencyKey: 'k-pm-source' }),
		);
		expect([pm.statusCode, pm.param, pm.message]).toEqual([
			400,
			'source',
			expect.stringMatching(/cannot use a PaymentMethod as a source/),
		]);
		await expect(
			stripe.customers.create({ name: 'fine' }, { idempotencyKey: 'k-pm-source' }),
		).resolves.toMatchObject({ name: 'fine' });
	});

	it('a tax ID the customer already has and an attached payment method attached again: 400s from the work, stored for the key', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			name: 'taxed',
			tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
		});
		const twice = await failure(
			stripe.customers.createTaxId(
				c.id,
				{ type: 'eu_vat', value: 'DE123456789' },
				{ idempotencyKey: 'k-tax' },
			),
		);
		expect([twice.statusCode, twice.type, twice.code, twice.param, twice.message]).toEqual([
			400,
			'StripeInvalidRequestError',
			'resource_already_exists',
			'value',
			'A tax ID with the specified value and type already exists for this customer.',
		]);
		expect(
			replayed(
				await failure(
					stripe.customers.createTaxId(
						c.id,
						{ type: 'eu_vat', value: 'DE123456789' },
						{ idempotencyKey: 'k-tax' },
					),
				),
			),
		).toBe('true');
		// the same value with another type is another tax ID
		await expect(
			stripe.customers.createTaxId(c.id, { type: 'de_stn', value: 'DE123456789' }),
		).resolves.toMatchObject({ type: 'de_stn' });
		const repeated = await failure(
			stripe.customers.create({
				tax_id_data: [
					{ type: 'gb_vat', value: 'GB1' },
					{ type: 'gb_vat', value: 'GB1' },
				],
			}),
		);
		expect([repeated.statusCode, repeated.code]).toEqual([400, 'resource_already_exists']);

		const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: c.id });
		const other = await stripe.customers.create({ name: 'other' });
		for (const customer of [c.id, other.id]) {
			const again = await failure(
				stripe.paymentMethods.attach(
					pm.id,
					{ customer },
					{ idempotencyKey: `k-attach-${customer}` },
				),
			);
			expect([again.statusCode, again.param, again.message]).toEqual([
				400,
				'payment_method',
				'The payment method you provided has already been attached to a customer.',
			]);
			expect(
				replayed(
					await failure(
						stripe.paymentMethods.attach(
							pm.id,
							{ customer },
							{ idempotencyKey: `k-attach-${customer}` },
						),
					),
				),
			).toBe('true');
		}
		const onCreate = await failure(stripe.customers.create({ payment_method: pm.id }));
		expect([onCreate.statusCode, onCreate.param]).toEqual([400, 'payment_method']);
		expect(d.customers.map((x) => x.paymentMethods)).toEqual([[pm.id], []]);
	});

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

	it('an address or shipping sent on update replaces the whole hash; shipping without name and address is refused', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			address: {
				line1: 'Unter den Linden 1',
				line2: 'Hof',
				city: 'Berlin',
				postal_code: '10117',
				state: 'BE',
				country: 'DE',
			},
			shipping: {
				name: 'Ada',
				phone: '+49 30 1',
				address: { line1: 'Dock 1', city: 'Hamburg', country: 'DE' },
			},
			invoice_settings: { footer: 'Danke', custom_fields: [{ name: 'PO', value: '1' }] },
			metadata: { a: '1' },
		});
		const u = await stripe.customers.update(c.id, {
			address: { country: 'AT' },
			metadata: { b: '2' },
		});
		expect(u.address).toEqual({
			line1: null,
			line2: null,
			city: null,
			postal_code: null,
			state: null,
			country: 'AT',
		});
		expect(u.metadata).toEqual({ a: '1', b: '2' }); // metadata merges: Stripe documents it
		const noName = await failure(
			stripe.customers.update(c.id, { shipping: { address: { city: 'Bremen' } } } as never),
		);
		expect([noName.statusCode, noName.code, noName.param]).toEqual([
			400,
			'parameter_missing',
			'shipping[name]',
		]);
		const noAddress = await failure(
			stripe.customers.update(c.id, { shipping: { name: 'Ada' } } as never),
		);
		expect([noAddress.code, noAddress.param]).toEqual(['parameter_missing', 'shipping[address]']);
		const shipped = await stripe.customers.update(c.id, {
			shipping: { name: 'Ada L.', address: { city: 'Bremen' } },
		});
		expect(shipped.shipping).toEqual({
			name: 'Ada L.',
			phone: null,
			address: {
				line1: null,
				line2: null,
				city: 'Bremen',
				postal_code: null,
				state: null,
				country: null,
			},
		});
		// invoice_settings: the sub-fields sent change, the others stay
		const inv = await stripe.customers.update(c.id, { invoice_settings: { footer: 'Thanks' } });
		expect(inv.invoice_settings).toMatchObject({
			footer: 'Thanks',
			custom_fields: [{ name: 'PO', value: '1' }],
		});
		const cleared = await stripe.customers.update(c.id, { address: '', shipping: '' });
		expect([cleared.address, cleared.shipping]).toEqual([null, null]);
	});

	it('search lags writes by a second unless told otherwise; list by email finds a customer at once', async () => {
		const fresh = await startStripeDouble();
		try {
			const stripe = new Stripe(KEY, {
				host: '127.0.0.1',
				port: fresh.port,
				protocol: 'http',
				maxNetworkRetries: 0,
				telemetry: false,
			});
			const c = await stripe.customers.create({ email: 'lag@example.com' });
			expect((await stripe.customers.search({ query: "email:'lag@example.com'" })).data).toEqual(
				[],
			);
			expect(
				(await stripe.customers.list({ email: 'lag@example.com' })).data.map((x) => x.id),
			).toEqual([c.id]);
			await sleep(1100);
			expect(
				(await stripe.customers.search({ query: "email:'lag@example.com'" })).data.map((x) => x.id),
			).toEqual([c.id]);
		} finally {
			await fresh.close();
		}
	});
});
