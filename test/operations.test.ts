import { sleep } from 'n8n-workflow';
import Stripe from 'stripe';

import { DEFAULT_SEARCH_LAG_MS, type StripeDouble } from './stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from './support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	searchCustomersInEditor,
	type RunResult,
} from './support/workflowRunner';

// The Customer resource: every operation through n8n's engine, read back from the Stripe double after each step,
// with the official client as the reference for what Stripe holds.

let double: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	double = await startDouble();
	stripe = new Stripe(SECRET_KEY, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
});
afterAll(() => double.close());
beforeEach(() => double.reset());

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{}],
	continueOnFail = false,
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: {
			parameters: parameters as never,
			onError: continueOnFail ? 'continueRegularOutput' : undefined,
		},
		credentials: credentialsFor(double),
	});
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
/** "2025-01-02 14:03", as the picker shows a creation time of a workflow in Tokyo (UTC+9, no daylight saving time). */
const tokyoMinute = (created: number) =>
	new Date((created + 9 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
/** Search sees writes late at Stripe (the double: a second); wait for it, as the README tells users to. */
const searchCatchesUp = () => sleep(DEFAULT_SEARCH_LAG_MS + 100);
const pairingOf = (result: RunResult) => result.output?.map((item) => item.pairedItem);

test('a customer from create to delete: Create → Get → Update → Get Many → Search → Delete → Get', async () => {
	const created = await run(
		{
			operation: 'create',
			name: '={{ $json.name }}',
			email: '={{ $json.email }}',
			additionalFields: { metadata: { entry: [{ key: 'plan', value: 'free' }] } },
		},
		[{ name: 'Ada Lovelace', email: 'ada@example.com' }],
	);
	const customerId = created.output![0].json.customerId as string;
	expect((await stripe.customers.retrieve(customerId)) as Stripe.Customer).toMatchObject({
		name: 'Ada Lovelace',
		metadata: { plan: 'free' },
	});

	const got = await run({ operation: 'get', customerId: '={{ $json.id }}' }, [{ id: customerId }]);
	expect(jsonOf(got)).toEqual([
		{ customerId, customer: expect.objectContaining({ id: customerId, email: 'ada@example.com' }) },
	]);

	const updated = await run({
		operation: 'update',
		customerId: byId(customerId),
		phone: '+44 20 7946 0000',
		additionalFields: {
			metadata: { entry: [{ key: 'plan', value: 'pro' }] },
			taxIds: { taxId: [{ type: 'gb_vat', value: 'GB123456789' }] },
		},
		options: { returnFullCustomer: true },
	});
	expect(updated.error).toBeUndefined();
	const afterUpdate = (await stripe.customers.retrieve(customerId, {
		expand: ['tax_ids'],
	})) as Stripe.Customer;
	expect(afterUpdate).toMatchObject({
		name: 'Ada Lovelace',
		phone: '+44 20 7946 0000',
		metadata: { plan: 'pro' },
	});
	expect(afterUpdate.tax_ids?.data.map((taxId) => [taxId.type, taxId.value])).toEqual([
		['gb_vat', 'GB123456789'],
	]);
	expect(jsonOf(updated)).toEqual([
		{
			customerId,
			customer: expect.objectContaining({ phone: '+44 20 7946 0000' }),
		},
	]);

	// Right after a write, Get Many by email finds the customer at once; Search only once Stripe's search caught up.
	const listed = await run({ operation: 'getMany', filters: { email: 'ada@example.com' } });
	expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customerId]);

	await searchCatchesUp();
	const found = await run({
		operation: 'search',
		query: "metadata['plan']:'pro' AND name~'Lovelace'",
	});
	expect(jsonOf(found)?.map((json) => json.customerId)).toEqual([customerId]);

	const deleted = await run({ operation: 'delete', customerId: byId(customerId) });
	expect(jsonOf(deleted)).toEqual([{ customerId, deleted: true }]);
	expect(await stripe.customers.retrieve(customerId)).toMatchObject({
		id: customerId,
		deleted: true,
	});

	// Stripe still answers for a deleted customer: a clear result, not a crash.
	const gone = await run({ operation: 'get', customerId: byId(customerId) });
	expect(jsonOf(gone)).toEqual([{ customerId, deleted: true }]);
});

