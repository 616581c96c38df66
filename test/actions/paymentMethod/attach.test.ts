import type Stripe from 'stripe';

import {
	byId,
	continueOnFail,
	jsonOf,
	pairingOf,
	requestLog,
	usePaymentMethodHarness,
} from './paymentMethodHarness';

// Payment Method → Attach through n8n's engine against the Stripe double: what Stripe holds after each run, and that
// a retry, Retry On Fail and a re-run leave it as one run would.

const h = usePaymentMethodHarness();

const attach = (extra: Record<string, unknown> = {}) => ({
	operation: 'attach',
	customerId: '={{ $json.customer }}',
	paymentMethodId: { __rl: true, mode: 'id', value: '={{ $json.pm }}' },
	...extra,
});
const attachRoute = 'POST /v1/payment_methods/:id/attach';

async function customers(count: number): Promise<Stripe.Customer[]> {
	const made: Stripe.Customer[] = [];
	for (let index = 0; index < count; index++)
		made.push(await h.stripe.customers.create({ email: `person-${index}@example.com` }));
	return made;
}

/** The payment methods Stripe holds for each customer, by ID. */
async function heldBy(customerIds: string[]): Promise<string[][]> {
	return await Promise.all(
		customerIds.map(async (id) =>
			(await h.stripe.customers.listPaymentMethods(id)).data.map((pm) => pm.id),
		),
	);
}

const invoiceDefaultOf = async (customerId: string) =>
	((await h.stripe.customers.retrieve(customerId)) as Stripe.Customer).invoice_settings
		.default_payment_method;

test('attaches each payment method to its customer, one output per input paired to it; a test payment method gives the pm_ Stripe made', async () => {
	const [ada, grace] = await customers(2);
	const result = await h.run(attach(), [
		{ customer: ada.id, pm: 'pm_card_mastercard' },
		{ customer: grace.id, pm: 'pm_1OwnPaymentMethod' },
	]);
	expect(result.error).toBeUndefined();
	const [made] = h.double.customers[0].paymentMethods;
	expect(made).toMatch(/^pm_[A-Za-z0-9]{24}$/);
	expect(jsonOf(result)).toEqual([
		{
			customerId: ada.id,
			paymentMethodId: made,
			paymentMethod: expect.objectContaining({
				customer: ada.id,
				card: expect.objectContaining({ brand: 'mastercard', last4: '4444' }),
			}),
		},
		{
			customerId: grace.id,
			paymentMethodId: 'pm_1OwnPaymentMethod',
			paymentMethod: expect.objectContaining({ customer: grace.id }),
		},
	]);
	expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 1 }]);
	// Nothing more was sent than the two attaches.
	expect(requestLog(h.double).filter((line) => !line.startsWith('POST /v1/customers '))).toEqual([
		`POST /v1/payment_methods/pm_card_mastercard/attach 200`,
		`POST /v1/payment_methods/pm_1OwnPaymentMethod/attach 200`,
	]);
	expect(await heldBy([ada.id, grace.id])).toEqual([[made], ['pm_1OwnPaymentMethod']]);
});

test("Set as Default for Invoices: the payment method attached (not the test payment method's name) becomes the invoice default", async () => {
	const [ada] = await customers(1);
	const result = await h.run(attach({ setAsDefault: true }), [
		{ customer: ada.id, pm: 'pm_card_visa' },
	]);
	const made = h.double.customers[0].paymentMethods[0];
	expect(jsonOf(result)).toEqual([
		{
			customerId: ada.id,
			paymentMethodId: made,
			isInvoiceDefault: true,
			paymentMethod: expect.objectContaining({ id: made }),
		},
	]);
	expect(await invoiceDefaultOf(ada.id)).toBe(made);
});

test("one customer's attaches apply in input order: with Set as Default for Invoices, the last is the default", async () => {
	const [ada] = await customers(1);
	// The first attach is slow: the second must still wait for it.
	h.double.failNext(1, { delayMs: 300 }, attachRoute);
	const result = await h.run(
		attach({ setAsDefault: true, requestOptions: { concurrency: 10 } }),
		[
			{ customer: ada.id, pm: 'pm_1First' },
			{ customer: ada.id, pm: 'pm_1Second' },
		],
		{ typeVersion: 1.2 },
	);
	expect(result.error).toBeUndefined();
	expect(await invoiceDefaultOf(ada.id)).toBe('pm_1Second');
});

