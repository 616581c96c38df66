import type { INodeProperties } from 'n8n-workflow';

import { invalid, valid, type Checked } from '../../helpers/checks';
import { pickOrFill } from '../../helpers/displayConditions';
import type { StripePaymentMethod } from './paymentMethodApi';

// What the Payment Method operations show and read besides the customer and the payment method: the payment method
// types (Get Many's filter, the picker's names), how a payment method is named, Set as Default for Invoices.

/** Stripe's payment method types a customer's list filters on (`CustomerListPaymentMethodsParams.Type`), by name. */
export const PAYMENT_METHOD_TYPES: Record<string, string> = {
	acss_debit: 'ACSS Debit (Canada)',
	affirm: 'Affirm',
	afterpay_clearpay: 'Afterpay / Clearpay',
	alipay: 'Alipay',
	alma: 'Alma',
	amazon_pay: 'Amazon Pay',
	au_becs_debit: 'BECS Direct Debit (Australia)',
	bacs_debit: 'Bacs Direct Debit (UK)',
	bancontact: 'Bancontact',
	billie: 'Billie',
	bizum: 'Bizum',
	blik: 'BLIK',
	boleto: 'Boleto',
	card: 'Card',
	cashapp: 'Cash App Pay',
	crypto: 'Crypto',
	custom: 'Custom',
	customer_balance: 'Customer Balance (Bank Transfer)',
	eps: 'EPS',
	fpx: 'FPX',
	giropay: 'Giropay',
	grabpay: 'GrabPay',
	ideal: 'iDEAL',
	kakao_pay: 'Kakao Pay',
	klarna: 'Klarna',
	konbini: 'Konbini',
	kr_card: 'Korean Card',
	link: 'Link',
	mb_way: 'MB WAY',
	mobilepay: 'MobilePay',
	multibanco: 'Multibanco',
	naver_pay: 'Naver Pay',
	nz_bank_account: 'NZ Bank Account (BECS)',
	oxxo: 'OXXO',
	p24: 'Przelewy24',
	pay_by_bank: 'Pay by Bank',
	payco: 'PAYCO',
	paynow: 'PayNow',
	paypal: 'PayPal',
	paypay: 'PayPay',
	payto: 'PayTo',
	pix: 'Pix',
	promptpay: 'PromptPay',
	revolut_pay: 'Revolut Pay',
	samsung_pay: 'Samsung Pay',
	satispay: 'Satispay',
	scalapay: 'Scalapay',
	sepa_debit: 'SEPA Direct Debit',
	sequra: 'seQura',
	sofort: 'Sofort',
	sunbit: 'Sunbit',
	swish: 'Swish',
	twint: 'TWINT',
	upi: 'UPI',
	us_bank_account: 'US Bank Account (ACH)',
	wechat_pay: 'WeChat Pay',
	zip: 'Zip',
};

const TYPE_FIELD = 'Filters → Type';

const typeFilter = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: Object.entries(PAYMENT_METHOD_TYPES)
		.map(([value, name]) => ({ name, value }))
		.sort((a, b) => a.name.localeCompare(b.name)),
	default: 'card',
	description:
		'Only payment methods of this type; without this filter, all types (Stripe adds new ones over time)',
} satisfies INodeProperties;

/** Get Many's filters. */
export const paymentMethodFilters: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: pickOrFill(
		typeFilter,
		'A payment method type: its code (card, sepa_debit, us_bank_account…) or its name (SEPA Direct Debit)',
	),
};

/** Get Many's Filters → Type as one item gives it: a code, or a type's name in any case (a model may write either). */
export function readTypeFilter(filters: Record<string, unknown>): Checked<string | undefined> {
	const given = typeof filters.type === 'string' ? filters.type.trim() : '';
	if (given === '') return valid(undefined);
	const wanted = given.toLowerCase();
	const found = Object.entries(PAYMENT_METHOD_TYPES).find(
		([code, name]) => code === wanted || name.toLowerCase() === wanted,
	);
	if (found) return valid(found[0]);
	return invalid(
		TYPE_FIELD,
		`"${given}" is not a payment method type of Stripe's; one is a code such as card, sepa_debit or us_bank_account (or its name, e.g. SEPA Direct Debit)`,
	);
}

/** Attach's "Set as Default for Invoices". */
export const setAsDefault = {
	displayName: 'Set as Default for Invoices',
	name: 'setAsDefault',
	type: 'boolean',
	default: false,
	description:
		"Whether to make it the customer's default payment method for invoices and subscriptions (invoice_settings.default_payment_method)",
} satisfies INodeProperties;

/** How a card brand is written (`card.brand`), e.g. "amex" → "American Express". */
const CARD_BRANDS: Record<string, string> = {
	amex: 'American Express',
	cartes_bancaires: 'Cartes Bancaires',
	diners: 'Diners Club',
	discover: 'Discover',
	eftpos_au: 'eftpos Australia',
	jcb: 'JCB',
	link: 'Link',
	mastercard: 'Mastercard',
	unionpay: 'UnionPay',
	visa: 'Visa',
};

/** What tells a payment method apart for a person: "Visa •••• 4242, expires 12/2028", "SEPA Direct Debit •••• 3000". */
export function describePaymentMethod(paymentMethod: StripePaymentMethod): string {
	const { card } = paymentMethod;
	if (card) {
		const brand = CARD_BRANDS[card.brand] ?? 'Card';
		const expiry = `${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`;
		return `${brand} •••• ${card.last4}, expires ${expiry}`;
	}
	const type = PAYMENT_METHOD_TYPES[paymentMethod.type] ?? paymentMethod.type;
	const details = (paymentMethod as unknown as Record<string, { last4?: unknown } | undefined>)[
		paymentMethod.type
	];
	return typeof details?.last4 === 'string' ? `${type} •••• ${details.last4}` : type;
}
