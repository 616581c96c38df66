import type { INodeParameters } from 'n8n-workflow';
import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	searchInEditor,
	type RunResult,
	type StripeNodeSettings,
} from '../../support/workflowRunner';

// Tax ID → Delete through n8n's engine against the Stripe double. Stripe answers a tax ID deleted before as one that
// never existed ("No such tax_id"); the node tells them apart by Stripe's events.

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

const remove = {
	resource: 'taxId',
	operation: 'delete',
	customerId: { __rl: true, mode: 'id', value: '={{ $json.customer }}' },
	taxId: { __rl: true, mode: 'id', value: '={{ $json.taxId }}' },
};

function run(
	items: object[],
	node: Partial<StripeNodeSettings> = {},
	parameters: object = remove,
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { typeVersion: 1.2, parameters: parameters as never, ...node },
		credentials: credentialsFor(double),
	});
}

const continueOnFail = { onError: 'continueRegularOutput' as const };
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const deletes = () => double.requests.filter((request) => request.method === 'DELETE');
const heldBy = async (customerId: string) =>
	(await stripe.customers.listTaxIds(customerId)).data.map((taxId) => taxId.id);

/** Customers with one tax ID each. */
async function customersWithTaxIds(count: number) {
	const made: Array<{ customer: string; taxId: string }> = [];
	for (let n = 0; n < count; n++) {
		const customer = await stripe.customers.create({ email: `person-${n}@example.com` });
		const taxId = await stripe.customers.createTaxId(customer.id, {
			type: 'eu_vat',
			value: `DE30000000${n}`,
		});
		made.push({ customer: customer.id, taxId: taxId.id });
	}
	return made;
}

test('deletes the tax ID of each item; a re-run reports them already deleted, and fails only for an ID that never existed', async () => {
	const items = await customersWithTaxIds(2);
	const first = await run(items);
	expect(jsonOf(first)).toEqual(
		items.map(({ customer, taxId }) => ({ customerId: customer, taxIdId: taxId, deleted: true })),
	);
	for (const { customer } of items) expect(await heldBy(customer)).toEqual([]);

	const again = await run(
		[...items, { customer: items[0].customer, taxId: 'txi_neverExisted' }],
		continueOnFail,
	);
	expect(jsonOf(again)).toEqual([
		...items.map(({ customer, taxId }) => ({
			customerId: customer,
			taxIdId: taxId,
			deleted: true,
			alreadyDeleted: true,
		})),
		expect.objectContaining({
			itemIndex: 2,
			statusCode: 404,
			code: 'resource_missing',
			error: `[item 2] Stripe: No such tax_id: 'txi_neverExisted' (no deletion of tax ID txi_neverExisted from ${items[0].customer} in Stripe's events of the last 30 days: check both IDs (one deleted longer ago looks the same))`,
		}),
	]);
});

test('a retry after a lost answer (Stripe deleted it, the connection dropped) is an item done: alreadyDeleted', async () => {
	const [item] = await customersWithTaxIds(1);
	double.failNext(1, { drop: 'after-create' }, 'DELETE /v1/customers/:id/tax_ids/:tax_id');
	const result = await run([item]);
	expect(result.error).toBeUndefined();
	expect(jsonOf(result)).toEqual([
		{ customerId: item.customer, taxIdId: item.taxId, deleted: true, alreadyDeleted: true },
	]);
	expect(
		double.requests
			.slice(-3)
			.map(
				(request) =>
					`${request.method} ${request.path.replace(/(cus|txi)_\w+/g, '$1_…')} ${request.status}`,
			),
	).toEqual([
		'DELETE /v1/customers/cus_…/tax_ids/txi_… 0',
		'DELETE /v1/customers/cus_…/tax_ids/txi_… 404',
		'GET /v1/events 200',
	]);
	expect(await heldBy(item.customer)).toEqual([]);
});

test('Retry On Fail: the second try reports what the first deleted; none is left', async () => {
	const items = await customersWithTaxIds(2);
	// Item 1's delete fails at first (a 500 that changed nothing): the node fails, n8n runs it again.
	double.failNext(1, { status: 500 }, 'DELETE /v1/customers/:id/tax_ids/:tax_id');
	const result = await run(
		items,
		{ retryOnFail: true, maxTries: 2 },
		{
			...remove,
			requestOptions: { maxRetries: 0, concurrency: 1 },
		},
	);
	expect(result.error).toBeUndefined();
	expect(deletes().map((request) => request.status)).toEqual([500, 200, 200, 404]);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({ taxIdId: items[0].taxId, deleted: true }),
		expect.objectContaining({ taxIdId: items[1].taxId, deleted: true, alreadyDeleted: true }),
	]);
	for (const { customer } of items) expect(await heldBy(customer)).toEqual([]);
});

