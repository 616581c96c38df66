import Stripe from 'stripe';

import { startStripeDouble } from '../index';
import { useDoubleUnderTest, KEY, failure } from '../selfTestSetup';
import { SAMPLE_KEYS } from '../testClient';

// The core around every endpoint: authentication, Stripe-Version, the headers of every answer, the /_double controls.

const { d, client, raw } = useDoubleUnderTest();

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

describe('as strict as Stripe', () => {
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
});
