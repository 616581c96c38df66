import Stripe from 'stripe';

import type { StripeDouble } from './stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from './support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	searchCustomersInEditor,
	type RunOptions,
	type RunResult,
} from './support/workflowRunner';

// What a user gives reaches Stripe as meant: an update keeps the address parts it does not name, texts that cannot
// be sent are the item's error before any request, metadata keys are only keys, dates are read in the workflow's
// time zone, and the picker's links open the right Dashboard.

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
	options: Partial<RunOptions> = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials: credentialsFor(double),
		...options,
	});
}

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const retrieve = async (customerId: string) =>
	(await stripe.customers.retrieve(customerId)) as Stripe.Customer;

describe('an update keeps the parts of an address it does not name (Stripe replaces a nested hash whole)', () => {
	const address = {
		line1: 'Hauptstraße 1',
		line2: 'Hinterhaus',
		city: 'Berlin',
		postal_code: '10115',
		state: 'BE',
		country: 'DE',
	};
	const shipping = {
		name: 'Ada at work',
		phone: '+49 30 1234',
		address: { line1: 'Lagerweg 2', city: 'Hamburg', postal_code: '20095', country: 'DE' },
	};
	const newAda = () =>
		stripe.customers.create({ email: 'ada@example.com', name: 'Ada', address, shipping });
	const updateBodies = (customerId: string) =>
		double.requests.filter(
			(request) => request.method === 'POST' && request.path === `/v1/customers/${customerId}`,
		);

	test.each([
		['Update', (customerId: string) => ({ operation: 'update', customerId: byId(customerId) })],
		['Create or Update', () => ({ operation: 'upsert', email: 'ada@example.com' })],
		[
			'Create with If Email Exists → Update the Existing One',
			() => ({
				operation: 'create',
				email: 'ada@example.com',
				options: { ifEmailExists: 'update' },
			}),
		],
	])(
		'%s with only Billing Address → Country and Shipping → City: the rest of both stays',
		async (_operation, parametersFor) => {
			const customer = await newAda();
			const result = await run({
				...parametersFor(customer.id),
				address: { details: { country: 'AT' } },
				shipping: { details: { city: 'Bremen' } },
			});
			expect(result.error).toBeUndefined();
			const after = await retrieve(customer.id);
			expect(after.address).toEqual({ ...address, country: 'AT' });
			expect(after.shipping).toEqual({
				name: 'Ada at work',
				phone: '+49 30 1234',
				address: { ...shipping.address, city: 'Bremen', line2: null, state: null },
			});
			// What was sent: the whole address, completed from the customer.
			expect(updateBodies(customer.id).map((request) => request.params.address)).toEqual([
				{ ...address, country: 'AT' },
			]);
		},
	);

	test("Update of a customer without shipping: the recipient is the customer's name", async () => {
		const customer = await stripe.customers.create({
			email: 'grace@example.com',
			name: 'Grace Hopper',
		});
		const result = await run({
			operation: 'update',
			customerId: byId(customer.id),
			shipping: { details: { city: 'Arlington', country: 'united states' } },
		});
		expect(result.error).toBeUndefined();
		expect((await retrieve(customer.id)).shipping).toMatchObject({
			name: 'Grace Hopper',
			address: { city: 'Arlington', country: 'US' },
		});
	});
});

test('a text with half of an emoji (cut by .slice()) is an error naming the field and the position; nothing is sent', async () => {
	const result = await run(
		{ operation: 'create', name: '={{ $json.name.slice(0, 5) }}', email: '={{ $json.email }}' },
		[
			{ name: 'Ada 🙂 Lovelace', email: 'ada@example.com' },
			{ name: 'Grace Hopper', email: 'grace@example.com' },
		],
	);
	expect(result.error?.message).toBe(
		'[item 0] Name: contains half of an emoji (a lone UTF-16 surrogate) at position 4, which cannot be sent: the text was probably cut in the middle of an emoji (e.g. by .slice()); cut it elsewhere or remove that character',
	);
	expect(double.requests).toHaveLength(0);
});

test('metadata keys named like JavaScript object methods are sent and read back', async () => {
	const keys = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
	const result = await run({
		operation: 'create',
		email: 'ada@example.com',
		additionalFields: { metadata: { entry: keys.map((key) => ({ key, value: `${key} value` })) } },
	});
	expect(result.error).toBeUndefined();
	const sent = double.requests[0].rawBody.split('&').filter((pair) => pair.startsWith('metadata'));
	expect(sent).toEqual(keys.map((key) => `metadata[${key}]=${encodeURIComponent(`${key} value`)}`));
	const held = (await retrieve(jsonOf(result)?.[0].customerId as string)).metadata;
	expect(keys.map((key) => Object.getOwnPropertyDescriptor(held, key)?.value)).toEqual(
		keys.map((key) => `${key} value`),
	);
});

describe("Get Many's Created After / Before are read in the workflow's time zone", () => {
	/** A Tokyo wall-clock time (UTC+9, no daylight saving time) as the editor's date picker gives it: no time zone. */
	const tokyoWallTime = (unixSeconds: number) =>
		new Date((unixSeconds + 9 * 3600) * 1000).toISOString().slice(0, 19);

	test('a time without a zone, in a workflow set to Asia/Tokyo, is Tokyo time', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const after = customer.created - 60;
		const listed = await run(
			{ operation: 'getMany', filters: { createdAfter: tokyoWallTime(after) } },
			[{}],
			{ timezone: 'Asia/Tokyo' },
		);
		expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customer.id]);
		expect(double.requests.at(-1)?.query.created).toEqual({ gte: String(after) });

		const notYet = await run(
			{ operation: 'getMany', filters: { createdBefore: tokyoWallTime(after) } },
			[{}],
			{ timezone: 'Asia/Tokyo' },
		);
		expect(jsonOf(notYet)).toEqual([]);
		expect(double.requests.at(-1)?.query.created).toEqual({ lt: String(after) });
	});

	test('a time with a zone, or a date from an expression, is that time anywhere', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const after = customer.created - 60;
		for (const createdAfter of [
			new Date(after * 1000).toISOString(),
			`={{ DateTime.fromSeconds(${after}) }}`,
		]) {
			await run({ operation: 'getMany', filters: { createdAfter } }, [{}], {
				timezone: 'Asia/Tokyo',
			});
			expect(double.requests.at(-1)?.query.created).toEqual({ gte: String(after) });
		}
	});
});

test('the picker\'s "open in Stripe" link of a Connect credential opens the connected account\'s Dashboard', async () => {
	const account = 'acct_1Connected';
	const customer = await stripe.customers.create(
		{ email: 'ada@example.com', name: 'Ada' },
		{ stripeAccount: account },
	);
	const credentials = credentialsFor(double, { stripeAccount: account });
	const listed = await searchCustomersInEditor(credentials);
	expect(listed.results.map((result) => result.url)).toEqual([
		`https://dashboard.stripe.com/${account}/test/customers/${customer.id}`,
	]);
	// The link, pasted into the Customer field "By URL", picks the same customer.
	const got = await runStripeCustomerWorkflow({
		items: [{}],
		node: {
			parameters: {
				operation: 'get',
				customerId: { __rl: true, mode: 'url', value: listed.results[0].url },
			},
		},
		credentials,
	});
	expect(jsonOf(got)?.[0].customerId).toBe(customer.id);
});