test('one item failing in the middle of 10 (continue-on-fail): the other 9 are deleted', async () => {
	const items = await customersWithTaxIds(10);
	// Item 4 names a tax ID of another customer: Stripe knows no such tax ID of this one.
	const given = items.map((item, n) => (n === 4 ? { ...item, taxId: items[5].taxId } : item));
	const result = await run(given, continueOnFail);
	const output = jsonOf(result)!;
	expect(output[4]).toMatchObject({
		itemIndex: 4,
		statusCode: 404,
		error: expect.stringMatching(/^\[item 4\] Stripe: No such tax_id/),
	});
	for (const [n, item] of items.entries()) {
		if (n === 4) {
			expect(await heldBy(item.customer)).toEqual([item.taxId]);
			continue;
		}
		expect(output[n]).toEqual({ customerId: item.customer, taxIdId: item.taxId, deleted: true });
		expect(await heldBy(item.customer)).toEqual([]);
	}
});

test('a tax ID deleted from another customer is not taken for one deleted from this customer', async () => {
	const [ada, grace] = await customersWithTaxIds(2);
	await stripe.customers.deleteTaxId(grace.customer, grace.taxId);
	const result = await run([{ customer: ada.customer, taxId: grace.taxId }], continueOnFail);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			statusCode: 404,
			error: expect.stringMatching(/^\[item 0\] Stripe: No such tax_id: .*no deletion of tax ID/),
		}),
	]);
	expect(await heldBy(ada.customer)).toEqual([ada.taxId]);
});

test('a key that may not read events: the 404 is passed on, saying the node could not tell a deleted tax ID from a wrong one', async () => {
	const [item] = await customersWithTaxIds(1);
	await stripe.customers.deleteTaxId(item.customer, item.taxId);
	double.failNext(1, { status: 403 }, 'GET /v1/events');
	const result = await run([item], continueOnFail);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			statusCode: 404,
			error: expect.stringMatching(
				/^\[item 0\] Stripe: No such tax_id: 'txi_\w+' \(whether tax ID txi_\w+ was deleted before could not be checked: reading Stripe's events failed \(.*\); a restricted key needs Events: Read for that\)$/,
			),
		}),
	]);
});

test("a value that is not a tax ID's ID is refused before any request", async () => {
	const [item] = await customersWithTaxIds(1);
	double.reset();
	const result = await run([{ customer: item.customer, taxId: 'DE300000000' }], continueOnFail);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			field: 'Tax ID',
			error: expect.stringMatching(/^\[item 0\] Tax ID: "DE300000000" is not a tax ID's ID/),
		}),
	]);
	expect(double.requests).toHaveLength(0);
});

describe('the tax ID picker (From List)', () => {
	const credentials = () => credentialsFor(double);
	const parameters = (customer: INodeParameters): INodeParameters => ({
		...remove,
		customerId: customer,
		taxId: { __rl: true, mode: 'list', value: '' },
	});

	test('lists the tax IDs of the customer picked above it, by value, kind and ID; typing filters', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const vat = await stripe.customers.createTaxId(customer.id, {
			type: 'eu_vat',
			value: 'DE123456789',
		});
		const ein = await stripe.customers.createTaxId(customer.id, {
			type: 'us_ein',
			value: '12-3456789',
		});
		const picked = { __rl: true, mode: 'list', value: customer.id };
		const all = await searchInEditor('searchTaxIds', 'taxId', credentials(), {
			parameters: parameters(picked),
		});
		expect(all.results).toEqual([
			{ name: `DE123456789 (EU: VAT Number, ${vat.id})`, value: vat.id },
			{
				name: expect.stringMatching(new RegExp(`^12-3456789 \\(United States: .+, ${ein.id}\\)$`)),
				value: ein.id,
			},
		]);
		const typed = await searchInEditor('searchTaxIds', 'taxId', credentials(), {
			parameters: parameters(picked),
			filter: 'vat',
		});
		expect(typed.results.map((entry) => entry.value)).toEqual([vat.id]);
		// A customer given by its Dashboard URL works alike.
		const byUrl = {
			__rl: true,
			mode: 'url',
			value: `https://dashboard.stripe.com/test/customers/${customer.id}`,
		};
		const fromUrl = await searchInEditor('searchTaxIds', 'taxId', credentials(), {
			parameters: parameters(byUrl),
		});
		expect(fromUrl.results).toHaveLength(2);
	});

	test('without a customer picked, or with one given by an expression, it says to pick one', async () => {
		for (const customer of [
			{ __rl: true, mode: 'list', value: '' },
			{ __rl: true, mode: 'id', value: '={{ $json.customer }}' },
		]) {
			await expect(
				searchInEditor('searchTaxIds', 'taxId', credentials(), {
					parameters: parameters(customer),
				}),
			).rejects.toThrow('Pick the customer first (From List or By ID) to list its tax IDs');
		}
		expect(double.requests).toHaveLength(0);
	});
});
