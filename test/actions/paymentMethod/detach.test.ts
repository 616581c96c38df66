import type Stripe from 'stripe';

import {
	continueOnFail,
	jsonOf,
	pairingOf,
	requestLog,
	usePaymentMethodHarness,
} from './paymentMethodHarness';

// Payment Method → Detach through n8n's engine against the Stripe double: only the picked customer's payment method
// is detached, and a retry, Retry On Fail and a re-run leave Stripe as one run would.

const h = usePaymentMethodHarness();

const detach = (extra: Record<string, unknown> = {}) => ({
	operation: 'detach',
	customerId: '={{ $json.customer }}',
	paymentMethodId: { __rl: true, mode: 'id', value: '={{ $json.pm }}' },
	...extra,
});
const detachRoute = 'POST /v1/payment_methods/:id/detach';

/** Customers with one card each: the items that detach them. */
async function customersWithCards(count: number) {
	const items: Array<{ customer: string; pm: string }> = [];
	for (let index = 0; index < count; index++) {
		const customer = await h.stripe.customers.create({ email: `person-${index}@example.com` });
		const card = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
		items.push({ customer: customer.id, pm: card.id });
	}
	return items;
}

const ownerOf = async (pm: string) => (await h.stripe.paymentMethods.retrieve(pm)).customer;
const detachPosts = () => h.double.requests.filter((request) => request.path.endsWith('/detach'));

test("detaches the customer's payment method: one output per input, paired to it; Stripe holds it for no customer", async () => {
	const items = await customersWithCards(2);
	const result = await h.run(detach(), items);
	expect(result.error).toBeUndefined();
	expect(jsonOf(result)).toEqual(
		items.map(({ customer, pm }) => ({
			customerId: customer,
			paymentMethodId: pm,
			detached: true,
			paymentMethod: expect.objectContaining({ id: pm, customer: null }),
		})),
	);
	expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(await Promise.all(items.map(({ pm }) => ownerOf(pm)))).toEqual([null, null]);
});

test("another customer's payment method (a typo) is never detached: an error naming whose it is", async () => {
	const [ada, grace] = await customersWithCards(2);
	const result = await h.run(detach(), [{ customer: ada.customer, pm: grace.pm }], continueOnFail);
	expect(jsonOf(result)).toEqual([
		expect.objectContaining({
			itemIndex: 0,
			field: 'Payment Method',
			error: `[item 0] Payment Method: ${grace.pm} is attached to another customer, ${grace.customer}, not to ${ada.customer}`,
		}),
	]);
	expect(await ownerOf(grace.pm)).toBe(grace.customer);
	expect(detachPosts()).toEqual([]);
});

describe('a repeat leaves Stripe as one run would', () => {
	test('a lost answer (Stripe detached it, the connection dropped): the retry gets the same answer back', async () => {
		const [ada] = await customersWithCards(1);
		h.double.failNext(1, { drop: 'after-create' }, detachRoute);
		const result = await h.run(detach(), [ada]);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				customerId: ada.customer,
				paymentMethodId: ada.pm,
				detached: true,
			}),
		]);
		expect(requestLog(h.double).slice(-3)).toEqual([
			`GET /v1/payment_methods/${ada.pm} 200`,
			`POST /v1/payment_methods/${ada.pm}/detach 0`,
			`POST /v1/payment_methods/${ada.pm}/detach 200`,
		]);
		expect(h.double.requests.at(-1)?.replayed).toBe(true);
		expect(
			h.double.events.filter((event) => event.event.type === 'payment_method.detached'),
		).toHaveLength(1);
	});

	test('Retry On Fail: the node run again in the same execution reports the ones it detached as already detached', async () => {
		const items = await customersWithCards(3);
		h.double.failNext(1, { delayMs: 0 }, detachRoute);
		h.double.failNext(1, { status: 500 }, detachRoute);
		const result = await h.run(
			detach({ requestOptions: { maxRetries: 0, concurrency: 1 } }),
			items,
			{ retryOnFail: true, maxTries: 2, typeVersion: 1.2 },
		);
		expect(result.error).toBeUndefined();
		expect(jsonOf(result)?.map((json) => [json.paymentMethodId, json.alreadyDetached])).toEqual([
			[items[0].pm, true],
			[items[1].pm, undefined],
			[items[2].pm, true],
		]);
		expect(detachPosts().map((request) => request.status)).toEqual([200, 500, 200, 200]);
		expect(await Promise.all(items.map(({ pm }) => ownerOf(pm)))).toEqual([null, null, null]);
	});

	test('a re-run (a new execution), and one payment method given twice: detached once, then alreadyDetached', async () => {
		const [ada] = await customersWithCards(1);
		const first = await h.run(detach(), [ada, ada]);
		expect(jsonOf(first)?.map((json) => json.alreadyDetached)).toEqual([undefined, true]);
		const again = await h.run(detach(), [ada]);
		expect(jsonOf(again)).toEqual([
			{
				customerId: ada.customer,
				paymentMethodId: ada.pm,
				detached: true,
				alreadyDetached: true,
				paymentMethod: expect.objectContaining({ customer: null }),
			},
		]);
		expect(detachPosts()).toHaveLength(1);
	});
});

test('continue-on-fail: a failing item in the middle of 10 leaves the other nine detached', async () => {
	const items = await customersWithCards(10);
	const other = await h.stripe.customers.create({ email: 'other@example.com' });
	const foreign: Stripe.PaymentMethod = await h.stripe.paymentMethods.attach('pm_card_visa', {
		customer: other.id,
	});
	items[5] = { ...items[5], pm: foreign.id };
	const result = await h.run(detach(), items, continueOnFail);
	const output = jsonOf(result)!;
	expect(pairingOf(result)).toEqual(items.map((_, index) => ({ item: index })));
	expect(output[5]).toMatchObject({ itemIndex: 5, field: 'Payment Method' });
	expect(output.filter((json) => json.detached === true)).toHaveLength(9);
	expect(await ownerOf(foreign.id)).toBe(other.id);
	const owners = await Promise.all(items.map(({ pm }) => ownerOf(pm)));
	expect(owners.filter((owner) => owner !== null)).toEqual([other.id]);
});
