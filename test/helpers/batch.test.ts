import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow, type RunOptions } from '../support/workflowRunner';

// The batch every operation runs in, as a user sees it inside n8n's engine: one output item per input, paired to it,
// expressions per item; every item checked before the first request; continue-on-fail error items; Retry On Fail.

const { double, stripe } = useStripeDouble();

const people = [
	{ fullName: 'Ada Lovelace', mail: 'ada@example.com', credit: -500 },
	{ fullName: 'Grace Hopper', mail: 'grace@example.com', credit: 0 },
	{ fullName: 'Alan Turing', mail: 'alan@example.com', credit: 250 },
];

const mappedFromInput = {
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.mail }}',
	additionalFields: { balance: '={{ $json.credit }}' },
};

function run(options: Partial<RunOptions> & Pick<RunOptions, 'items'>) {
	return runStripeCustomerWorkflow({
		node: { parameters: mappedFromInput },
		credentials: credentialsFor(double),
		...options,
	});
}

const continueOnFail = (parameters: Record<string, unknown>) => ({
	parameters: parameters as never,
	onError: 'continueRegularOutput' as const,
});

test('each item becomes one customer, in order, paired to its input; expressions resolve per item', async () => {
	const result = await run({
		items: people,
		after: { inputEmail: "={{ $('Input').item.json.mail }}" },
	});
	expect(result.error).toBeUndefined();
	expect(double.customers.map((c) => [c.params.name, c.params.email, c.params.balance])).toEqual([
		['Ada Lovelace', 'ada@example.com', '-500'],
		['Grace Hopper', 'grace@example.com', '0'],
		['Alan Turing', 'alan@example.com', '250'],
	]);
	const idsByEmail = new Map(double.customers.map((c) => [c.params.email, c.id]));
	expect(result.output).toEqual(
		people.map((person, index) => ({
			json: { customerId: idsByEmail.get(person.mail) },
			pairedItem: { item: index },
		})),
	);
	// A node after this one reaches back to the input item through the pairing.
	expect(result.after?.map((item) => [item.json.customerId, item.json.inputEmail])).toEqual(
		people.map((person) => [idsByEmail.get(person.mail), person.mail]),
	);
});

describe('bad input', () => {
	const withBadBalance = [people[0], { ...people[1], credit: 12.5 }, people[2]];
	const badBalance =
		'Account Balance (Cents): must be a whole number of cents (e.g. -500 for a 5.00 credit; 12.50 is 1250); got "12.5"';

	test('stops the node before any request, naming the item and the field, and says what happened to the run', async () => {
		const result = await run({ items: withBadBalance });
		expect(result.output).toBeUndefined();
		expect(result.error?.message).toBe(`[item 1] ${badBalance}`);
		expect(result.error?.description).toMatch(
			/^Nothing was sent to Stripe, for any item: the node checks every item before it sends one, and item 1 failed the checks, so the whole run stopped\. .*On Error to "Continue"/,
		);
		expect(double.requests).toHaveLength(0);
	});

	test('every wrong field of an item at once, and the other invalid items too', async () => {
		const items = [
			{ mail: 'ada at example', credit: '12.50', country: 'Germny' },
			people[1],
			{ mail: 'x@example.com', credit: 'ten', country: 'DE' },
		];
		const result = await run({
			items,
			node: {
				parameters: {
					...mappedFromInput,
					address: { details: { country: '={{ $json.country }}' } },
				},
			},
		});
		expect(result.error?.message).toBe(
			'[item 0] 3 fields are invalid: Email: "ada at example" is not an email address: it has a space at position 3; an address has none; Billing Address → Country: "Germny" is not a country: pick it from the list, or give its two-letter ISO 3166-1 code (such as "US" or "DE") or its name as the list shows it (such as "Germany"); Account Balance (Cents): must be a whole number of cents (e.g. -500 for a 5.00 credit; 12.50 is 1250); got "12.50"',
		);
		expect(result.error?.description).toMatch(/2 items of 3 failed the checks/);
		expect(result.error?.description).toMatch(
			/- \[item 2\] Account Balance \(Cents\): .*got "ten"/,
		);
		expect(double.requests).toHaveLength(0);
	});

	test('with continue-on-fail, good items are created and the bad one becomes an error item paired to its input', async () => {
		const result = await run({ items: withBadBalance, node: continueOnFail(mappedFromInput) });
		expect(double.customers.map((c) => c.params.email)).toEqual([
			'ada@example.com',
			'alan@example.com',
		]);
		expect(result.output).toHaveLength(3);
		expect(result.output![0]).toEqual({
			json: { customerId: double.customers[0].id },
			pairedItem: { item: 0 },
		});
		expect(result.output![1]).toEqual({
			json: {
				error: `[item 1] ${badBalance}`,
				field: 'Account Balance (Cents)',
				fieldErrors: [
					{
						field: 'Account Balance (Cents)',
						message: badBalance.replace('Account Balance (Cents): ', ''),
					},
				],
				itemIndex: 1,
			},
			pairedItem: { item: 1 },
		});
		expect(result.output![2]).toEqual({
			json: { customerId: double.customers[1].id },
			pairedItem: { item: 2 },
		});
	});

	test('an untouched node creates no empty customer: it says which fields would identify one, and sends nothing', async () => {
		const result = await run({ items: [{}], node: { parameters: {} } });
		expect(result.error?.message).toMatch(
			/^\[item 0\] Customer: the item has no customer data, so Stripe would get an empty customer: set at least one of Name, Email, Phone, Description, Billing Address, Shipping, Account Balance \(Cents\), Business Name, Business VAT IDs \/ Tax IDs, Default Source, Individual Name, Metadata, Payment Method, Source ID$/,
		);
		expect(double.requests).toHaveLength(0);
	});

	test('fields whose expressions resolve to nothing count as not set', async () => {
		const result = await run({ items: [{ other: 1 }], node: continueOnFail(mappedFromInput) });
		expect(result.output![0].json).toMatchObject({ itemIndex: 0, field: 'Customer' });
		expect(double.requests).toHaveLength(0);
	});

	test('an idempotency key over 255 characters is refused before sending', async () => {
		const result = await run({
			items: people.slice(0, 1),
			node: { parameters: { ...mappedFromInput, options: { idempotencyKey: 'k'.repeat(256) } } },
		});
		expect(result.error?.message).toBe(
			'[item 0] Options → Idempotency Key: Stripe accepts at most 255 characters; this key has 256',
		);
		expect(double.requests).toHaveLength(0);
	});
});

