import Stripe from 'stripe';

import { startStripeDouble } from '../index';
import { useDoubleUnderTest, KEY, failure } from '../selfTestSetup';
import { agent, fileExists, rawRequest } from '../testClient';

// The listeners: HTTP and HTTPS, connections and TLS handshakes counted, bodies recorded byte for byte.

const { d, client, raw } = useDoubleUnderTest();

type HttpAgent = Stripe.StripeConfig['httpAgent'];

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
