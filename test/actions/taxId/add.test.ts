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

// Tax ID → Add through n8n's engine against the Stripe double: one tax ID per customer however often it is sent,
// retried or run again.

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

const byExpression = { __rl: true, mode: 'id', value: '={{ $json.customer }}' };
const add = {
	resource: 'taxId',
	operation: 'add',
	customerId: byExpression,
	type: '={{ $json.type }}',
	value: '={{ $json.vat }}',
};

function run(
	items: object[],
	node: Partial<StripeNodeSettings> = {},
	parameters: object = add,
	runOptions: { executionId?: string; credentials?: object } = {},
): Promise<RunResult> {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { typeVersion: 1.2, parameters: parameters as never, ...node },
		credentials: credentialsFor(double, runOptions.credentials as never),
		executionId: runOptions.executionId,
	});
}

const continueOnFail = { onError: 'continueRegularOutput' as const };
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
const taxIdPosts = () =>
	double.requests.filter(
		(request) => request.method === 'POST' && request.path.endsWith('/tax_ids'),
	);
const heldBy = async (customerId: string, account?: string) =>
	(
		await stripe.customers.listTaxIds(customerId, {}, account ? { stripeAccount: account } : {})
	).data.map((taxId) => `${taxId.type} ${taxId.value}`);

async function customers(count: number) {
	const made: Stripe.Customer[] = [];
	for (let n = 0; n < count; n++)
		made.push(await stripe.customers.create({ email: `person-${n}@example.com` }));
	return made;
}

test('adds the tax ID each item gives to its customer: one output item per input, paired, with the ID Stripe gave it', async () => {
	const [ada, grace] = await customers(2);
	const result = await run([
		{ customer: ada.id, type: 'eu_vat', vat: 'DE123456789' },
		{ customer: grace.id, type: 'gb_vat', vat: 'GB123456789' },
	]);
	expect(result.error).toBeUndefined();
	const held = [
		...(await stripe.customers.listTaxIds(ada.id)).data,
		...(await stripe.customers.listTaxIds(grace.id)).data,
	];
	expect(jsonOf(result)).toEqual([
		{
			customerId: ada.id,
			taxIdId: held[0].id,
			taxId: expect.objectContaining({ value: 'DE123456789' }),
		},
		{
			customerId: grace.id,
			taxIdId: held[1].id,
			taxId: expect.objectContaining({ type: 'gb_vat' }),
		},
	]);
	expect(result.output?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(taxIdPosts().map((request) => request.params)).toEqual([
		{ type: 'eu_vat', value: 'DE123456789' },
		{ type: 'gb_vat', value: 'GB123456789' },
	]);
});

test('a tax ID the customer has already (same type, the value in another case or with spaces) is a success, not added again', async () => {
	const [ada] = await customers(1);
	const existing = await stripe.customers.createTaxId(ada.id, {
		type: 'eu_vat',
		value: 'DE123456789',
	});
	const result = await run([{ customer: ada.id, type: 'eu_vat', vat: 'de 123 456 789' }]);
	expect(jsonOf(result)).toEqual([
		{ customerId: ada.id, taxIdId: existing.id, alreadyAdded: true, taxId: expect.any(Object) },
	]);
	expect(taxIdPosts()).toHaveLength(1);
	// The same value as another type is another tax ID.
	const other = await run([{ customer: ada.id, type: 'ch_vat', vat: 'DE123456789' }]);
	expect(jsonOf(other)?.[0]).not.toHaveProperty('alreadyAdded');
	expect(await heldBy(ada.id)).toEqual(['eu_vat DE123456789', 'ch_vat DE123456789']);
});

test("a retry after a lost answer (Stripe added it, the connection dropped): one tax ID, Stripe's stored answer", async () => {
	const [ada] = await customers(1);
	double.failNext(1, { drop: 'after-create' }, 'POST /v1/customers/:id/tax_ids');
	const result = await run([{ customer: ada.id, type: 'eu_vat', vat: 'DE123456789' }]);
	expect(result.error).toBeUndefined();
	expect(jsonOf(result)).toEqual([expect.objectContaining({ customerId: ada.id, replayed: true })]);
	expect(taxIdPosts().map((request) => [request.status, request.replayed])).toEqual([
		[0, false],
		[200, true],
	]);
	expect(await heldBy(ada.id)).toEqual(['eu_vat DE123456789']);
});

test('Retry On Fail after Stripe added a tax ID and answered 500: the second try finds it, one tax ID per customer', async () => {
	const [ada, grace] = await customers(2);
	// Item 0's tax ID is added, but Stripe answers 500 (stored, not to be retried): the node fails, n8n runs it again.
	double.failNext(1, { status: 500, after: 'commit' }, 'POST /v1/customers/:id/tax_ids');
	const result = await run(
		[
			{ customer: ada.id, type: 'eu_vat', vat: 'DE123456789' },
			{ customer: grace.id, type: 'eu_vat', vat: 'DE987654321' },
		],
		{ retryOnFail: true, maxTries: 2 },
		{ ...add, options: {} },
	);
	expect(result.error).toBeUndefined();
	// Two tries, each reading both customers' tax IDs; the first added both (one answered 500), the second nothing.
	const lists = double.requests.filter(
		(request) => request.method === 'GET' && request.path.endsWith('/tax_ids'),
	);
	expect(lists).toHaveLength(4);
	expect(
		taxIdPosts()
			.map((request) => request.status)
			.sort(),
	).toEqual([200, 500]);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({ customerId: ada.id, alreadyAdded: true }),
		expect.objectContaining({ customerId: grace.id, alreadyAdded: true }),
	]);
	expect(await heldBy(ada.id)).toEqual(['eu_vat DE123456789']);
	expect(await heldBy(grace.id)).toEqual(['eu_vat DE987654321']);
});

