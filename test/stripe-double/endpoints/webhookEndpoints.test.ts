import Stripe from 'stripe';

import { EVENT_TYPES, startStripeDouble } from '../index';
import { useDoubleUnderTest, failure, without } from '../selfTestSetup';

// POST/GET /v1/webhook_endpoints, GET/POST/DELETE /v1/webhook_endpoints/:id.

const { d, client } = useDoubleUnderTest();

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