describe('the customer picker (resource locator)', () => {
	test('By URL takes the ID out of a Stripe Dashboard address; By ID and an expression work too', async () => {
		const customer = await stripe.customers.create({ email: 'grace@example.com' });
		for (const customerId of [
			{
				__rl: true,
				mode: 'url',
				value: `https://dashboard.stripe.com/test/customers/${customer.id}`,
			},
			{
				__rl: true,
				mode: 'url',
				value: `https://dashboard.stripe.com/acct_1Connect/customers/${customer.id}?tab=payments`,
			},
			byId(customer.id),
			{ __rl: true, mode: 'id', value: '={{ $json.id }}' },
		]) {
			const result = await run({ operation: 'get', customerId }, [{ id: customer.id }]);
			expect(jsonOf(result)?.[0].customerId).toBe(customer.id);
		}
	});

	test('a value that is not a customer ID is refused before any request: typed (by n8n) or from an expression (by the node)', async () => {
		await expect(run({ operation: 'delete', customerId: byId('cus_123 456') })).rejects.toThrow(
			/Not a customer ID: one is cus_ followed by letters and digits only, e\.g\. cus_NffrFeUfNV2Hib\. For an expression such as \{\{ \$json\.customerId \}\}, switch this field from Fixed to Expression/,
		);
		const viaExpression = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
		const result = await run(
			{ operation: 'delete', customerId: viaExpression },
			[
				{ id: 'ada@example.com' },
				{ id: 'cus_12-34' },
				{ id: 'cus_' },
				{ id: '{{ $json.customerId' },
			],
			true,
		);
		expect(jsonOf(result)?.map((json) => json.error)).toEqual([
			'[item 0] Customer: "ada@example.com" is not a Stripe customer ID: one starts with cus_ (e.g. cus_NffrFeUfNV2Hib)',
			'[item 1] Customer: "cus_12-34" is not a Stripe customer ID: after cus_ come only letters and digits, and it holds "-"',
			'[item 2] Customer: "cus_" is only the start of a customer ID: the letters and digits after cus_ are missing',
			'[item 3] Customer: "{{ $json.customerId" is an expression typed as fixed text: switch the field from Fixed to Expression so n8n works it out for each item',
		]);
		expect(double.requests).toHaveLength(0);
	});

	test('From List: the newest customers first, page by page; typing searches names and emails', async () => {
		const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
		for (const name of names)
			await stripe.customers.create({
				name,
				email: `${name.split(' ')[0].toLowerCase()}@example.com`,
			});
		const credentials = credentialsFor(double);
		const entry = (customer: Stripe.Customer) =>
			`${customer.id} · ${tokyoMinute(customer.created)} · ${customer.name} <${customer.email}>`;
		const newestFirst = (await stripe.customers.list()).data;

		const all = await searchCustomersInEditor(credentials, undefined, undefined, 'Asia/Tokyo');
		expect(all.results.map((result) => result.name)).toEqual(newestFirst.map(entry));
		expect(all.results.map((result) => result.name.split(' · ')[2])).toEqual([
			'Alan Turing <alan@example.com>',
			'Grace Hopper <grace@example.com>',
			'Ada Lovelace <ada@example.com>',
		]);
		expect(all.results[0].url).toBe(
			`https://dashboard.stripe.com/test/customers/${all.results[0].value}`,
		);

		await searchCatchesUp();
		const typed = await searchCustomersInEditor(credentials, 'hopp', undefined, 'Asia/Tokyo');
		expect(typed.results.map((result) => result.name)).toEqual([entry(newestFirst[1])]);
		const byEmail = await searchCustomersInEditor(
			credentials,
			'alan@example',
			undefined,
			'Asia/Tokyo',
		);
		expect(byEmail.results.map((result) => result.name)).toEqual([entry(newestFirst[0])]);

		for (let index = 0; index < 60; index++)
			await stripe.customers.create({ email: `bulk-${index}@example.com` });
		const firstPage = await searchCustomersInEditor(credentials);
		const secondPage = await searchCustomersInEditor(
			credentials,
			undefined,
			firstPage.paginationToken,
		);
		expect(firstPage.results).toHaveLength(50);
		expect(secondPage.results).toHaveLength(13);
		expect(secondPage.paginationToken).toBeUndefined();
		expect(
			new Set([...firstPage.results, ...secondPage.results].map((result) => result.value)).size,
		).toBe(63);
	});
});