describe('a repeat leaves Stripe as one run would: one attachment, the default set', () => {
	test('a lost answer (Stripe attached it, the connection dropped): the retry gets the same payment method back', async () => {
		const [ada] = await customers(1);
		h.double.failNext(1, { drop: 'after-create' }, attachRoute);
		const result = await h.run(attach({ setAsDefault: true }), [
			{ customer: ada.id, pm: 'pm_card_visa' },
		]);
		expect(result.error).toBeUndefined();
		const held = h.double.customers[0].paymentMethods;
		expect(held).toHaveLength(1);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				customerId: ada.id,
				paymentMethodId: held[0],
				alreadyAttached: true,
				isInvoiceDefault: true,
			}),
		]);
		expect(await invoiceDefaultOf(ada.id)).toBe(held[0]);
		expect(requestLog(h.double).slice(1, 4)).toEqual([
			'POST /v1/payment_methods/pm_card_visa/attach 0',
			'POST /v1/payment_methods/pm_card_visa/attach 200',
			`GET /v1/payment_methods/${held[0]} 200`,
		]);
	});

	test('Retry On Fail: the node run again in the same execution attaches nothing twice', async () => {
		const people = await customers(3);
		const items = people.map((person) => ({ customer: person.id, pm: 'pm_card_visa' }));
		// The second attach fails before Stripe does anything; the item fails, so the node does; n8n runs it again.
		h.double.failNext(1, { delayMs: 0 }, attachRoute);
		h.double.failNext(1, { status: 500 }, attachRoute);
		const result = await h.run(
			attach({ setAsDefault: true, requestOptions: { maxRetries: 0, concurrency: 1 } }),
			items,
			{ retryOnFail: true, maxTries: 2, typeVersion: 1.2 },
		);
		expect(result.error).toBeUndefined();
		expect(result.run.data.resultData.runData['Stripe Customer']).toHaveLength(1);
		// Two tries of three attaches; on the second, the two attached on the first are Stripe's replays.
		const attaches = h.double.requests.filter((request) => request.path.endsWith('/attach'));
		expect(attaches.map((request) => [request.status, request.replayed])).toEqual([
			[200, false],
			[500, false],
			[200, false],
			[200, true],
			[200, false],
			[200, true],
		]);
		const held = await heldBy(people.map((person) => person.id));
		expect(held.map((ids) => ids.length)).toEqual([1, 1, 1]);
		expect(jsonOf(result)?.map((json) => json.paymentMethodId)).toEqual(held.flat());
		expect(await Promise.all(people.map((person) => invoiceDefaultOf(person.id)))).toEqual(
			held.flat(),
		);
	});

	test('a re-run (a new execution) of the same items: alreadyAttached, one attachment each, the default still set', async () => {
		const [ada, grace] = await customers(2);
		const items = [
			{ customer: ada.id, pm: 'pm_card_visa' },
			{ customer: grace.id, pm: 'pm_1OwnPaymentMethod' },
		];
		const first = await h.run(attach({ setAsDefault: true }), items);
		const again = await h.run(attach({ setAsDefault: true }), items);
		expect(again.error).toBeUndefined();
		const held = await heldBy([ada.id, grace.id]);
		expect(held).toEqual([[expect.stringMatching(/^pm_/)], ['pm_1OwnPaymentMethod']]);
		expect(jsonOf(again)).toEqual(
			jsonOf(first)?.map((json) => ({ ...json, alreadyAttached: true })),
		);
		expect(await invoiceDefaultOf(ada.id)).toBe(held[0][0]);
		expect(await invoiceDefaultOf(grace.id)).toBe('pm_1OwnPaymentMethod');
	});

	test('a payment method the customer has already (attached by Checkout, another workflow…): a success, alreadyAttached', async () => {
		const [ada] = await customers(1);
		await h.stripe.paymentMethods.attach('pm_1FromCheckout', { customer: ada.id });
		const result = await h.run(attach({ setAsDefault: true }), [
			{ customer: ada.id, pm: 'pm_1FromCheckout' },
		]);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				customerId: ada.id,
				paymentMethodId: 'pm_1FromCheckout',
				alreadyAttached: true,
				isInvoiceDefault: true,
			}),
		]);
		expect(await heldBy([ada.id])).toEqual([['pm_1FromCheckout']]);
		expect(await invoiceDefaultOf(ada.id)).toBe('pm_1FromCheckout');
	});

	test('a re-run after the payment method was detached: a test payment method attaches a new one, once', async () => {
		const [ada] = await customers(1);
		const items = [{ customer: ada.id, pm: 'pm_card_visa' }];
		const first = await h.run(attach(), items);
		await h.stripe.paymentMethods.detach(first.output![0].json.paymentMethodId as string);
		const second = await h.run(attach(), items);
		const third = await h.run(attach(), items);
		const held = await heldBy([ada.id]);
		expect(held[0]).toHaveLength(1);
		expect(jsonOf(second)?.[0]).not.toHaveProperty('alreadyAttached');
		expect(jsonOf(second)?.[0].paymentMethodId).toBe(held[0][0]);
		expect(jsonOf(third)?.[0]).toMatchObject({
			paymentMethodId: held[0][0],
			alreadyAttached: true,
		});
	});
});

