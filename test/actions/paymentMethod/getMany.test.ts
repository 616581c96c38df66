import { PAYMENT_METHOD_TYPES as NODE_TYPES } from '../../../nodes/StripeCustomer/actions/paymentMethod/paymentMethodFields';
import { PAYMENT_METHOD_TYPES as STRIPE_TYPES } from '../../stripe-double';
import { credentialsFor } from '../../support/stripeFixtures';
import { runStripeCustomerWorkflow } from '../../support/workflowRunner';
import {
	byId,
	continueOnFail,
	jsonOf,
	pairingOf,
	usePaymentMethodHarness,
} from './paymentMethodHarness';

// Payment Method → Get Many through n8n's engine against the Stripe double.

const h = usePaymentMethodHarness();

const getMany = (extra: Record<string, unknown> = {}) => ({
	operation: 'getMany',
	customerId: '={{ $json.customer }}',
	returnAll: true,
	...extra,
});

/** A customer with three cards (visa, mastercard, amex, attached in this order); the mastercard is its default. */
async function customerWithCards() {
	const customer = await h.stripe.customers.create({ email: 'ada@example.com' });
	const ids: string[] = [];
	for (const card of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex'])
		ids.push((await h.stripe.paymentMethods.attach(card, { customer: customer.id })).id);
	await h.stripe.customers.update(customer.id, {
		invoice_settings: { default_payment_method: ids[1] },
	});
	return { customer, visa: ids[0], mastercard: ids[1], amex: ids[2] };
}

test("one item per payment method, newest first, paired to its input; the customer's invoice default is marked", async () => {
	const ada = await customerWithCards();
	const grace = await h.stripe.customers.create({ email: 'grace@example.com' });
	const graceCard = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: grace.id });
	const result = await h.run(getMany(), [{ customer: ada.customer.id }, { customer: grace.id }]);
	expect(result.error).toBeUndefined();
	expect(jsonOf(result)).toEqual([
		{
			customerId: ada.customer.id,
			paymentMethodId: ada.amex,
			paymentMethod: expect.objectContaining({
				card: expect.objectContaining({ brand: 'amex', last4: '0005' }),
			}),
			isInvoiceDefault: false,
		},
		expect.objectContaining({ paymentMethodId: ada.mastercard, isInvoiceDefault: true }),
		expect.objectContaining({ paymentMethodId: ada.visa, isInvoiceDefault: false }),
		expect.objectContaining({
			customerId: grace.id,
			paymentMethodId: graceCard.id,
			isInvoiceDefault: false,
		}),
	]);
	expect(pairingOf(result)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }, { item: 1 }]);
});

test('Limit asks Stripe for that many; Return All reads page after page', async () => {
	const ada = await customerWithCards();
	const limited = await h.run(getMany({ returnAll: false, limit: 2 }), [
		{ customer: ada.customer.id },
	]);
	expect(jsonOf(limited)?.map((json) => json.paymentMethodId)).toEqual([ada.amex, ada.mastercard]);
	for (let count = 3; count < 102; count++)
		await h.stripe.paymentMethods.attach('pm_card_visa', { customer: ada.customer.id });
	const all = await h.run(getMany(), [{ customer: ada.customer.id }]);
	expect(jsonOf(all)).toHaveLength(102);
	expect(new Set(jsonOf(all)?.map((json) => json.paymentMethodId)).size).toBe(102);
	const lists = h.double.requests.filter((request) => request.path.endsWith('/payment_methods'));
	expect(lists.map((request) => [request.query.limit, request.query.starting_after])).toEqual([
		['2', undefined],
		['100', undefined],
		['100', jsonOf(all)?.[99].paymentMethodId],
	]);
});

describe('Filters → Type', () => {
	test("Stripe's filter by type; a model may give the type's name", async () => {
		const ada = await customerWithCards();
		const cards = await h.run(getMany({ filters: { type: 'card' } }), [
			{ customer: ada.customer.id },
		]);
		expect(jsonOf(cards)).toHaveLength(3);
		const sepa = await h.run(
			getMany({ filters: { type: 'SEPA Direct Debit' } }),
			[{ customer: ada.customer.id }],
			{ asTool: true, typeVersion: 1.2 },
		);
		// No payment method of that type: n8n gets no item (Settings → Always Output Data gives an empty one).
		expect(sepa.error).toBeUndefined();
		expect(jsonOf(sepa)).toEqual([]);
		const types = h.double.requests
			.filter((request) => request.path.endsWith('/payment_methods'))
			.map((request) => request.query.type);
		expect(types).toEqual(['card', 'sepa_debit']);
	});

	test('a type Stripe does not have is refused before any request, naming the item and the field', async () => {
		const ada = await customerWithCards();
		const sentBefore = h.double.requests.length;
		const result = await h.run(
			getMany({ filters: { type: '={{ $json.type }}' } }),
			[
				{ customer: ada.customer.id, type: 'card' },
				{ customer: ada.customer.id, type: 'cheque' },
			],
			{ asTool: true, typeVersion: 1.2, ...continueOnFail },
		);
		expect(jsonOf(result)?.at(-1)).toMatchObject({
			itemIndex: 1,
			field: 'Filters → Type',
			error: expect.stringMatching(
				/^\[item 1\] Filters → Type: "cheque" is not a payment method type of Stripe's/,
			),
		});
		expect(jsonOf(result)?.slice(0, -1)).toHaveLength(3);
		// Only item 0 was sent: its customer read and its list.
		expect(h.double.requests.length - sentBefore).toBe(2);
	});

	test("the node's types are Stripe's (stripe@23.1.0), as the double knows them", () => {
		expect(Object.keys(NODE_TYPES).sort()).toEqual([...STRIPE_TYPES].sort());
	});
});

test('a deleted customer: an error for that item naming the Customer field; the other items go through', async () => {
	const ada = await customerWithCards();
	const gone = await h.stripe.customers.create({ email: 'gone@example.com' });
	await h.stripe.customers.del(gone.id);
	const result = await h.run(
		getMany(),
		[{ customer: gone.id }, { customer: ada.customer.id }],
		continueOnFail,
	);
	expect(jsonOf(result)?.[0]).toMatchObject({
		itemIndex: 0,
		field: 'Customer',
		error: `[item 0] Customer: ${gone.id} was deleted: a deleted customer has no payment methods`,
	});
	expect(jsonOf(result)?.slice(1)).toHaveLength(3);
});

test('Stripe Connect: the requests act on the connected account, whose customer it is', async () => {
	const customer = await h.stripe.customers.create(
		{ email: 'connected@example.com' },
		{ stripeAccount: 'acct_connected' },
	);
	const card = await h.stripe.paymentMethods.attach(
		'pm_card_visa',
		{ customer: customer.id },
		{ stripeAccount: 'acct_connected' },
	);
	const result = await runStripeCustomerWorkflow({
		items: [{}],
		node: {
			parameters: {
				resource: 'paymentMethod',
				operation: 'getMany',
				customerId: byId(customer.id),
				returnAll: true,
			} as never,
		},
		credentials: credentialsFor(h.double, { stripeAccount: 'acct_connected' }),
	});
	expect(jsonOf(result)?.map((json) => json.paymentMethodId)).toEqual([card.id]);
	const sent = h.double.requests.slice(-2);
	expect(sent.map((request) => request.account)).toEqual(['acct_connected', 'acct_connected']);
});