describe('Create or Update (upsert, by email)', () => {
	const upsert = { operation: 'upsert', name: '={{ $json.name }}', email: '={{ $json.email }}' };

	test('updates the customer with the email, creates the missing one; items sharing an email make one customer', async () => {
		const existing = await stripe.customers.create({ email: 'ada@example.com', name: 'Old name' });
		const result = await run(upsert, [
			{ name: 'Ada Lovelace', email: 'ada@example.com' },
			{ name: 'Grace Hopper', email: 'grace@example.com' },
			{ name: 'Grace B. Hopper', email: 'GRACE@example.com' },
		]);
		expect(result.error).toBeUndefined();
		const grace = double.customers.find(
			(customer) => customer.params.email === 'grace@example.com',
		)!;
		expect(jsonOf(result)).toEqual([
			{ customerId: existing.id, action: 'updated' },
			{ customerId: grace.id, action: 'created' },
			{ customerId: grace.id, action: 'updated' },
		]);
		expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(((await stripe.customers.retrieve(existing.id)) as Stripe.Customer).name).toBe(
			'Ada Lovelace',
		);
		expect(((await stripe.customers.retrieve(grace.id)) as Stripe.Customer).name).toBe(
			'Grace B. Hopper',
		);
		expect(double.customers).toHaveLength(2);
	});

	test('an item without an email is refused before any request', async () => {
		const result = await run(upsert, [{ name: 'No email' }], true);
		expect(jsonOf(result)?.[0]).toMatchObject({ itemIndex: 0, field: 'Email' });
		expect(double.requests).toHaveLength(0);
	});

	test('a later update with earlier values applies again (updates are never replayed from an older run)', async () => {
		await run(upsert, [{ name: 'A', email: 'ada@example.com' }]);
		await run(upsert, [{ name: 'B', email: 'ada@example.com' }]);
		await run(upsert, [{ name: 'A', email: 'ada@example.com' }]);
		expect(double.customers).toHaveLength(1);
		expect(
			((await stripe.customers.retrieve(double.customers[0].id)) as Stripe.Customer).name,
		).toBe('A');
	});
});

describe('Update', () => {
	test('a payment method is attached and made the invoice default', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{
				operation: 'update',
				customerId: '={{ $json.id }}',
				additionalFields: { defaultSource: '={{ $json.pm }}' },
			},
			[{ id: customer.id, pm: 'pm_card_visa' }],
		);
		expect(jsonOf(result)).toEqual([{ customerId: customer.id }]);
		const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
		expect(after.invoice_settings.default_payment_method).toBe('pm_card_visa');
		expect(double.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /v1/customers',
			'POST /v1/payment_methods/pm_card_visa/attach',
			`POST /v1/customers/${customer.id}`,
			`GET /v1/customers/${customer.id}`,
		]);
	});

	test("an unknown customer is an error for that item only, in Stripe's words", async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{ operation: 'update', customerId: '={{ $json.id }}', name: 'New' },
			[{ id: 'cus_doesNotExist' }, { id: customer.id }],
			true,
		);
		expect(jsonOf(result)?.[0]).toMatchObject({
			itemIndex: 0,
			statusCode: 404,
			code: 'resource_missing',
			param: 'id',
		});
		expect(jsonOf(result)?.[0].error).toMatch(
			/^\[item 0\] Stripe: No such customer: 'cus_doesNotExist'/,
		);
		expect(jsonOf(result)?.[1]).toEqual({ customerId: customer.id });
	});

	test('a customer deleted in Stripe is told as deleted, not as unknown, with or without an address to keep', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		await stripe.customers.del(customer.id);
		const result = await run(
			{ operation: 'update', customerId: '={{ $json.id }}', name: '={{ $json.name }}' },
			[{ id: customer.id, name: 'New' }],
			true,
		);
		const withAddress = await run(
			{
				operation: 'update',
				customerId: '={{ $json.id }}',
				address: { details: { city: 'London' } },
			},
			[{ id: customer.id }],
			true,
		);
		const deletedMessage = `[item 0] Customer: ${customer.id} was deleted in Stripe, and a deleted customer cannot be updated (Get shows it as deleted: true)`;
		expect(jsonOf(result)?.[0].error).toBe(deletedMessage);
		expect(jsonOf(withAddress)?.[0].error).toBe(deletedMessage);
	});
});

describe('what a write says it did', () => {
	const runAt = (typeVersion: number, parameters: Record<string, unknown>, items: object[]) =>
		runStripeCustomerWorkflow({
			items: items as never,
			node: { parameters: parameters as never, typeVersion },
			credentials: credentialsFor(double),
		});

	test('version 1.2: an update lists what it changed, a create Stripe replayed says nothing was made twice; 1 and 1.1 output what saved workflows were built on', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const update = {
			operation: 'update',
			customerId: byId(customer.id),
			phone: '+44 20 7946 0000',
			additionalFields: { metadata: { entry: [{ key: 'plan', value: 'pro' }] } },
		};
		const create = { operation: 'create', email: '={{ $json.email }}' };
		const newCustomer = [{ email: 'grace@example.com' }];

		expect(jsonOf(await runAt(1.2, update, [{}]))).toEqual([
			{ customerId: customer.id, updatedFields: ['phone', 'metadata'] },
		]);
		const made = jsonOf(await runAt(1.2, create, newCustomer))?.[0].customerId;
		expect(jsonOf(await runAt(1.2, create, newCustomer))).toEqual([
			{
				customerId: made,
				replayed: true,
				note: 'Stripe returned the customer made earlier for this input (same idempotency key, within 24 hours): nothing was created twice',
			},
		]);
		for (const typeVersion of [1, 1.1]) {
			expect(jsonOf(await runAt(typeVersion, update, [{}]))).toEqual([{ customerId: customer.id }]);
			expect(jsonOf(await runAt(typeVersion, create, newCustomer))).toEqual([
				{ customerId: expect.stringMatching(/^cus_/), replayed: true },
			]);
		}
	});
});

