import Stripe from 'stripe';

import { DEFAULT_SECRET_KEYS, startStripeDouble, type StripeDouble } from '../index';
import { rawRequest } from '../testClient';

// The double's customer portal, checked with the official `stripe` client: as strict as Stripe where the node's
// behaviour depends on it (README, "As strict as Stripe").

let d: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	d = await startStripeDouble({ seed: 3, accounts: { acct_connected: ['sk_test_connected'] } });
	stripe = new Stripe(DEFAULT_SECRET_KEYS[0], {
		host: '127.0.0.1',
		port: d.port,
		protocol: 'http',
		maxNetworkRetries: 0,
		telemetry: false,
	});
});
afterAll(() => d.close());
beforeEach(() => d.reset());

async function failure(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
	try {
		await p;
	} catch (error) {
		return error as Stripe.errors.StripeError;
	}
	throw new Error('expected the request to fail');
}

const returnUrl = 'https://example.com/account';

test("an account whose portal settings were never saved gets no session: Stripe's 400, stored nothing, works once saved", async () => {
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const refused = await failure(
		stripe.billingPortal.sessions.create(
			{ customer: customer.id, return_url: returnUrl },
			{ idempotencyKey: 'portal-1' },
		),
	);
	expect(refused).toMatchObject({
		type: 'StripeInvalidRequestError',
		statusCode: 400,
		message:
			'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.',
	});
	expect(refused.code).toBeUndefined();
	// Nothing was stored for the key: once the settings are saved, the same key makes the session.
	d.billingPortal.saveSettings();
	const session = await stripe.billingPortal.sessions.create(
		{ customer: customer.id, return_url: returnUrl },
		{ idempotencyKey: 'portal-1' },
	);
	expect(session).toMatchObject({
		object: 'billing_portal.session',
		customer: customer.id,
		return_url: returnUrl,
		configuration: d.billingPortal.configurations[0].id,
		livemode: false,
		locale: null,
		flow: null,
		url: expect.stringMatching(/^https:\/\/billing\.stripe\.com\/p\/session\/test_\w+$/),
	});
	expect(session.id).toMatch(/^bps_/);
	expect(session.lastResponse.headers['idempotent-replayed']).toBeUndefined();
});

test('settings are per account: a connected account needs its own', async () => {
	d.billingPortal.saveSettings();
	const connected = { stripeAccount: 'acct_connected' };
	const customer = await stripe.customers.create({ email: 'c@example.com' }, connected);
	const refused = await failure(
		stripe.billingPortal.sessions.create(
			{ customer: customer.id, return_url: returnUrl },
			connected,
		),
	);
	expect(refused.message).toMatch(/save your customer portal settings/);
	d.billingPortal.saveSettings({ account: 'acct_connected' });
	await expect(
		stripe.billingPortal.sessions.create(
			{ customer: customer.id, return_url: returnUrl },
			connected,
		),
	).resolves.toMatchObject({ customer: customer.id });
});

test('a retry with the same key gets the same session; another key a new one', async () => {
	d.billingPortal.saveSettings();
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const params = { customer: customer.id, return_url: returnUrl };
	d.failNext(1, { drop: 'after-create' }, 'POST /v1/billing_portal/sessions');
	d.failNext(1, { drop: 'after-create' }, 'POST /v1/billing_portal/sessions');
	const lost = await failure(stripe.billingPortal.sessions.create(params, { idempotencyKey: 'k' }));
	expect(lost.type).toBe('StripeConnectionError');
	const again = await stripe.billingPortal.sessions.create(params, { idempotencyKey: 'k' });
	expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
	expect(d.billingPortal.sessions.map((session) => session.id)).toEqual([again.id]);
	const other = await stripe.billingPortal.sessions.create(params, { idempotencyKey: 'k2' });
	expect(other.url).not.toBe(again.url);
	expect(d.billingPortal.sessions).toHaveLength(2);
});

