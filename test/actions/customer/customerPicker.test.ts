import { sleep } from 'n8n-workflow';
import type Stripe from 'stripe';

import { DEFAULT_SEARCH_LAG_MS } from '../../stripe-double';
import { credentialsFor } from '../../support/stripeFixtures';
import { useStripeDouble } from '../../support/testSetup';
import {
	runStripeCustomerWorkflow,
	searchCustomersInEditor,
	type RunResult,
} from '../../support/workflowRunner';

// The "From List" picker of the customer field, called as n8n's server calls it: the newest customers first, page by
// page, or Stripe's search as the user types; each entry tells two customers apart by ID and creation time (in the
// workflow's time zone) and links to the customer in the Stripe Dashboard.

const { double, stripe } = useStripeDouble();

/** "2025-01-02 14:03", as the picker shows a creation time of a workflow in Tokyo (UTC+9, no daylight saving time). */
const tokyoMinute = (created: number) =>
	new Date((created + 9 * 3600) * 1000).toISOString().slice(0, 16).replace('T', ' ');
const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
/** Search sees writes late at Stripe (the double: a second); wait for it, as the README tells users to. */
const searchCatchesUp = () => sleep(DEFAULT_SEARCH_LAG_MS + 100);

describe('the customer picker (resource locator)', () => {
	test('From List: the newest customers first, page by page; typing searches names and emails', async () => {
		const names = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing'];
		for (const name of names)
			await stripe.customers.create({
				name,
				email: `${name.split(' ')[0].toLowerCase()}@example.com`,
			});
		const credentials = credentialsFor(double);
		const entry = (customer: Stripe.Customer) =>
			`${customer.id} · ${tokyoMinute(customer.created)} · ${customer.name} <${customer.email}>`;
		const newestFirst = (await stripe.customers.list()).data;

		const all = await searchCustomersInEditor(credentials, undefined, undefined, 'Asia/Tokyo');
		expect(all.results.map((result) => result.name)).toEqual(newestFirst.map(entry));
		expect(all.results.map((result) => result.name.split(' · ')[2])).toEqual([
			'Alan Turing <alan@example.com>',
			'Grace Hopper <grace@example.com>',
			'Ada Lovelace <ada@example.com>',
		]);
		expect(all.results[0].url).toBe(
			`https://dashboard.stripe.com/test/customers/${all.results[0].value}`,
		);

		await searchCatchesUp();
		const typed = await searchCustomersInEditor(credentials, 'hopp', undefined, 'Asia/Tokyo');
		expect(typed.results.map((result) => result.name)).toEqual([entry(newestFirst[1])]);
		const byEmail = await searchCustomersInEditor(
			credentials,
			'alan@example',
			undefined,
			'Asia/Tokyo',
		);
		expect(byEmail.results.map((result) => result.name)).toEqual([entry(newestFirst[0])]);

		for (let index = 0; index < 60; index++)
			await stripe.customers.create({ email: `bulk-${index}@example.com` });
		const firstPage = await searchCustomersInEditor(credentials);
		const secondPage = await searchCustomersInEditor(
			credentials,
			undefined,
			firstPage.paginationToken,
		);
		expect(firstPage.results).toHaveLength(50);
		expect(secondPage.results).toHaveLength(13);
		expect(secondPage.paginationToken).toBeUndefined();
		expect(
			new Set([...firstPage.results, ...secondPage.results].map((result) => result.value)).size,
		).toBe(63);
	});
});

test('the picker\'s "open in Stripe" link of a Connect credential opens the connected account\'s Dashboard', async () => {
	const account = 'acct_1Connected';
	const customer = await stripe.customers.create(
		{ email: 'ada@example.com', name: 'Ada' },
		{ stripeAccount: account },
	);
	const credentials = credentialsFor(double, { stripeAccount: account });
	const listed = await searchCustomersInEditor(credentials);
	expect(listed.results.map((result) => result.url)).toEqual([
		`https://dashboard.stripe.com/${account}/test/customers/${customer.id}`,
	]);
	// The link, pasted into the Customer field "By URL", picks the same customer.
	const got = await runStripeCustomerWorkflow({
		items: [{}],
		node: {
			parameters: {
				operation: 'get',
				customerId: { __rl: true, mode: 'url', value: listed.results[0].url },
			},
		},
		credentials,
	});
	expect(jsonOf(got)?.[0].customerId).toBe(customer.id);
});