describe('Stripe errors', () => {
	test("carry Stripe's message, code, param and request ID, for the item that failed", async () => {
		double.failNext(1, { status: 402 });
		const result = await run({
			items: people.slice(0, 1),
			node: { parameters: { ...mappedFromInput, options: { maxRetries: 0 } } },
		});
		const lastRequest = double.requests[double.requests.length - 1];
		expect(result.error?.message).toMatch(/^\[item 0\] Stripe: /);
		expect(result.error?.description).toMatch(/code: \w+/);
		expect(result.error?.description).toContain(`request: ${lastRequest.requestId}`);
	});

	test('with continue-on-fail, the failed item is an error item and the others are still created', async () => {
		double.failNext(1, { status: 402 });
		const result = await run({
			items: people,
			node: continueOnFail({ ...mappedFromInput, options: { maxRetries: 0, concurrency: 1 } }),
		});
		expect(result.output).toHaveLength(3);
		expect(result.output![0].json).toMatchObject({ itemIndex: 0, statusCode: 402 });
		expect(result.output![0].json.error).toMatch(/^\[item 0\] Stripe: /);
		expect(result.output![0].pairedItem).toEqual({ item: 0 });
		expect(double.customers.map((c) => c.params.email)).toEqual([
			'grace@example.com',
			'alan@example.com',
		]);
		expect(result.output!.slice(1).map((item) => item.json.customerId)).toEqual(
			double.customers.map((c) => c.id),
		);
	});

	test('one custom idempotency key given to two different customers in one run: nothing is sent, each error names the other item', async () => {
		const sharedKey = { ...mappedFromInput, options: { idempotencyKey: 'same-for-all' } };
		const stopped = await run({ items: people.slice(0, 3), node: { parameters: sharedKey } });
		expect(stopped.error?.message).toMatch(
			/^\[item 0\] Options → Idempotency Key: "same-for-all" is also the key of items 1, 2, which ask for something else/,
		);
		expect(stopped.error?.description).toMatch(/Nothing was sent to Stripe, for any item/);
		expect(double.requests).toHaveLength(0);

		const itemErrors = await run({ items: people.slice(0, 2), node: continueOnFail(sharedKey) });
		expect(double.requests).toHaveLength(0);
		expect(itemErrors.output!.map((item) => item.json.error)).toEqual([
			expect.stringMatching(
				/^\[item 0\] .*"same-for-all" is also the key of item 1, which asks for/,
			),
			expect.stringMatching(
				/^\[item 1\] .*"same-for-all" is also the key of item 0, which asks for/,
			),
		]);
	});

	test('a custom key used in an earlier run with other values is refused by Stripe, and the error says why', async () => {
		const keyed = { ...mappedFromInput, options: { idempotencyKey: 'order-42' } };
		await run({ items: people.slice(0, 1), node: continueOnFail(keyed) });
		const result = await run({ items: people.slice(1, 2), node: continueOnFail(keyed) });
		expect(double.customers).toHaveLength(1);
		expect(result.output![0].json).toMatchObject({ itemIndex: 0, type: 'idempotency_error' });
		expect(result.output![0].json.error).toMatch(
			/already used with other values in the last 24 hours: with a custom key, give each customer its own/,
		);
	});
});

