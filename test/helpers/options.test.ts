import { credentialsFor } from '../support/stripeFixtures';
import { useStripeDouble } from '../support/testSetup';
import { runStripeCustomerWorkflow, type StripeNodeSettings } from '../support/workflowRunner';

// The options collections: each node version reads its options where its editor shows them (1.2: Options and Request
// Options; 1 and 1.1: one Options collection), and the request options apply.

const { double } = useStripeDouble();

function run(
	node: StripeNodeSettings,
	items: object[] = [{ name: 'Ada', email: 'ada@example.com' }],
) {
	return runStripeCustomerWorkflow({
		items: items as never,
		node,
		credentials: credentialsFor(double),
	});
}

const create = { operation: 'create', name: '={{ $json.name }}', email: '={{ $json.email }}' };
const posts = () => double.requests.filter((request) => request.method === 'POST');

describe('the options of each node version', () => {
	test('version 1.2: Request Options hold how the node talks to Stripe; Options what it does', async () => {
		double.failNext(1, { status: 500 });
		const result = await run({
			typeVersion: 1.2,
			parameters: {
				...create,
				options: { idempotency: 'custom', idempotencyKey: 'order-7', returnFullCustomer: true },
				requestOptions: { maxRetries: 0 },
			},
		});
		// Max Retries 0: the 500 is not retried.
		expect(result.error?.message).toMatch(/^\[item 0\] Stripe: /);
		expect(posts()).toHaveLength(1);
		const again = await run({
			typeVersion: 1.2,
			parameters: {
				...create,
				options: { idempotency: 'custom', idempotencyKey: 'order-7', returnFullCustomer: true },
			},
		});
		expect(again.output?.[0].json).toMatchObject({
			customerId: expect.stringMatching(/^cus_/),
			customer: expect.objectContaining({ name: 'Ada' }),
		});
		expect(double.customers.map((customer) => customer.idempotencyKey)).toEqual(['order-7']);
	});

	test.each([1, 1.1])(
		'version %s: saved request options in Options still apply',
		async (typeVersion) => {
			double.failNext(1, { status: 500 });
			const result = await run({
				typeVersion,
				parameters: { ...create, options: { maxRetries: 0, idempotencyKey: 'order-8' } },
			});
			expect(result.error?.message).toMatch(/^\[item 0\] Stripe: /);
			expect(posts()).toHaveLength(1);
			// A key saved without Options → Idempotency is a custom key, as before.
			expect(posts()[0].idempotencyKey).toBe('order-8');
		},
	);

	test.each([1, 1.1, 1.2])(
		'version %s: a saved choice this version does not offer stops the run before any request, naming the option and its choices',
		async (typeVersion) => {
			const result = await run({
				typeVersion,
				parameters: { ...create, options: { idempotency: 'perItem' } },
			});
			expect(result.error?.message).toBe(
				'Options → Idempotency: "perItem" is not one of its choices (Custom Key, Per Execution, Per Input); the workflow was probably saved with another version of the node: open the node and choose one. Nothing was sent to Stripe.',
			);
			expect(double.requests).toHaveLength(0);
			const email = await run({
				typeVersion,
				parameters: { ...create, options: { ifEmailExists: 'skip' } },
			});
			expect(email.error?.message).toMatch(
				/^Options → If Email Exists: "skip" is not one of its choices \(Create Another, Fail, Update the Existing One, Use the Existing One\);/,
			);
			expect(double.requests).toHaveLength(0);
			// Every resource's options are checked alike: the check reads the operation's own definitions.
			const credit = await run({
				typeVersion,
				parameters: {
					resource: 'balanceTransaction',
					operation: 'create',
					customerId: { __rl: true, mode: 'id', value: 'cus_123' },
					amount: '-500',
					currency: 'usd',
					options: { idempotency: 'perItem' },
				},
			});
			expect(credit.error?.message).toMatch(
				/^Options → Idempotency: "perItem" is not one of its choices/,
			);
			expect(double.requests).toHaveLength(0);
		},
	);
});

test('Options → API Version overrides the pinned version', async () => {
	await run({ parameters: { ...create, options: { apiVersion: '2025-09-30.clover' } } });
	expect(double.requests[0].apiVersion).toBe('2025-09-30.clover');
});
