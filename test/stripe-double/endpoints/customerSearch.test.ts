import Stripe from 'stripe';

import { DEFAULT_SECRET_KEYS, startStripeDouble, type StripeDouble } from '../index';

// How the double finds a customer by email, as Stripe documents it: the list's email filter is exact, case-sensitive
// and up to date at once; search's `email:` ignores case and matches the words in order, but sees a write only after
// the search lag (Stripe: under a minute).

let d: StripeDouble;
let stripe: Stripe;
beforeAll(async () => {
	d = await startStripeDouble({ seed: 3 });
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