describe('Get Many and Search', () => {
	beforeEach(async () => {
		for (let index = 0; index < 130; index++) {
			await stripe.customers.create({
				email: `c${index}@example.com`,
				name: index % 2 ? 'Odd' : 'Even',
				metadata: { index: String(index) },
			});
		}
	});

	test('Return All pages through every customer with starting_after, newest first; Limit stops there', async () => {
		const all = await run({ operation: 'getMany', returnAll: true });
		expect(jsonOf(all)?.map((json) => json.customerId)).toEqual(
			double.customers.map((customer) => customer.id).reverse(),
		);
		const pages = double.requests.filter((request) => request.method === 'GET');
		expect(pages.map((request) => [request.query.limit, request.query.starting_after])).toEqual([
			['100', undefined],
			['100', jsonOf(all)?.[99].customerId],
		]);

		double.requests.length = 0;
		const some = await run({ operation: 'getMany', limit: 5 });
		expect(jsonOf(some)?.map((json) => (json.customer as { email: string }).email)).toEqual(
			['c129', 'c128', 'c127', 'c126', 'c125'].map((local) => `${local}@example.com`),
		);
		expect(double.requests.map((request) => request.query.limit)).toEqual(['5']);
	});

	test('each input item gets its own results, paired to it', async () => {
		const result = await run({ operation: 'getMany', filters: { email: '={{ $json.email }}' } }, [
			{ email: 'c1@example.com' },
			{ email: 'nobody@example.com' },
			{ email: 'c2@example.com' },
		]);
		expect(result.output?.map((item) => [item.pairedItem, item.json.customerId])).toEqual([
			[{ item: 0 }, double.customers[1].id],
			[{ item: 2 }, double.customers[2].id],
		]);
	});

	test("Search pages through its results with Stripe's page token", async () => {
		await searchCatchesUp();
		const query = "email~'example.com'";
		const result = await run({ operation: 'search', query, returnAll: true });
		expect(jsonOf(result)?.map((json) => json.customerId)).toEqual(
			double.customers.map((customer) => customer.id).reverse(),
		);
		const searches = double.requests.filter((request) => request.path === '/v1/customers/search');
		const firstPage = await stripe.customers.search({ query, limit: 100 });
		expect(firstPage.next_page).toEqual(expect.any(String));
		expect(searches.map((request) => [request.query.limit, request.query.page])).toEqual([
			['100', undefined],
			['100', firstPage.next_page],
		]);
		const limited = await run({ operation: 'search', query: "name:'Even'", limit: 3 });
		expect(jsonOf(limited)).toHaveLength(3);
	});

	test("a query Stripe cannot parse is an error item with Stripe's message and param", async () => {
		const result = await run({ operation: 'search', query: 'email ada' }, [{}], true);
		expect(jsonOf(result)?.[0]).toMatchObject({ itemIndex: 0, statusCode: 400, param: 'query' });
	});

	test('Search lags behind writes at Stripe: a customer created a moment ago is found by Get Many, not yet by Search', async () => {
		double.setSearchLag(60_000);
		const customer = await stripe.customers.create({ email: 'fresh@example.com' });
		const searched = await run({ operation: 'search', query: "email:'fresh@example.com'" });
		const listed = await run({ operation: 'getMany', filters: { email: 'fresh@example.com' } });
		expect(jsonOf(searched)).toEqual([]);
		expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customer.id]);
	});
});

describe('Delete', () => {
	test('outputs {customerId, deleted: true}; one customer given twice is deleted once and the second item finds it deleted', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const result = await run(
			{ operation: 'delete', customerId: '={{ $json.id }}' },
			[{ id: customer.id }, { id: customer.id }],
			true,
		);
		expect(jsonOf(result)).toEqual([
			{ customerId: customer.id, deleted: true },
			{ customerId: customer.id, deleted: true, alreadyDeleted: true },
		]);
		expect(double.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
	});
});
