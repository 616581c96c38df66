import { CONTINUE_ON_FAIL, jsonOf, useStripeDouble } from '../../support/testSetup';

// The customer a Get, Update or Delete acts on (n8n's resource locator): by Dashboard URL, by ID, from an expression;
// anything that is not a customer ID is refused before any request.

const { double, stripe, run } = useStripeDouble();

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

describe('the customer picker (resource locator)', () => {
	test('By URL takes the ID out of a Stripe Dashboard address; By ID and an expression work too', async () => {
		const customer = await stripe.customers.create({ email: 'grace@example.com' });
		for (const customerId of [
			{
				__rl: true,
				mode: 'url',
				value: `https://dashboard.stripe.com/test/customers/${customer.id}`,
			},
			{
				__rl: true,
				mode: 'url',
				value: `https://dashboard.stripe.com/acct_1Connect/customers/${customer.id}?tab=payments`,
			},
			byId(customer.id),
			{ __rl: true, mode: 'id', value: '={{ $json.id }}' },
		]) {
			const result = await run({ operation: 'get', customerId }, [{ id: customer.id }]);
			expect(jsonOf(result)?.[0].customerId).toBe(customer.id);
		}
	});

	test('a value that is not a customer ID is refused before any request: typed (by n8n) or from an expression (by the node)', async () => {
		await expect(run({ operation: 'delete', customerId: byId('cus_123 456') })).rejects.toThrow(
			/Not a customer ID: one is cus_ followed by letters and digits only, e\.g\. cus_NffrFeUfNV2Hib\. For an expression such as \{\{ \$json\.customerId \}\}, switch this field from Fixed to Expression/,
		);
		const viaExpression = { __rl: true, mode: 'id', value: '={{ $json.id }}' };
		const result = await run(
			{ operation: 'delete', customerId: viaExpression },
			[
				{ id: 'ada@example.com' },
				{ id: 'cus_12-34' },
				{ id: 'cus_' },
				{ id: '{{ $json.customerId' },
			],
			CONTINUE_ON_FAIL,
		);
		expect(jsonOf(result)?.map((json) => json.error)).toEqual([
			'[item 0] Customer: "ada@example.com" is not a Stripe customer ID: one starts with cus_ (e.g. cus_NffrFeUfNV2Hib)',
			'[item 1] Customer: "cus_12-34" is not a Stripe customer ID: after cus_ come only letters and digits, and it holds "-"',
			'[item 2] Customer: "cus_" is only the start of a customer ID: the letters and digits after cus_ are missing',
			'[item 3] Customer: "{{ $json.customerId" is an expression typed as fixed text: switch the field from Fixed to Expression so n8n works it out for each item',
		]);
		expect(double.requests).toHaveLength(0);
	});
});
