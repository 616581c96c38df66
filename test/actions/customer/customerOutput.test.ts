import { credentialsFor } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
} from '../../support/workflowRunner';

// What a write outputs: the customer's ID, the whole customer when asked, and (node version 1.3) what it did.

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

test('the full customer object is added when asked', async () => {
	const result = await run({
		items: people.slice(0, 1),
		node: { parameters: { ...mappedFromInput, options: { returnFullCustomer: true } } },
	});
	const json = result.output![0].json as {
		customerId: string;
		customer: { id: string; email: string; balance: number };
	};
	expect(json.customer).toMatchObject({
		id: json.customerId,
		email: 'ada@example.com',
		balance: -500,
	});
});

describe('what a write says it did', () => {
	const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
	const runAt = (typeVersion: number, parameters: Record<string, unknown>, items: object[]) =>
		runStripeCustomerWorkflow({
			items: items as never,
			node: { parameters: parameters as never, typeVersion },
			credentials: credentialsFor(double),
		});

	test('version 1.3: an update lists what it changed, a create Stripe replayed says nothing was made twice; 1, 1.1 and 1.2 output what saved workflows were built on', async () => {
		const customer = await stripe.customers.create({ email: 'ada@example.com' });
		const update = {
			operation: 'update',
			customerId: { __rl: true, mode: 'id', value: customer.id },
			phone: '+44 20 7946 0000',
			additionalFields: { metadata: { entry: [{ key: 'plan', value: 'pro' }] } },
		};
		const create = { operation: 'create', email: '={{ $json.email }}' };
		const newCustomer = [{ email: 'grace@example.com' }];

		expect(jsonOf(await runAt(1.3, update, [{}]))).toEqual([
			{ customerId: customer.id, updatedFields: ['phone', 'metadata'] },
		]);
		const made = jsonOf(await runAt(1.3, create, newCustomer))?.[0].customerId;
		expect(jsonOf(await runAt(1.3, create, newCustomer))).toEqual([
			{
				customerId: made,
				replayed: true,
				note: 'Stripe returned the customer made earlier for this input (same idempotency key, within 24 hours): nothing was created twice',
			},
		]);
		for (const typeVersion of [1, 1.1, 1.2]) {
			expect(jsonOf(await runAt(typeVersion, update, [{}]))).toEqual([{ customerId: customer.id }]);
			expect(jsonOf(await runAt(typeVersion, create, newCustomer))).toEqual([
				{ customerId: expect.stringMatching(/^cus_/), replayed: true },
			]);
		}
	});
});
