import { credentialsFor } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import { runStripeCustomerWorkflow, type RunOptions } from '../../support/workflowRunner';

// What a write outputs: the customer's ID, and the whole customer when asked.

const { double } = useStripeDouble();

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
