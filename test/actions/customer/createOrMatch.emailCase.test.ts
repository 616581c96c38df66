import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import * as thisProcess from '../../support/workflowRunner';

// Create or Update (and Create's If Email Exists) find a customer whose email differs only in case, through n8n's
// engine against the Stripe double, which treats case and freshness as Stripe documents: the list's email filter is
// exact and case-sensitive but up to date at once; search ignores case but sees a write only after its lag (Stripe:
// under a minute; here set to a minute, and a test says "a minute later" by letting search catch up).

/** Another n8n process: the node's modules loaded afresh, with their own turns per email. */
async function anotherProcess(): Promise<typeof thisProcess> {
	let loaded: typeof thisProcess | undefined;
	await jest.isolateModulesAsync(async () => {
		loaded = await import('../../support/workflowRunner');
	});
	return loaded!;
}

let double: StripeDouble;
let stripe: Stripe;
let otherProcess: typeof thisProcess;
beforeAll(async () => {
	double = await startDouble();
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
	otherProcess = await anotherProcess();
});
afterAll(() => double.close());
beforeEach(() => {
	double.reset();
	double.setSearchLag(60_000);
});

/** Another integration (a form, a CRM import) makes a customer; `aMinuteAgo`: search has caught up since. */
async function madeElsewhere(email: string, aMinuteAgo: boolean) {
	const customer = await stripe.customers.create({ email, name: 'Made elsewhere' });
	if (aMinuteAgo) {
		double.setSearchLag(0);
		double.setSearchLag(60_000);
	}
	return customer;
}

function upsert(email: string, name = 'Ada Lovelace', runner = thisProcess) {
	return runner.runStripeCustomerWorkflow({
		items: [{ email, name }],
		node: {
			parameters: { operation: 'upsert', email: '={{ $json.email }}', name: '={{ $json.name }}' },
			typeVersion: 1.3,
		},
		credentials: credentialsFor(double),
	});
}

const requestsMade = () =>
	double.requests.map(
		(request) =>
			`${request.method} ${request.path}${request.query.email ? ` email=${request.query.email}` : ''}${request.query.query ? ` query=${request.query.query}` : ''}`,
	);
const live = () => double.customers.filter((customer) => !customer.deleted);

test('Create or Update of ada@example.com when Ada@Example.com was made a minute earlier by another integration: that customer is updated', async () => {
	const existing = await madeElsewhere('Ada@Example.com', true);
	const since = double.requests.length;
	const result = await upsert('ada@example.com');
	expect(result.error).toBeUndefined();
	expect(result.output?.map((item) => item.json)).toEqual([
		{ customerId: existing.id, action: 'updated', updatedFields: ['name', 'email'] },
	]);
	expect(live()).toHaveLength(1);
	expect(live()[0].customer).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
	// The exact list finds nothing (case-sensitive); search finds it in any case, and it is read again to be sure.
	expect(requestsMade().slice(since)).toEqual([
		'GET /v1/customers email=ada@example.com',
		"GET /v1/customers/search query=email:'ada@example.com'",
		`GET /v1/customers/${existing.id}`,
		`POST /v1/customers/${existing.id}`,
	]);
});

test('Create with If Email Exists finds it in any case too: Use the Existing One outputs it, Fail refuses', async () => {
	const existing = await madeElsewhere('ADA@EXAMPLE.COM', true);
	const run = (ifEmailExists: string) =>
		thisProcess.runStripeCustomerWorkflow({
			items: [{}],
			node: {
				parameters: { operation: 'create', email: 'Ada@example.com', options: { ifEmailExists } },
				typeVersion: 1.3,
				onError: 'continueRegularOutput',
			},
			credentials: credentialsFor(double),
		});
	expect((await run('useExisting')).output?.[0].json).toEqual({
		customerId: existing.id,
		action: 'existing',
	});
	expect((await run('fail')).output?.[0].json.error).toMatch(
		`a customer with email "Ada@example.com" already exists (${existing.id})`,
	);
	expect(live()).toHaveLength(1);
});

