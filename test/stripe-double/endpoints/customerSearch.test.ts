import Stripe from 'stripe';

import { startStripeDouble } from '../index';
import { useDoubleUnderTest, KEY, failure } from '../selfTestSetup';
import { sleep } from '../testClient';

// GET /v1/customers/search: the query language Stripe offers on customers, its pages, and its lag behind writes.

const { d, client, raw } = useDoubleUnderTest();

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

describe('as strict as Stripe', () => {
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

// How the double finds a customer by email, as Stripe documents it: the list's email filter is exact, case-sensitive
// and up to date at once; search's `email:` ignores case and matches the words in order, but sees a write only after
// the search lag (Stripe: under a minute).

let stripe: Stripe;
beforeAll(() => {
	stripe = client();
});

const listed = async (email: string) =>
	(await stripe.customers.list({ email })).data.map((customer) => customer.email);
const searched = async (query: string) =>
	(await stripe.customers.search({ query })).data.map((customer) => customer.email);

it("list: the email filter is exact and case-sensitive (API reference: 'A case-sensitive filter'), and finds a new customer at once", async () => {
	d.setSearchLag(60_000);
	await stripe.customers.create({ email: 'Ada@Example.com' });
	expect(await listed('Ada@Example.com')).toEqual(['Ada@Example.com']);
	expect(await listed('ada@example.com')).toEqual([]);
	expect(await listed('ADA@EXAMPLE.COM')).toEqual([]);
	expect(await listed('ada@example.co')).toEqual([]);
});

it('search: `email:` ignores case and matches the words in order, so it finds more than one address', async () => {
	d.setSearchLag(0);
	for (const email of [
		'Ada@Example.com',
		'mary.ada@example.com',
		'ada@example.com.au',
		'ada@other.example.com',
		'com.example@ada.io',
	])
		await stripe.customers.create({ email });
	expect(await searched("email:'ada@example.com'")).toEqual([
		'ada@example.com.au',
		'mary.ada@example.com',
		'Ada@Example.com',
	]);
	expect(await searched('email:"ADA@EXAMPLE.COM"')).toHaveLength(3);
	// Stripe's own example: name:"one two three" matches "one two three four".
	await stripe.customers.create({ name: 'One Two Three Four' });
	expect((await stripe.customers.search({ query: 'name:"one two three"' })).data).toHaveLength(1);
	expect((await stripe.customers.search({ query: 'name:"one three"' })).data).toHaveLength(0);
});

it('search lags writes: a customer made a moment ago is not found, one made before the lag is', async () => {
	d.setSearchLag(60_000);
	await stripe.customers.create({ email: 'Ada@Example.com' });
	expect(await searched("email:'ada@example.com'")).toEqual([]);
	d.setSearchLag(0); // a minute later
	expect(await searched("email:'ada@example.com'")).toEqual(['Ada@Example.com']);
});