describe('what cannot be attached', () => {
	test("another customer's payment method: an error that names that customer; nothing attached", async () => {
		const [ada, grace] = await customers(2);
		await h.stripe.paymentMethods.attach('pm_1Shared', { customer: grace.id });
		const result = await h.run(attach(), [{ customer: ada.id, pm: 'pm_1Shared' }], continueOnFail);
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({
				itemIndex: 0,
				field: 'Payment Method',
				error: `[item 0] Payment Method: pm_1Shared is attached to another customer, ${grace.id}; Stripe attaches a payment method to one customer only (and never attaches a detached one again): collect a new payment method for this customer`,
			}),
		]);
		expect(await heldBy([ada.id, grace.id])).toEqual([[], ['pm_1Shared']]);
	});

	test("a detached payment method: Stripe's refusal, in Stripe's words", async () => {
		const [ada] = await customers(1);
		await h.stripe.paymentMethods.attach('pm_1Gone', { customer: ada.id });
		await h.stripe.paymentMethods.detach('pm_1Gone');
		const result = await h.run(attach(), [{ customer: ada.id, pm: 'pm_1Gone' }], continueOnFail);
		expect(jsonOf(result)?.[0]).toMatchObject({
			statusCode: 400,
			error: expect.stringMatching(
				/^\[item 0\] Stripe: This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again\./,
			),
		});
	});

	test('a test payment method attached and detached again and again by re-runs: after four within 24 hours, an error that says why', async () => {
		const [ada] = await customers(1);
		const items = [{ customer: ada.id, pm: 'pm_card_visa' }];
		for (let run = 0; run < 4; run++) {
			const attached = await h.run(attach(), items);
			await h.stripe.paymentMethods.detach(attached.output![0].json.paymentMethodId as string);
		}
		const result = await h.run(attach(), items, continueOnFail);
		expect(jsonOf(result)?.[0]).toMatchObject({
			itemIndex: 0,
			field: 'Payment Method',
			error: expect.stringMatching(
				/^\[item 0\] Payment Method: Stripe returned the payment methods this item attached in the last 24 hours, each detached since \(the last: pm_\w+\); Stripe never attaches a detached payment method again$/,
			),
		});
		expect(await heldBy([ada.id])).toEqual([[]]);
	});

	test('bad input is refused before any request, naming the item and the field', async () => {
		const [ada] = await customers(1);
		const sentBefore = h.double.requests.length;
		const result = await h.run(attach(), [
			{ customer: ada.id, pm: 'pm_card_visa' },
			{ customer: ada.id, pm: 'card_1Legacy' },
			{ customer: 'ada@example.com', pm: 'pm_1 Spaced' },
		]);
		expect(result.error?.message).toBe(
			'[item 1] Payment Method: "card_1Legacy" is a card of the legacy Sources API (Customer → Update, Source ID, attaches one), not a payment method (pm_…)',
		);
		expect(result.error?.description).toContain(
			'- [item 2] 2 fields are invalid: Customer: "ada@example.com" is not a Stripe customer ID: one starts with cus_ (e.g. cus_NffrFeUfNV2Hib); Payment Method: "pm_1 Spaced" is not a Stripe payment method ID: after pm_ come only letters, digits and _, and it holds a space',
		);
		expect(h.double.requests).toHaveLength(sentBefore);
	});
});

test('continue-on-fail: a failing item in the middle of 10 leaves the other nine attached and made the default', async () => {
	const people = await customers(10);
	const items = people.map((person, index) => ({
		customer: person.id,
		pm: index === 4 ? 'pm_card_chargeDeclined' : 'pm_card_visa',
	}));
	const result = await h.run(attach({ setAsDefault: true }), items, continueOnFail);
	const output = jsonOf(result)!;
	expect(pairingOf(result)).toEqual(items.map((_, index) => ({ item: index })));
	expect(output[4]).toMatchObject({
		itemIndex: 4,
		statusCode: 402,
		code: 'card_declined',
		declineCode: 'generic_decline',
		error: expect.stringMatching(/^\[item 4\] Stripe: Your card was declined\./),
	});
	const held = await heldBy(people.map((person) => person.id));
	expect(held.map((ids) => ids.length)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);
	for (const [index, person] of people.entries()) {
		if (index === 4) continue;
		expect(output[index]).toMatchObject({ customerId: person.id, paymentMethodId: held[index][0] });
		expect(await invoiceDefaultOf(person.id)).toBe(held[index][0]);
	}
});

test("Update (Customer) attaches through the same step: a payment method of another customer is refused in Stripe's words", async () => {
	const [ada, grace] = await customers(2);
	await h.stripe.paymentMethods.attach('pm_1Shared', { customer: grace.id });
	const result = await h.run(
		{
			resource: 'customer',
			operation: 'update',
			customerId: byId(ada.id),
			additionalFields: { paymentMethod: 'pm_1Shared' },
		},
		[{}],
		continueOnFail,
	);
	expect(jsonOf(result)?.[0]).toMatchObject({
		statusCode: 400,
		error:
			'[item 0] Stripe: The payment method you provided has already been attached to a customer.',
	});
});
