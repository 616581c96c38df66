import { credentialsFor, SECRET_KEY } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import {
	runStripeCustomerWorkflow,
	searchCustomersInEditor,
	type RunResult,
	type StripeNodeSettings,
} from '../support/workflowRunner';

// The credential: the key reaches Stripe only as its authenticate() attaches it (with the connected account), a key
// Stripe refuses is one node-level error that names the credential, and the key appears in nothing n8n records.

const { double } = useStripeDouble();

const createParameters = (extra: Record<string, unknown> = {}) => ({
	operation: 'create',
	name: '={{ $json.name }}',
	email: '={{ $json.email }}',
	...extra,
});

function run(
	parameters: Record<string, unknown>,
	items: object[] = [{ name: 'Ada', email: 'ada@example.com' }],
	credentials = credentialsFor(double),
) {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: parameters as never },
		credentials,
	});
}

const posts = () => double.requests.filter((request) => request.method === 'POST');

/** Everything n8n recorded for the execution, as text: the key must appear nowhere in it. */
function everythingRecorded(result: RunResult): string {
	return JSON.stringify(result.run, (_key, value) =>
		value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
	);
}

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

/** A Create of each item's name, email and balance, with the node's settings changed by `node`. */
function createFromInput(
	items: object[],
	node: Partial<StripeNodeSettings> = {},
	credentials = credentialsFor(double),
) {
	return runStripeCustomerWorkflow({
		items: items as never,
		node: { parameters: mappedFromInput, ...node },
		credentials,
	});
}

describe('what reaches Stripe is what the official client sends', () => {
	test('the key reaches Stripe only as the credential sends it, and a connected account rides along', async () => {
		await run(createParameters(), undefined, credentialsFor(double, { stripeAccount: 'acct_123' }));
		const [request] = posts();
		expect(request.account).toBe('acct_123');
		expect(request.headers.authorization).toBe('redacted');
		expect(double.customers[0].account).toBe('acct_123');
	});
});

describe('when the credential or the host is the problem, the whole run says so once', () => {
	test('a wrong key: one node-level error naming the credential, not an item; the key appears nowhere', async () => {
		const wrongKey = `${SECRET_KEY}x`;
		const items = Array.from({ length: 40 }, (_, i) => ({ email: `u${i}@example.com` }));
		const result = await run(
			createParameters({ options: { concurrency: 4 } }),
			items,
			credentialsFor(double, { secretKey: wrongKey }),
		);
		expect(result.error?.message).toMatch(
			/^Stripe refused the credential "Stripe Customer account": Invalid API Key provided/,
		);
		expect(result.error?.description).toMatch(
			/secret key \(sk_test_… or sk_live_…\) or a restricted key \(rk_…\)/,
		);
		// The first refusal stops the run: at most the requests already in flight (Concurrency 4), not one per item (40).
		expect(posts().length).toBeGreaterThanOrEqual(1);
		expect(posts().length).toBeLessThanOrEqual(4);
		const recorded = JSON.stringify(result.run, (_key, value) =>
			value instanceof Error ? { ...value, message: value.message } : value,
		);
		expect(recorded).not.toContain(wrongKey);
		expect(recorded).not.toContain(SECRET_KEY);
	});

	test("a restricted key without the permission: one node-level error naming the credential and the operation's permission", async () => {
		double.failNext(1, { status: 403 });
		const result = await run(createParameters());
		expect(result.error?.message).toMatch(
			/^The key of the credential "Stripe Customer account" may not do this: /,
		);
		expect(result.error?.description).toMatch(
			/^Stripe answered 403 \(permission_error\)\. A restricted key \(rk_…\) needs the permission "Customers: Write" for this: /,
		);
		expect(double.requests).toHaveLength(1);

		double.failNext(1, { status: 403 }, 'GET /v1/customers');
		const read = await run({ operation: 'getMany' });
		expect(read.error?.description).toMatch(/needs the permission "Customers: Read" for this: /);
	});

	test('the customer picker refused with 403: the error names the permission it needs', async () => {
		double.failNext(1, { status: 403 }, 'GET /v1/customers');
		const refused = await searchCustomersInEditor(credentialsFor(double)).catch(
			(error: Error & { description?: string }) => error,
		);
		expect(refused).toBeInstanceOf(Error);
		expect((refused as Error & { description?: string }).description).toMatch(
			/^Stripe answered 403 \(permission_error\)\. A restricted key \(rk_…\) needs the permission "Customers: Read" for this: /,
		);
	});

	test('a publishable key is refused before any request', async () => {
		const result = await run(
			createParameters(),
			undefined,
			credentialsFor(double, { secretKey: 'pk_test_123' }),
		);
		expect(result.error?.message).toBe(
			'The credential "Stripe Customer account" holds a publishable key (pk_…), which cannot read or write customers',
		);
		expect(double.requests).toHaveLength(0);
	});

	test('with continue-on-fail a refused key still reaches every item, each as an error item paired to it', async () => {
		const result = await runStripeCustomerWorkflow({
			items: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
			node: { parameters: createParameters(), onError: 'continueRegularOutput' },
			credentials: credentialsFor(double, { secretKey: `${SECRET_KEY}x` }),
		});
		expect(result.output!.map((item) => [item.pairedItem, item.json.itemIndex])).toEqual([
			[{ item: 0 }, 0],
			[{ item: 1 }, 1],
		]);
		for (const item of result.output!)
			expect(item.json.error).toMatch(/^Stripe refused the credential/);
	});
});

test('the secret key appears in no output and no error, whatever happens', async () => {
	const results = [
		await createFromInput(people),
		await createFromInput([{ credit: 1.5 }], { onError: 'continueRegularOutput' }),
		await createFromInput([{ mail: 'x@example.com', credit: 1.5 }]),
	];
	double.failNext(1, { status: 500 });
	results.push(
		await createFromInput(people.slice(0, 1), {
			parameters: { ...mappedFromInput, options: { maxRetries: 0 } },
		}),
	);
	results.push(
		await createFromInput(
			people.slice(0, 1),
			{},
			credentialsFor(double, { secretKey: `${SECRET_KEY}0` }),
		),
	);
	for (const result of results) expect(everythingRecorded(result)).not.toContain(SECRET_KEY);
	expect(JSON.stringify(double.requests)).not.toContain(SECRET_KEY);
});
