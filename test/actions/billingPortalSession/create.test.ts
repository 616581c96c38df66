import { NodeHelpers, type INode, type INodeProperties } from 'n8n-workflow';
import Stripe from 'stripe';

import { StripeCustomer } from '../../../nodes/StripeCustomer/StripeCustomer.node';
import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	type RunResult,
	type StripeNodeSettings,
} from '../../support/workflowRunner';

// Billing Portal Session → Create through n8n's engine against the Stripe double: a link to Stripe's customer portal
// per item. A retry gets the same link; a re-run makes a new one (links are short-lived).

let double: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	double = await startDouble({ accounts: { acct_connected: [] } });
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
});
afterAll(() => double.close());
beforeEach(() => double.reset());

const create = {
	resource: 'billingPortalSession',
	operation: 'create',
	customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
	returnUrl: 'https://example.com/account',
};

function run(
	items: object[],
	node: Partial<StripeNodeSettings> = {},
	parameters: object = create,
	credentials: object = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { typeVersion: 1.2, parameters: parameters as never, ...node },
		credentials: credentialsFor(double, credentials as never),
	});
}

const continueOnFail = { onError: 'continueRegularOutput' as const };
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const sessionPosts = () =>
	double.requests.filter((request) => request.path === '/v1/billing_portal/sessions');

async function customers(count: number, account?: string) {
	const made: Stripe.Customer[] = [];
	for (let n = 0; n < count; n++)
		made.push(
			await stripe.customers.create(
				{ email: `person-${n}@example.com` },
				account ? { stripeAccount: account } : {},
			),
		);
	return made;
}

test('a link per item: customerId, url and the session, paired; what was sent', async () => {
	double.billingPortal.saveSettings();
	const [ada, grace] = await customers(2);
	const result = await run([{ customer: ada.id }, { customer: grace.id }]);
	expect(result.error).toBeUndefined();
	const [first, second] = double.billingPortal.sessions;
	expect(jsonOf(result)).toEqual([
		{
			customerId: ada.id,
			url: first.url,
			sessionId: first.id,
			session: expect.objectContaining({ return_url: 'https://example.com/account' }),
		},
		expect.objectContaining({ customerId: grace.id, url: second.url }),
	]);
	expect(first.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
	expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(sessionPosts()[0].params).toEqual({
		customer: ada.id,
		return_url: 'https://example.com/account',
	});
});

test('options: another configuration, a language, a flow with its subscription and where to go after it', async () => {
	double.billingPortal.saveSettings();
	const other = double.billingPortal.createConfiguration();
	const [ada] = await customers(1);
	const options = {
		configuration: other.id,
		locale: 'pt-BR',
		flow: 'payment_method_update',
		afterFlowUrl: 'https://example.com/card-updated',
	};
	const result = await run([{ customer: ada.id }], {}, { ...create, options });
	expect(result.error).toBeUndefined();
	expect(sessionPosts()[0].params).toEqual({
		customer: ada.id,
		return_url: 'https://example.com/account',
		configuration: other.id,
		locale: 'pt-BR',
		flow_data: {
			type: 'payment_method_update',
			after_completion: {
				type: 'redirect',
				redirect: { return_url: 'https://example.com/card-updated' },
			},
		},
	});
	// A subscription flow sends its subscription; the double has none, so Stripe's 404 names it.
	const cancel = await run([{ customer: ada.id }], continueOnFail, {
		...create,
		options: { flow: 'subscription_cancel', subscription: 'sub_1Abc' },
	});
	expect(sessionPosts()[1].params).toMatchObject({
		flow_data: { type: 'subscription_cancel', subscription_cancel: { subscription: 'sub_1Abc' } },
	});
	expect(jsonOf(cancel)?.[0]).toMatchObject({
		statusCode: 404,
		param: 'flow_data[subscription_cancel][subscription]',
	});
});

test("an account whose portal settings were never saved: Stripe's error, with what to do; once saved it works", async () => {
	const [ada] = await customers(1);
	const refused = await run([{ customer: ada.id }]);
	expect(refused.error?.message).toBe(
		'[item 0] Stripe: You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal. (in the Stripe Dashboard: Settings → Billing → Customer portal, choose what customers may do and click Save, once in test mode and once in live mode, in the connected account with a Connected Account ID; or give Options → Configuration ID)',
	);
	expect(refused.error?.description).toContain('Nothing was changed in Stripe by this run.');
	const item = await run([{ customer: ada.id }], continueOnFail);
	expect(jsonOf(item)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			statusCode: 400,
			error: refused.error?.message,
		}),
	]);
	double.billingPortal.saveSettings();
	const saved = await run([{ customer: ada.id }]);
	expect(jsonOf(saved)).toEqual([expect.objectContaining({ customerId: ada.id })]);
});

