import { jsonOf, useStripeDouble } from '../../support/testSetup';

// Get Many: customers newest first, every page with Return All or up to Limit, each input item's own results paired
// to it. (Its Created After / Before filters: test/helpers/dateTime.test.ts.)

const { double, stripe, run } = useStripeDouble();

describe('Get Many and Search', () => {
	beforeEach(async () => {
		for (let index = 0; index < 130; index++) {
			await stripe.customers.create({
				email: `c${index}@example.com`,
				name: index % 2 ? 'Odd' : 'Even',
				metadata: { index: String(index) },
			});
		}
	});

	test('Return All pages through every customer with starting_after, newest first; Limit stops there', async () => {
		const all = await run({ operation: 'getMany', returnAll: true });
		expect(jsonOf(all)?.map((json) => json.customerId)).toEqual(
			double.customers.map((customer) => customer.id).reverse(),
		);
		const pages = double.requests.filter((request) => request.method === 'GET');
		expect(pages.map((request) => [request.query.limit, request.query.starting_after])).toEqual([
			['100', undefined],
			['100', jsonOf(all)?.[99].customerId],
		]);

		double.requests.length = 0;
		const some = await run({ operation: 'getMany', limit: 5 });
		expect(jsonOf(some)?.map((json) => (json.customer as { email: string }).email)).toEqual(
			['c129', 'c128', 'c127', 'c126', 'c125'].map((local) => `${local}@example.com`),
		);
		expect(double.requests.map((request) => request.query.limit)).toEqual(['5']);
	});

	test('each input item gets its own results, paired to it', async () => {
		const result = await run({ operation: 'getMany', filters: { email: '={{ $json.email }}' } }, [
			{ email: 'c1@example.com' },
			{ email: 'nobody@example.com' },
			{ email: 'c2@example.com' },
		]);
		expect(result.output?.map((item) => [item.pairedItem, item.json.customerId])).toEqual([
			[{ item: 0 }, double.customers[1].id],
			[{ item: 2 }, double.customers[2].id],
		]);
	});
});
