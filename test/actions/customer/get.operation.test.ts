import { credentialsFor } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import { runStripeCustomerWorkflow, type RunResult } from '../../support/workflowRunner';

// Get: the customer by its ID, as Stripe holds it.

const { double, stripe } = useStripeDouble();

const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

function getAt(typeVersion: number, customerId: string) {
	return runStripeCustomerWorkflow({
		items: [{}],
		node: {
			parameters: { operation: 'get', customerId: { __rl: true, mode: 'id', value: customerId } },
			typeVersion,
		},
		credentials: credentialsFor(double),
	});
}

test('version 1.3: the customer shows its tax IDs (Stripe sends them only when asked); 1, 1.1 and 1.2 output what saved workflows were built on', async () => {
	const customer = await stripe.customers.create({
		email: 'ada@example.com',
		tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
	});
	const [latest] = jsonOf(await getAt(1.3, customer.id)) ?? [];
	const taxIds = (
		latest?.customer as { tax_ids?: { data: Array<{ type: string; value: string }> } }
	).tax_ids;
	expect(taxIds?.data.map(({ type, value }) => [type, value])).toEqual([['eu_vat', 'DE123456789']]);
	expect(double.requests.at(-1)?.query).toMatchObject({ expand: ['tax_ids'] });
	for (const typeVersion of [1, 1.1, 1.2]) {
		const [saved] = jsonOf(await getAt(typeVersion, customer.id)) ?? [];
		expect(saved?.customer).not.toHaveProperty('tax_ids');
	}
});