describe('retries never create a second customer', () => {
	test('a connection dropped after Stripe created the customer is retried with the same idempotency key', async () => {
		double.failNext(1, { drop: 'after-create' });
		const result = await run({ items: people.slice(0, 1) });
		expect(result.error).toBeUndefined();
		expect(double.customers).toHaveLength(1);
		expect(result.output![0].json.customerId).toBe(double.customers[0].id);
		expect(double.requests.filter((r) => r.replayed)).toHaveLength(1);
	});

	test("n8n's Retry On Fail re-runs the node in the same execution and gets the same customers back", async () => {
		// The first request fails; the other two are created; the node fails; n8n runs it again.
		double.failNext(1, { status: 500 });
		const firstTry = {
			parameters: { ...mappedFromInput, options: { maxRetries: 0, concurrency: 1 } },
		};
		const result = await run({
			items: people,
			node: { ...firstTry, retryOnFail: true, maxTries: 2 },
		});
		// Two tries of three creates each; on the second try the two created on the first are Stripe's replays.
		expect(double.requests.filter((r) => r.method === 'POST')).toHaveLength(6);
		expect(result.error).toBeUndefined();
		expect(double.customers.map((c) => c.params.email).sort()).toEqual(
			people.map((p) => p.mail).sort(),
		);
		const idsByEmail = new Map(double.customers.map((c) => [c.params.email, c.id]));
		expect(result.output!.map((item) => item.json.customerId)).toEqual(
			people.map((p) => idsByEmail.get(p.mail)),
		);
		expect(double.requests.filter((r) => r.replayed)).toHaveLength(2);
	});

	test('a user-given idempotency key (an order ID) returns the same customer in a later execution', async () => {
		const parameters = {
			...mappedFromInput,
			options: { idempotencyKey: '={{ "order-" + $json.orderId }}' },
		};
		const items = [{ ...people[0], orderId: 1001 }];
		const first = await run({ items, node: { parameters } });
		const second = await run({ items, node: { parameters } });
		expect(double.customers).toHaveLength(1);
		expect(double.customers[0].idempotencyKey).toBe('order-1001');
		expect(second.output![0].json.customerId).toBe(first.output![0].json.customerId);
	});
});

test('continue-on-fail: when the run fails (the key is refused half-way), what succeeded stays, an empty result included', async () => {
	const ada = await stripe.customers.create({ email: 'ada@example.com' });
	// The first two lookups are answered; the third is refused as if the key had been rolled meanwhile.
	double.failNext(2, { delayMs: 0 }, 'GET /v1/customers');
	double.failNext(1, { status: 401 }, 'GET /v1/customers');
	const result = await run({
		items: [
			{ email: 'nobody@example.com' },
			{ email: 'ada@example.com' },
			{ email: 'grace@example.com' },
			{ email: 'alan@example.com' },
		],
		node: continueOnFail({
			operation: 'getMany',
			filters: { email: '={{ $json.email }}' },
			options: { concurrency: 1 },
		}),
	});
	expect(
		result.output?.map((item) => [item.pairedItem, item.json.customerId ?? item.json.error]),
	).toEqual([
		// item 0 found nobody: a success with no output item, as without the failure
		[{ item: 1 }, ada.id],
		[{ item: 2 }, expect.stringMatching(/^Stripe refused the credential/)],
		[{ item: 3 }, expect.stringMatching(/^Stripe refused the credential/)],
	]);
});
