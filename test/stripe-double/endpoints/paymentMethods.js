// @ts-check
'use strict';

/**
 * Payment methods: `POST /v1/payment_methods/:id/attach`, `POST /v1/payment_methods/:id/detach`,
 * `GET /v1/payment_methods/:id`, `GET /v1/customers/:id/payment_methods`. Any `pm_…` id exists, as a card;
 * Stripe's test payment methods (`pm_card_visa`, `pm_card_mastercard`…) are templates: each attach makes a new
 * `pm_…` from them, a card of their brand.
 */

const { validate, str, expand, pageLimit } = require('../core/schema');
const { noSuch, invalid, asResult: fail } = require('../core/errors');
const { pageNewestFirst } = require('../core/paging');
const { nowSeconds, randomAlnum } = require('../core/util');
const { useCustomerStore, noSuchCustomer } = require('./customerStore');
const { useEvents } = require('./events');
const { declinedCard, testCardOf } = require('./testCards');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */

/** The payment method types a customer's list filters on (`CustomerListPaymentMethodsParams.Type`, stripe@23.1.0). */
const PAYMENT_METHOD_TYPES = Object.freeze([
	'acss_debit',
	'affirm',
	'afterpay_clearpay',
	'alipay',
	'alma',
	'amazon_pay',
	'au_becs_debit',
	'bacs_debit',
	'bancontact',
	'billie',
	'bizum',
	'blik',
	'boleto',
	'card',
	'cashapp',
	'crypto',
	'custom',
	'customer_balance',
	'eps',
	'fpx',
	'giropay',
	'grabpay',
	'ideal',
	'kakao_pay',
	'klarna',
	'konbini',
	'kr_card',
	'link',
	'mb_way',
	'mobilepay',
	'multibanco',
	'naver_pay',
	'nz_bank_account',
	'oxxo',
	'p24',
	'pay_by_bank',
	'payco',
	'paynow',
	'paypal',
	'paypay',
	'payto',
	'pix',
	'promptpay',
	'revolut_pay',
	'samsung_pay',
	'satispay',
	'scalapay',
	'sepa_debit',
	'sequra',
	'sofort',
	'sunbit',
	'swish',
	'twint',
	'upi',
	'us_bank_account',
	'wechat_pay',
	'zip',
]);

/** `POST /v1/payment_methods/:id/attach` @type {import('../core/schema').Schema} */
const PAYMENT_METHOD_ATTACH = {
	t: 'hash',
	required: ['customer'],
	fields: { customer: { t: 'string', notEmpty: true }, expand },
};

/** `POST /v1/payment_methods/:id/detach` @type {import('../core/schema').Schema} */
const PAYMENT_METHOD_DETACH = { t: 'hash', fields: { expand } };

/** `GET /v1/customers/:id/payment_methods` @type {import('../core/schema').Schema} */
const CUSTOMER_PAYMENT_METHOD_LIST = {
	t: 'hash',
	exclusive: [['ending_before', 'starting_after']],
	fields: {
		allow_redisplay: { t: 'string', oneOf: ['always', 'limited', 'unspecified'] },
		ending_before: str,
		expand,
		limit: pageLimit,
		starting_after: str,
		type: {
			t: 'string',
			oneOf: PAYMENT_METHOD_TYPES,
			oneOfName: "Stripe's payment method types",
		},
	},
};

/** Stripe's answer to attaching a payment method that is attached already (to any customer). */
const ALREADY_ATTACHED = invalid(
	'The payment method you provided has already been attached to a customer.',
	'payment_method',
);

/** Stripe's answer to attaching a payment method that was detached: a detached one is never attached again. */
const DETACHED_BEFORE = invalid(
	'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
	'payment_method',
);

/** Stripe's answer to detaching a payment method that is attached to no customer (it names no code). */
const NOT_ATTACHED = invalid(
	'The payment method you provided is not attached to a customer so detachment is impossible.',
);

/** A test payment method (docs "Testing"): a template, not an object of the account. @param {string} id */
const isTestCard = (id) => id.startsWith('pm_card_');

/** The payment method an attach of `id` attaches: a new one for a test card, else `id` itself. @param {string} id */
const attachedId = (id) => (isTestCard(id) ? 'pm_' + randomAlnum(24) : id);

/**
 * A payment method as Stripe returns it: a card of the brand of the test payment method it was made from.
 * @param {string} pm
 * @param {string | null} customerId
 * @param {{ madeFrom: string, created: number }} [origin]   what it was made from and when (see the store)
 */
function paymentMethod(pm, customerId, origin) {
	const { brand, last4 } = testCardOf(origin ? origin.madeFrom : pm);
	return {
		id: pm,
		object: 'payment_method',
		allow_redisplay: 'unspecified',
		billing_details: {
			address: {
				city: null,
				country: null,
				line1: null,
				line2: null,
				postal_code: null,
				state: null,
			},
			email: null,
			name: null,
			phone: null,
		},
		card: {
			brand,
			country: 'US',
			exp_month: 12,
			exp_year: new Date().getFullYear() + 3,
			funding: 'credit',
			last4,
		},
		created: origin ? origin.created : nowSeconds(),
		customer: customerId,
		livemode: false,
		metadata: {},
		type: 'card',
	};
}

