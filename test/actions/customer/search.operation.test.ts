import { sleep } from 'n8n-workflow';

import { DEFAULT_SEARCH_LAG_MS } from '../../stripe-double';

import { CONTINUE_ON_FAIL, jsonOf, useStripeDouble } from '../../support/testSetup';

// Search: Stripe's query language, page by page with Stripe's page token; a query Stripe refuses is that item's error;
// like Stripe's, the double's search lags behind writes.

const { double, stripe, run } = useStripeDouble();

/** Search sees writes late at Stripe (the double: a second); wait for it, as the README tells users to. */
const searchCatchesUp = () => sleep(DEFAULT_SEARCH_LAG_MS + 100);

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

	test("Search pages through its results with Stripe's page token", async () => {
		await searchCatchesUp();
		const query = "email~'example.com'";
		const result = await run({ operation: 'search', query, returnAll: true });
		expect(jsonOf(result)?.map((json) => json.customerId)).toEqual(
			double.customers.map((customer) => customer.id).reverse(),
		);
		const searches = double.requests.filter((request) => request.path === '/v1/customers/search');
		const firstPage = await stripe.customers.search({ query, limit: 100 });
		expect(firstPage.next_page).toEqual(expect.any(String));
		expect(searches.map((request) => [request.query.limit, request.query.page])).toEqual([
			['100', undefined],
			['100', firstPage.next_page],
		]);
		const limited = await run({ operation: 'search', query: "name:'Even'", limit: 3 });
		expect(jsonOf(limited)).toHaveLength(3);
	});

	test("a query Stripe cannot parse is an error item with Stripe's message and param", async () => {
		const result = await run({ operation: 'search', query: 'email ada' }, [{}], CONTINUE_ON_FAIL);
		expect(jsonOf(result)?.[0]).toMatchObject({ itemIndex: 0, statusCode: 400, param: 'query' });
	});

	test('Search lags behind writes at Stripe: a customer created a moment ago is found by Get Many, not yet by Search', async () => {
		double.setSearchLag(60_000);
		const customer = await stripe.customers.create({ email: 'fresh@example.com' });
		const searched = await run({ operation: 'search', query: "email:'fresh@example.com'" });
		const listed = await run({ operation: 'getMany', filters: { email: 'fresh@example.com' } });
		expect(jsonOf(searched)).toEqual([]);
		expect(jsonOf(listed)?.map((json) => json.customerId)).toEqual([customer.id]);
	});
});
