import Stripe from 'stripe';

import { useDoubleUnderTest } from '../selfTestSetup';
import { rawRequest, sleep, startWebhookReceiver, type ReceivedDelivery } from '../testClient';

// Events delivered to webhook endpoints as Stripe delivers them: signed, retried with back-off, on request duplicated,
// forged or paused.

const { d, client } = useDoubleUnderTest();

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