test('a re-run of the execution adds nothing more: every tax ID reported as alreadyAdded', async () => {
	const people = await customers(3);
	const items = people.map((person, n) => ({
		customer: person.id,
		type: 'eu_vat',
		vat: `DE10000000${n}`,
	}));
	const first = await run(items);
	const again = await run(items);
	expect(jsonOf(again)?.map((json) => [json.taxIdId, json.alreadyAdded])).toEqual(
		jsonOf(first)?.map((json) => [json.taxIdId, true]),
	);
	expect(taxIdPosts()).toHaveLength(3);
	for (const [n, person] of people.entries())
		expect(await heldBy(person.id)).toEqual([`eu_vat DE10000000${n}`]);
});

test('one item failing in the middle of 10 (continue-on-fail): the other 9 are added, the failed one says why', async () => {
	const people = await customers(10);
	const items = people.map((person, n) => ({
		customer: n === 4 ? 'cus_neverExisted' : person.id,
		type: 'eu_vat',
		vat: `DE20000000${n}`,
	}));
	const result = await run(items, continueOnFail);
	const output = jsonOf(result)!;
	expect(output).toHaveLength(10);
	expect(output[4]).toMatchObject({
		itemIndex: 4,
		statusCode: 404,
		error: expect.stringMatching(/^\[item 4\] Stripe: No such customer: 'cus_neverExisted'/),
	});
	for (const [n, person] of people.entries()) {
		if (n === 4) continue;
		expect(output[n]).toMatchObject({
			customerId: person.id,
			taxIdId: expect.stringMatching(/^txi_/),
		});
		expect(await heldBy(person.id)).toEqual([`eu_vat DE20000000${n}`]);
	}
	expect(await heldBy(people[4].id)).toEqual([]);
});

test('bad input is refused before any request, naming the item and the field', async () => {
	const [ada] = await customers(1);
	double.reset();
	const result = await run(
		[
			{ customer: 'ada@example.com', type: 'eu_vat', vat: 'DE1' },
			{ customer: ada.id, type: 'xx_vat', vat: 'DE1' },
			{ customer: ada.id, type: 'eu_vat', vat: '  ' },
		],
		continueOnFail,
	);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			field: 'Customer',
			error: expect.stringMatching(
				/^\[item 0\] Customer: "ada@example.com" is not a Stripe customer ID/,
			),
		}),
		expect.objectContaining({
			itemIndex: 1,
			field: 'Type',
			error: expect.stringMatching(
				/^\[item 1\] Type: "xx_vat" is not one of Stripe's tax ID types/,
			),
		}),
		expect.objectContaining({
			itemIndex: 2,
			field: 'Value',
			error: '[item 2] Value: no tax ID given',
		}),
	]);
	expect(double.requests).toHaveLength(0);
});

