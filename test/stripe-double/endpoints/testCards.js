// @ts-check
'use strict';

/** Stripe's test cards (docs "Testing"): what their tokens stand for, and which are declined when attached. */

const { cardDeclined } = require('../core/errors');

/** What a test card token stands for (brand, last 4 digits). */
const CARD_TOKENS = /** @type {Record<string, [string, string]>} */ ({
	tok_visa: ['Visa', '4242'],
	tok_visa_debit: ['Visa', '5556'],
	tok_mastercard: ['MasterCard', '4444'],
	tok_mastercard_debit: ['MasterCard', '8210'],
	tok_amex: ['American Express', '0005'],
	tok_discover: ['Discover', '1117'],
});

/** A card's brand as a PaymentMethod's `card.brand` names it (the card objects of `tok_…` show the display name). */
const BRAND_CODES = /** @type {Record<string, string>} */ ({
	Visa: 'visa',
	MasterCard: 'mastercard',
	'American Express': 'amex',
	Discover: 'discover',
});

/**
 * The card a test token or test payment method stands for (`tok_mastercard`, `pm_card_mastercard`), as a
 * PaymentMethod shows it; any other id is a Visa ending in 4242.
 * @param {string} id
 * @returns {{ brand: string, last4: string }}
 */
function testCardOf(id) {
	const m = /^(?:tok_|pm_card_)(\w+)$/.exec(id);
	const [brand, last4] = (m && CARD_TOKENS['tok_' + m[1]]) || CARD_TOKENS.tok_visa;
	return { brand: BRAND_CODES[brand], last4 };
}

/**
 * Stripe's test cards that are declined when attached (docs "Testing", declined payments), as the suffix of
 * their token (`tok_<suffix>`) and test payment method (`pm_card_<suffix>`): the decline code each answers.
 */
const DECLINED_TEST_CARDS = /** @type {Record<string, string>} */ ({
	chargeDeclined: 'generic_decline',
	visa_chargeDeclined: 'generic_decline',
	chargeDeclinedInsufficientFunds: 'insufficient_funds',
	visa_chargeDeclinedInsufficientFunds: 'insufficient_funds',
	chargeDeclinedLostCard: 'lost_card',
	visa_chargeDeclinedLostCard: 'lost_card',
	chargeDeclinedStolenCard: 'stolen_card',
	visa_chargeDeclinedStolenCard: 'stolen_card',
	chargeDeclinedFraudulent: 'fraudulent',
	chargeDeclinedExpiredCard: 'expired_card',
	chargeDeclinedIncorrectCvc: 'incorrect_cvc',
	chargeDeclinedProcessingError: 'processing_error',
});

/**
 * The 402 of a declined test card (`tok_…` as `source`, `pm_card_…` as `payment_method` or attached): the work
 * refused it, so Stripe stores it for the idempotency key. Null for any other id.
 * @param {unknown} id
 */
function declinedCard(id) {
	if (typeof id !== 'string') return null;
	const m = /^(?:tok_|pm_card_)(\w+)$/.exec(id);
	const decline = m ? DECLINED_TEST_CARDS[m[1]] : undefined;
	return decline ? cardDeclined(decline) : null;
}

module.exports = { CARD_TOKENS, declinedCard, testCardOf };
