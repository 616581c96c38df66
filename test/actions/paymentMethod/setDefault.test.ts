import type Stripe from 'stripe';

import {
	continueOnFail,
	jsonOf,
	pairingOf,
	requestLog,
	usePaymentMethodHarness,
} from './paymentMethodHarness';

// Payment Method → Set Default through n8n's engine against the Stripe double: only a payment method of that
// customer becomes its invoice default, checked before the update; a retry, Retry On Fail and a re-run converge.

const h = usePaymentMethodHarness();

const setDefault = (extra: Record<string, unknown> = {}) => ({
	operation: 'setDefault',
	customerId: '={{ $json.customer }}',
	paymentMethodId: { __rl: true, mode: 'id', value: '={{ $json.pm }}' },
	...extra,
});
const customerUpdateRoute = 'POST /v1/customers/:id';

/** Customers with two cards each; the items make the second one the default. */
async function customersWithCards(count: number) {
	const items: Array<{ customer: string; pm: string; first: string }> = [];
	for (let index = 0; index < count; index++) {
		const customer = await h.stripe.customers.create({ email: `person-${index}@example.com` });
		const first = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
		const second = await h.stripe.paymentMethods.attach('pm_card_mastercard', {
			customer: customer.id,
		});
		items.push({ customer: customer.id, pm: second.id, first: first.id });
	}
	return items;
}

const invoiceDefaultOf = async (customerId: string) =>
	((await h.stripe.customers.retrieve(customerId)) as Stripe.Customer).invoice_settings
		.default_payment_method;
const customerUpdates = () =>
	h.double.requests.filter(
		(request) => request.method === 'POST' && /^\/v1\/customers\/cus_\w+$/.test(request.path),
	);

test("makes the customer's payment method its invoice default: one output per input, paired to it", async () => {
	const items = await customersWithCards(2);
	const result = await h.run(setDefault(), items);
	expect(result.error).toBeUndefined();
	expect(jsonOf(result)).toEqual(
		items.map(({ customer, pm }) => ({
			customerId: customer,
			paymentMethodId: pm,
			isInvoiceDefault: true,
			paymentMethod: expect.objectContaining({ id: pm, customer }),
		})),
	);
	expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	for (const { customer, pm } of items) expect(await invoiceDefaultOf(customer)).toBe(pm);
});

test("one customer's items apply in input order: the last one is the default", async () => {
	const [ada] = await customersWithCards(1);
	// The first update is slow: the second must still wait for it.
	h.double.failNext(1, { delayMs: 300 }, customerUpdateRoute);
	await h.run(
		setDefault({ requestOptions: { concurrency: 10 } }),
		[ada, { ...ada, pm: ada.first }],
		{ typeVersion: 1.2 },
	);
	expect(await invoiceDefaultOf(ada.customer)).toBe(ada.first);
});

test("a payment method that is not the customer's is refused before the update, saying whose it is", async () => {
	const [ada, grace] = await customersWithCards(2);
	await h.stripe.paymentMethods.detach(grace.first);
	const result = await h.run(
		setDefault(),
		[
			{ customer: ada.customer, pm: grace.pm },
			{ customer: ada.customer, pm: grace.first },
		],
		continueOnFail,
	);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			field: 'Payment Method',
			error: `[item 0] Payment Method: ${grace.pm} is attached to another customer, ${grace.customer}, not to ${ada.customer}`,
		}),
		expect.objectContaining({
			itemIndex: 1,
			field: 'Payment Method',
			error: `[item 1] Payment Method: ${grace.first} is attached to no customer: attach it to ${ada.customer} first (Attach, with Set as Default for Invoices)`,
		}),
	]);
	expect(customerUpdates()).toEqual([]);
	expect(await invoiceDefaultOf(ada.customer)).toBeNull();
});

describe('a repeat leaves Stripe as one run would', () => {
	test('a lost answer (Stripe updated the customer, the connection dropped): the retry gets the same answer back', async () => {
		const [ada] = await customersWithCards(1);
		h.double.failNext(1, { drop: 'after-create' }, customerUpdateRoute);
		const result = await h.run(setDefault(), [ada]);
		expect(jsonOf(result)).toEqual([expect.objectContaining({ isInvoiceDefault: true })]);
		expect(requestLog(h.double).slice(-2)).toEqual([
			`POST /v1/customers/${ada.customer} 0`,
			`POST /v1/customers/${ada.customer} 200`,
		]);
		expect(h.double.requests.at(-1)?.replayed).toBe(true);
		expect(await invoiceDefaultOf(ada.customer)).toBe(ada.pm);
	});

	test('Retry On Fail and a re-run: every default set, each customer updated to the same value', async () => {
		const items = await customersWithCards(3);
		h.double.failNext(1, { delayMs: 0 }, customerUpdateRoute);
		h.double.failNext(1, { status: 500 }, customerUpdateRoute);
		const result = await h.run(
			setDefault({ requestOptions: { maxRetries: 0, concurrency: 1 } }),
			items,
			{ retryOnFail: true, maxTries: 2, typeVersion: 1.2 },
		);
		expect(result.error).toBeUndefined();
		// Two tries: the first update of the second try is Stripe's replay (same execution, same key).
		expect(customerUpdates().map((request) => [request.status, request.replayed])).toEqual([
			[200, false],
			[500, false],
			[200, false],
			[200, true],
			[200, false],
			[200, true],
		]);
		const again = await h.run(setDefault(), items);
		expect(jsonOf(again)).toEqual(jsonOf(result));
		for (const { customer, pm } of items) expect(await invoiceDefaultOf(customer)).toBe(pm);
		const updated = h.double.events.filter((event) => event.event.type === 'customer.updated');
		expect(updated).toHaveLength(3);
	});
});

test('continue-on-fail: a failing item in the middle of 10 leaves the other nine set', async () => {
	const items = await customersWithCards(10);
	items[5] = { ...items[5], pm: items[6].pm };
	const result = await h.run(setDefault(), items, continueOnFail);
	const output = jsonOf(result)!;
	expect(pairingOf(result)).toEqual(items.map((_, index) => ({ item: index })));
	expect(output[5]).toMatchObject({ itemIndex: 5, field: 'Payment Method' });
	for (const [index, { customer, pm }] of items.entries())
		expect(await invoiceDefaultOf(customer)).toBe(index === 5 ? null : pm);
});