test('a retry after a lost answer gets the session Stripe made: one session, the same link', async () => {
	double.billingPortal.saveSettings();
	const [ada] = await customers(1);
	double.failNext(1, { drop: 'after-create' }, 'POST /v1/billing_portal/sessions');
	const result = await run([{ customer: ada.id }]);
	expect(result.error).toBeUndefined();
	expect(double.billingPortal.sessions).toHaveLength(1);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({ url: double.billingPortal.sessions[0].url, replayed: true }),
	]);
	expect(sessionPosts().map((request) => [request.status, request.replayed])).toEqual([
		[0, false],
		[200, true],
	]);
});

test('Retry On Fail: the second try gets the sessions the first made, one per customer', async () => {
	double.billingPortal.saveSettings();
	const people = await customers(3);
	// Item 0 fails at first (a 500 that changed nothing): the node fails, n8n runs it again.
	double.failNext(1, { status: 500 }, 'POST /v1/billing_portal/sessions');
	const result = await run(
		people.map((person) => ({ customer: person.id })),
		{ retryOnFail: true, maxTries: 2 },
		{ ...create, requestOptions: { maxRetries: 0, concurrency: 1 } },
	);
	expect(result.error).toBeUndefined();
	expect(sessionPosts().map((request) => [request.status, request.replayed])).toEqual([
		[500, false],
		[200, false],
		[200, false],
		[200, false],
		[200, true],
		[200, true],
	]);
	expect(double.billingPortal.sessions.map((session) => session.customer)).toEqual([
		people[1].id,
		people[2].id,
		people[0].id,
	]);
	expect(jsonOf(result)?.map((json) => json.url)).toEqual(
		people.map(
			(person) =>
				double.billingPortal.sessions.find((session) => session.customer === person.id)?.url,
		),
	);
});

test('a re-run of the execution makes a new link per customer (sessions are short-lived); the first ones stay', async () => {
	double.billingPortal.saveSettings();
	const [ada] = await customers(1);
	const first = await run([{ customer: ada.id }]);
	const again = await run([{ customer: ada.id }]);
	expect(jsonOf(again)?.[0].url).not.toBe(jsonOf(first)?.[0].url);
	expect(double.billingPortal.sessions.map((session) => session.url)).toEqual([
		jsonOf(first)?.[0].url,
		jsonOf(again)?.[0].url,
	]);
	expect(jsonOf(again)?.[0]).not.toHaveProperty('replayed');
});

test('one item failing in the middle of 10 (continue-on-fail): the other 9 get their link', async () => {
	double.billingPortal.saveSettings();
	const people = await customers(10);
	const items = people.map((person, n) => ({ customer: n === 4 ? 'cus_neverExisted' : person.id }));
	const result = await run(items, continueOnFail);
	const output = jsonOf(result)!;
	expect(output[4]).toMatchObject({
		itemIndex: 4,
		statusCode: 404,
		param: 'customer',
		error: expect.stringMatching(/^\[item 4\] Stripe: No such customer: 'cus_neverExisted'/),
	});
	expect(double.billingPortal.sessions).toHaveLength(9);
	for (const [n, person] of people.entries())
		if (n !== 4)
			expect(output[n]).toMatchObject({ customerId: person.id, url: expect.any(String) });
});