/** @param {DoubleApi} api */
function registerPaymentMethods(api) {
	const store = useCustomerStore(api);
	const events = useEvents(api);

	/** The payment method of the request's path as Stripe shows it now. @param {Ctx} ctx */
	const present = (ctx) => {
		const pmId = ctx.pathParams.id;
		const owner = store.ownerOf(ctx.accountKey, pmId) ?? null;
		return paymentMethod(pmId, owner, store.originOf(ctx.accountKey, pmId));
	};

	/** @param {Ctx} ctx */
	const check = (ctx) => {
		const pmId = ctx.pathParams.id;
		const customerId = String(ctx.params.customer);
		if (!pmId.startsWith('pm_')) return noSuch('PaymentMethod', pmId, 'payment_method');
		if (!store.find(ctx.accountKey, customerId)) return noSuch('customer', customerId, 'customer');
		return null;
	};

	// Retrieve a PaymentMethod: any pm_… exists (as at the attach); `customer` is the one it is attached to, or null.
	api.route({
		method: 'GET',
		path: '/v1/payment_methods/:id',
		execute(ctx) {
			const pmId = ctx.pathParams.id;
			if (!pmId.startsWith('pm_')) return fail(noSuch('PaymentMethod', pmId, 'id'));
			return { status: 200, body: present(ctx) };
		},
	});

	api.route({
		method: 'POST',
		path: '/v1/payment_methods/:id/attach',
		validate: (ctx) => validate(PAYMENT_METHOD_ATTACH, ctx.params) || check(ctx),
		execute(ctx) {
			const e = check(ctx);
			if (e) return fail(e);
			const customerId = String(ctx.params.customer);
			const given = ctx.pathParams.id;
			const declined = declinedCard(given);
			if (declined) return fail(declined);
			// attached already, to this customer or another: refused either way, as at Stripe
			if (store.ownerOf(ctx.accountKey, given)) return fail(ALREADY_ATTACHED);
			if (store.wasDetached(ctx.accountKey, given)) return fail(DETACHED_BEFORE);
			const pmId = attachedId(given);
			store.attach(
				/** @type {import('./customerStore').Entry} */ (store.find(ctx.accountKey, customerId)),
				pmId,
				given,
			);
			const pm = paymentMethod(pmId, customerId, store.originOf(ctx.accountKey, pmId));
			events.emit(events.fromRequest(ctx), 'payment_method.attached', pm);
			return { status: 200, body: pm };
		},
	});

	api.route({
		method: 'POST',
		path: '/v1/payment_methods/:id/detach',
		validate: (ctx) =>
			validate(PAYMENT_METHOD_DETACH, ctx.params) ||
			(ctx.pathParams.id.startsWith('pm_')
				? null
				: noSuch('PaymentMethod', ctx.pathParams.id, 'payment_method')),
		execute(ctx) {
			const pmId = ctx.pathParams.id;
			const owner = store.ownerOf(ctx.accountKey, pmId);
			if (!owner) return fail(NOT_ATTACHED);
			store.detach(ctx.accountKey, pmId);
			const pm = present(ctx);
			events.emit(events.fromRequest(ctx), 'payment_method.detached', pm, { customer: owner });
			return { status: 200, body: pm };
		},
	});

	// A customer's payment methods, newest first; a deleted or unknown customer → 404.
	api.route({
		method: 'GET',
		path: '/v1/customers/:id/payment_methods',
		validate: (ctx) =>
			validate(CUSTOMER_PAYMENT_METHOD_LIST, ctx.query) ||
			(store.find(ctx.accountKey, ctx.pathParams.id) ? null : noSuchCustomer(ctx)),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(noSuchCustomer(ctx));
			const q = ctx.query;
			const newestFirst = [...e.stored.paymentMethods]
				.reverse()
				.map((pm) => paymentMethod(pm, e.stored.id, store.originOf(ctx.accountKey, pm)));
			/** @param {{ type: string, allow_redisplay: string }} pm */
			const keep = (pm) =>
				(q.type === undefined || pm.type === q.type) &&
				(q.allow_redisplay === undefined || pm.allow_redisplay === q.allow_redisplay);
			const paged = pageNewestFirst(newestFirst, q, 'payment_method', keep);
			if ('error' in paged) return fail(paged);
			return {
				status: 200,
				body: {
					object: 'list',
					data: paged.page,
					has_more: paged.hasMore,
					url: `/v1/customers/${e.stored.id}/payment_methods`,
				},
			};
		},
	});
}

module.exports = {
	registerPaymentMethods,
	paymentMethod,
	attachedId,
	isTestCard,
	ALREADY_ATTACHED,
	DETACHED_BEFORE,
	NOT_ATTACHED,
	PAYMENT_METHOD_TYPES,
};