test('made a moment ago by this node, given again as it is now or in another case whose lower case it is: the exact list finds it at once', async () => {
	const first = await upsert('ada@example.com', 'Ada');
	// The update sends the email as given: the customer's email is ADA@example.com from here on.
	const second = await upsert('ADA@example.com', 'Ada Lovelace');
	const third = await upsert('ADA@example.com', 'Ada King');
	const id = first.output?.[0].json.customerId;
	expect([first, second, third].map((result) => result.output?.[0].json.action)).toEqual([
		'created',
		'updated',
		'updated',
	]);
	expect(second.output?.[0].json.customerId).toBe(id);
	expect(third.output?.[0].json.customerId).toBe(id);
	expect(live()).toHaveLength(1);
	expect(requestsMade().filter((request) => request.includes('/search'))).toEqual([
		"GET /v1/customers/search query=email:'ada@example.com'",
	]);
});

test("made a moment ago by this node in another case, which neither the list nor search shows yet: the email's key tells Stripe made it, and the newest customers are read to find it", async () => {
	const first = await upsert('Ada@Example.com', 'Ada');
	const second = await upsert('ada@example.com', 'Ada Lovelace');
	expect(second.error).toBeUndefined();
	expect(second.output?.[0].json).toMatchObject({
		customerId: first.output?.[0].json.customerId,
		action: 'updated',
	});
	expect(live()).toHaveLength(1);
	const recent = double.requests.filter(
		(request) => request.path === '/v1/customers' && request.query.created,
	);
	expect(recent).toHaveLength(1);
});

test('two n8n processes upserting Ada@Example.com and ADA@EXAMPLE.COM at the same moment (neither the lower case of the other) make one customer', async () => {
	const [mine, theirs] = await Promise.all([
		upsert('Ada@Example.com', 'Ada'),
		upsert('ADA@EXAMPLE.COM', 'Ada Lovelace', otherProcess),
	]);
	expect([mine.error, theirs.error]).toEqual([undefined, undefined]);
	expect(live()).toHaveLength(1);
	expect([mine, theirs].map((result) => result.output?.[0].json.customerId)).toEqual([
		live()[0].id,
		live()[0].id,
	]);
	expect([mine, theirs].map((result) => result.output?.[0].json.action).sort()).toEqual([
		'created',
		'updated',
	]);
});

test('several customers with the email in any case: the most recent is updated, and the output says so', async () => {
	await madeElsewhere('ADA@example.com', false);
	const newest = await madeElsewhere('Ada@Example.com', true);
	await madeElsewhere('mary.ada@example.com', true);
	const result = await upsert('ada@example.com');
	expect(result.output?.[0].json).toMatchObject({
		customerId: newest.id,
		action: 'updated',
		note: '2 customers have this email; used the most recent',
	});
});

test('search lags deletes and changes too: a customer it still shows but that is deleted, or has another email now, is not used', async () => {
	const deleted = await madeElsewhere('Ada@Example.com', true);
	const changed = await madeElsewhere('ADA@EXAMPLE.COM', true);
	await stripe.customers.del(deleted.id);
	await stripe.customers.update(changed.id, { email: 'grace@example.com' });
	const result = await upsert('ada@example.com');
	expect(result.output?.[0].json).toMatchObject({ action: 'created' });
	expect(result.output?.[0].json.customerId).not.toMatch(new RegExp(`${deleted.id}|${changed.id}`));
});

test('where Stripe refuses search (it is not offered to every account), the exact lookup stands alone, and the output says so', async () => {
	double.failNext(1, { status: 400 }, 'GET /v1/customers/search');
	const result = await upsert('Ada@Example.com');
	expect(result.error).toBeUndefined();
	expect(result.output?.[0].json).toMatchObject({
		action: 'created',
		note: expect.stringMatching(
			/^Stripe's search refused the lookup in any case \(.+\), so only "Ada@Example.com" and "ada@example.com" were looked up$/,
		),
	});
});

test('what stays possible (README, Limits): another integration made Ada@Example.com a moment ago, before search sees it; ada@example.com then makes a second customer', async () => {
	await madeElsewhere('Ada@Example.com', false);
	const result = await upsert('ada@example.com');
	expect(result.output?.[0].json).toMatchObject({ action: 'created' });
	expect(live()).toHaveLength(2);
});