test('On Error "Stop": the run stops at the failed item and says what it added', async () => {
	const [ada, grace] = await customers(2);
	const result = await run(
		[
			{ customer: ada.id, type: 'eu_vat', vat: 'DE123456789' },
			{ customer: 'cus_neverExisted', type: 'eu_vat', vat: 'DE1' },
			{ customer: grace.id, type: 'eu_vat', vat: 'DE987654321' },
		],
		{},
		{ ...add, requestOptions: { concurrency: 1 } },
	);
	expect(result.error?.message).toMatch(/^\[item 1\] Stripe: No such customer/);
	expect(result.error?.description).toContain(
		[
			'Done before the run stopped (2 items):',
			`- item 0 → ${ada.id}: tax ID eu_vat DE123456789 added`,
			`- item 2 → ${grace.id}: tax ID eu_vat DE987654321 added`,
			'Running the node again adds nothing more: a tax ID the customer has is reported as alreadyAdded.',
		].join('\n'),
	);
});

test("as an AI Agent's tool: the type the model writes as a code reaches Stripe", async () => {
	const [ada] = await customers(1);
	const result = await run(
		[{}],
		{ asTool: true },
		{
			...add,
			customerId: { __rl: true, mode: 'id', value: ada.id },
			type: 'GB_VAT',
			value: 'GB123456789',
		},
	);
	expect(result.error).toBeUndefined();
	expect(await heldBy(ada.id)).toEqual(['gb_vat GB123456789']);
});

test('Stripe Connect: the tax ID is added in the connected account of the credential', async () => {
	const connected = await stripe.customers.create(
		{ email: 'c@example.com' },
		{ stripeAccount: 'acct_connected' },
	);
	const result = await run(
		[{ customer: connected.id, type: 'eu_vat', vat: 'DE123456789' }],
		{},
		add,
		{
			credentials: { stripeAccount: 'acct_connected' },
		},
	);
	expect(result.error).toBeUndefined();
	expect(taxIdPosts().map((request) => request.account)).toEqual(['acct_connected']);
	expect(await heldBy(connected.id, 'acct_connected')).toEqual(['eu_vat DE123456789']);
});

test('the key never appears in the output', async () => {
	const [ada] = await customers(1);
	const result = await run(
		[
			{ customer: ada.id, type: 'eu_vat', vat: 'DE123456789' },
			{ customer: 'cus_neverExisted', type: 'eu_vat', vat: 'DE1' },
		],
		continueOnFail,
	);
	expect(JSON.stringify(result)).not.toContain(SECRET_KEY);
});

test("the editor: Customer, Type (a list for people, a text in an AI Agent's tool), Value (required), Request Options", () => {
	const description = new StripeCustomer().description;
	const tool = { ...description, name: `${description.name}Tool` };
	const parameters = { resource: 'taxId', operation: 'add' };
	const node = { typeVersion: 1.2, parameters } as unknown as INode;
	const shown = (type: typeof description) =>
		type.properties
			.filter((property) => NodeHelpers.displayParameter(parameters, property, node, type))
			.map((property: INodeProperties) => [
				property.displayName,
				property.type,
				!!property.required,
			]);
	expect(shown(description)).toEqual([
		['Resource', 'options', false],
		['Operation', 'options', false],
		['Customer', 'resourceLocator', true],
		['Type', 'options', false],
		['Value', 'string', true],
		['Request Options', 'collection', false],
	]);
	expect(shown(tool)).toEqual(
		expect.arrayContaining([
			['Tool Description', 'string', false],
			['Type', 'string', false],
		]),
	);
});