test('bad input is refused before any request, naming the item and the field', async () => {
	double.billingPortal.saveSettings();
	const [ada] = await customers(1);
	double.requests.length = 0;
	const items = [
		{ customer: ada.id, returnUrl: '/account' },
		{ customer: ada.id, returnUrl: 'chrome-extension://abc/page.html' },
		{ customer: ada.id, configuration: 'portal-1' },
		{ customer: ada.id, locale: 'Klingon' },
		{ customer: ada.id, flow: 'subscription_cancel' },
		{ customer: ada.id, flow: 'payment_method_update', afterFlowUrl: 'example.com/done' },
		{ customer: 'ada', returnUrl: 'https://example.com/\uD83D' },
	];
	const result = await run(items, continueOnFail, {
		...create,
		returnUrl: '={{ $json.returnUrl ?? "https://example.com/account" }}',
		options: {
			configuration: '={{ $json.configuration ?? "" }}',
			locale: '={{ $json.locale ?? "auto" }}',
			flow: '={{ $json.flow ?? "" }}',
			afterFlowUrl: '={{ $json.afterFlowUrl ?? "" }}',
		},
	});
	expect(jsonOf(result)?.map((json) => json.error)).toEqual([
		'[item 0] Return URL: "/account" is not an absolute web address: one starts with https:// (or http://), e.g. https://example.com/account',
		'[item 1] Return URL: "chrome-extension://abc/page.html" is not a web address: Stripe takes only https:// (or http://) addresses, not chrome-extension:',
		'[item 2] Options → Configuration ID: "portal-1" is not a portal configuration ID: one is bpc_ followed by letters and digits only',
		expect.stringMatching(
			/^\[item 3\] Options → Language: "Klingon" is not a language of the portal: one of auto, bg, /,
		),
		'[item 4] Options → Subscription ID: the flow "Cancel a Subscription" needs the subscription\'s ID',
		expect.stringMatching(
			/^\[item 5\] Options → After the Flow, Go To: "example.com\/done" is not an absolute web address/,
		),
		expect.stringMatching(
			/^\[item 6\] 2 fields are invalid: Customer: .*; Return URL: contains half of an emoji/,
		),
	]);
	expect(double.requests).toHaveLength(0);
});

test("as an AI Agent's tool: the language and the flow the model writes as text reach Stripe", async () => {
	double.billingPortal.saveSettings();
	const [ada] = await customers(1);
	const result = await run(
		[{}],
		{ asTool: true },
		{
			...create,
			customerId: { __rl: true, mode: 'id', value: ada.id },
			options: { locale: 'de', flow: 'payment_method_update' },
		},
	);
	expect(result.error).toBeUndefined();
	expect(sessionPosts()[0].params).toMatchObject({
		locale: 'de',
		flow_data: { type: 'payment_method_update' },
	});

	// In the tool every list is a text the model can fill.
	const toolType = new StripeCustomer().description;
	const tool = { ...toolType, name: `${toolType.name}Tool` };
	const parameters = {
		resource: 'billingPortalSession',
		operation: 'create',
		options: { flow: 'subscription_cancel' },
	};
	const node = { typeVersion: 1.2, parameters } as unknown as INode;
	const options = tool.properties
		.filter((property) => property.name === 'options')
		.find((property) => NodeHelpers.displayParameter(parameters, property, node, tool));
	const shown = (options?.options as INodeProperties[]).filter((option) =>
		NodeHelpers.displayParameter(parameters.options, option, node, tool, parameters),
	);
	expect(shown.map((option) => [option.displayName, option.type])).toEqual(
		expect.arrayContaining([
			['Language', 'string'],
			['Flow', 'string'],
			['Subscription ID', 'string'],
		]),
	);
	expect(shown.filter((option) => option.type === 'options')).toEqual([]);
});

test('Stripe Connect: the session is made in the connected account of the credential', async () => {
	double.billingPortal.saveSettings({ account: 'acct_connected' });
	const [connected] = await customers(1, 'acct_connected');
	const result = await run([{ customer: connected.id }], {}, create, {
		stripeAccount: 'acct_connected',
	});
	expect(result.error).toBeUndefined();
	expect(sessionPosts().map((request) => request.account)).toEqual(['acct_connected']);
	expect(double.billingPortal.sessions[0]).toMatchObject({
		customer: connected.id,
		account: 'acct_connected',
	});
	expect(JSON.stringify(result)).not.toContain(SECRET_KEY);
});