test.each([
	[
		'a return URL that is not http(s)',
		{ return_url: 'chrome-extension://abc/page.html' },
		{ statusCode: 400, code: 'url_invalid', param: 'return_url', message: 'Not a valid URL' },
	],
	[
		'a relative return URL',
		{ return_url: '/account' },
		{ statusCode: 400, code: 'url_invalid', param: 'return_url' },
	],
	[
		'no return URL and none in the configuration',
		{},
		{ statusCode: 400, message: expect.stringMatching(/does not have a `default_return_url`/) },
	],
	[
		'an unknown configuration',
		{ return_url: returnUrl, configuration: 'bpc_unknown' },
		{ statusCode: 404, code: 'resource_missing', param: 'configuration' },
	],
	[
		'an unknown locale',
		{ return_url: returnUrl, locale: 'xx' },
		{ statusCode: 400, param: 'locale' },
	],
	[
		'a subscription flow without its subscription',
		{ return_url: returnUrl, flow_data: { type: 'subscription_cancel' } },
		{ statusCode: 400, param: 'flow_data[subscription_cancel]' },
	],
	[
		'a subscription the account does not have',
		{
			return_url: returnUrl,
			flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: 'sub_1' } },
		},
		{
			statusCode: 404,
			code: 'resource_missing',
			param: 'flow_data[subscription_cancel][subscription]',
		},
	],
	[
		'a redirect after the flow to a URL that is not http(s)',
		{
			return_url: returnUrl,
			flow_data: {
				type: 'payment_method_update',
				after_completion: { type: 'redirect', redirect: { return_url: 'ftp://example.com' } },
			},
		},
		{ statusCode: 400, code: 'url_invalid' },
	],
	[
		'a parameter the double does not implement',
		{ return_url: returnUrl, on_behalf_of: 'acct_1' },
		{ statusCode: 400, code: 'parameter_unknown', param: 'on_behalf_of' },
	],
])('refused before any work, nothing stored: %s', async (_title, params, expected) => {
	d.billingPortal.saveSettings();
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const refused = await failure(
		stripe.billingPortal.sessions.create(
			{ customer: customer.id, ...params } as Stripe.BillingPortal.SessionCreateParams,
			{ idempotencyKey: 'same' },
		),
	);
	expect(refused).toMatchObject(expected);
	expect(d.billingPortal.sessions).toHaveLength(0);
	// Not stored: the same key makes the corrected request (a stored answer would refuse other parameters).
	await expect(
		stripe.billingPortal.sessions.create(
			{ customer: customer.id, return_url: returnUrl },
			{ idempotencyKey: 'same' },
		),
	).resolves.toMatchObject({ customer: customer.id });
});

test('an unknown customer is 404 on `customer`', async () => {
	d.billingPortal.saveSettings();
	const refused = await failure(
		stripe.billingPortal.sessions.create({ customer: 'cus_nobody', return_url: returnUrl }),
	);
	expect(refused).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'customer' });
});

test('the configuration: its default return URL, another configuration by ID, a flow and a locale', async () => {
	d.billingPortal.saveSettings({ defaultReturnUrl: 'https://example.com/default' });
	const other = d.billingPortal.createConfiguration();
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	const byDefault = await stripe.billingPortal.sessions.create({ customer: customer.id });
	expect(byDefault.return_url).toBe('https://example.com/default');
	const session = await stripe.billingPortal.sessions.create({
		customer: customer.id,
		return_url: returnUrl,
		configuration: other.id,
		locale: 'pt-BR',
		flow_data: {
			type: 'payment_method_update',
			after_completion: { type: 'redirect', redirect: { return_url: 'https://example.com/done' } },
		},
	});
	expect(session).toMatchObject({
		configuration: other.id,
		locale: 'pt-BR',
		flow: {
			type: 'payment_method_update',
			after_completion: { type: 'redirect', redirect: { return_url: 'https://example.com/done' } },
			subscription_cancel: null,
		},
	});
	expect(d.events.map((event) => event.event.type)).toContain('billing_portal.session.created');
});

test('the control endpoints save the settings of an account and list what the portal holds, for a double run from its CLI', async () => {
	const saved = await rawRequest(d.controlUrl, 'POST', '/_double/billing-portal', {
		body: JSON.stringify({ defaultReturnUrl: 'https://example.com/default' }),
	});
	expect(saved.status).toBe(200);
	expect(saved.json).toMatchObject({ id: expect.stringMatching(/^bpc_/), is_default: true });
	const customer = await stripe.customers.create({ email: 'ada@example.com' });
	await expect(
		stripe.billingPortal.sessions.create({ customer: customer.id }),
	).resolves.toMatchObject({ return_url: 'https://example.com/default' });
	const listed = await rawRequest(d.controlUrl, 'GET', '/_double/billing-portal');
	expect(listed.json).toMatchObject({
		configurations: [{ id: saved.json.id }],
		sessions: [{ customer: customer.id }],
	});
	d.reset();
	expect(d.billingPortal.configurations).toEqual([]);
});
