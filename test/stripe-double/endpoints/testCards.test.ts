import Stripe from 'stripe';

import { useDoubleUnderTest, failure } from '../selfTestSetup';

// Stripe's test cards: the tokens that are declined.

const { d, client } = useDoubleUnderTest();

describe('as strict as Stripe', () => {
	const replayed = (e: Stripe.errors.StripeError) => e.headers?.['idempotent-replayed'];

	it("a card declined by Stripe's failing test tokens is a 402 from the work: stored for the key, replayed, nothing created", async () => {
		const stripe = client();
		const declined: [string, string, string, string][] = [
			['tok_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
			[
				'tok_chargeDeclinedInsufficientFunds',
				'card_declined',
				'insufficient_funds',
				'Your card has insufficient funds.',
			],
			['tok_chargeDeclinedFraudulent', 'card_declined', 'fraudulent', 'Your card was declined.'],
			['tok_visa_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
			['tok_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
			[
				'tok_chargeDeclinedIncorrectCvc',
				'incorrect_cvc',
				'incorrect_cvc',
				"Your card's security code is incorrect.",
			],
			[
				'tok_chargeDeclinedProcessingError',
				'processing_error',
				'processing_error',
				'An error occurred while processing your card. Try again in a little bit.',
			],
		];
		for (const [source, code, decline, message] of declined) {
			const err = await failure(
				stripe.customers.create({ name: source, source }, { idempotencyKey: `k-${source}` }),
			);
			expect({
				source,
				status: err.statusCode,
				type: err.type,
				code: err.code,
				decline: err.decline_code,
				message: err.message,
			}).toEqual({
				source,
				status: 402,
				type: 'StripeCardError',
				code,
				decline,
				message,
			});
			expect(err.headers?.['stripe-should-retry']).toBe('false');
			const again = await failure(
				stripe.customers.create({ name: source, source }, { idempotencyKey: `k-${source}` }),
			);
			expect([again.statusCode, again.decline_code, replayed(again)]).toEqual([
				402,
				decline,
				'true',
			]);
		}
		expect(d.customers).toHaveLength(0);
		// on update too, and the customer stays as it was
		const c = await stripe.customers.create({ name: 'keeps its card', source: 'tok_visa' });
		const onUpdate = await failure(stripe.customers.update(c.id, { source: 'tok_chargeDeclined' }));
		expect(onUpdate.statusCode).toBe(402);
		expect(((await stripe.customers.retrieve(c.id)) as Stripe.Customer).default_source).toBe(
			c.default_source,
		);
		// tok_chargeCustomerFail attaches (charging it fails later)
		await expect(
			stripe.customers.create({ source: 'tok_chargeCustomerFail' }),
		).resolves.toMatchObject({ object: 'customer' });
		// and a payment method is not a source: refused by parameter validation, so nothing is stored
		const pm = await failure(
			stripe.customers.create({ source: 'pm_card_visa' }, { idempotencyKey: 'k-pm-source' }),
		);
		expect([pm.statusCode, pm.param, pm.message]).toEqual([
			400,
			'source',
			expect.stringMatching(/cannot use a PaymentMethod as a source/),
		]);
		await expect(
			stripe.customers.create({ name: 'fine' }, { idempotencyKey: 'k-pm-source' }),
		).resolves.toMatchObject({ name: 'fine' });
	});
});
