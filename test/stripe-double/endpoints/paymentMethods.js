// @ts-check
'use strict';

/**
 * Payment methods: `POST /v1/payment_methods/:id/attach`. Any `pm_…` id exists, as a Visa card; Stripe's test
 * payment methods (`pm_card_visa`, `pm_card_mastercard`…) are templates: each attach makes a new `pm_…` from them.
 */

const { validate, expand } = require('../core/schema');
const { noSuch, invalid, asResult: fail } = require('../core/errors');
const { nowSeconds, randomAlnum } = require('../core/util');
const { useCustomerStore } = require('./customerStore');
const { useEvents } = require('./events');
const { declinedCard } = require('./testCards');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */

/** `POST /v1/payment_methods/:id/attach` @type {import('../core/schema').Schema} */
const PAYMENT_METHOD_ATTACH = {
	t: 'hash',
	required: ['customer'],
	fields: { customer: { t: 'string', notEmpty: true }, expand },
};

/** Stripe's answer to attaching a payment method that is attached already (to any customer). */
const ALREADY_ATTACHED = invalid(
	'The payment method you provided has already been attached to a customer.',
	'payment_method',
);

/** A test payment method (docs "Testing"): a template, not an object of the account. @param {string} id */
const isTestCard = (id) => id.startsWith('pm_card_');

/** The payment method an attach of `id` attaches: a new one for a test card, else `id` itself. @param {string} id */
const attachedId = (id) => (isTestCard(id) ? 'pm_' + randomAlnum(24) : id);

/** @param {string} pm @param {string | null} customerId */
function paymentMethod(pm, customerId) {
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
			brand: 'visa',
			country: 'US',
			exp_month: 12,
			exp_year: new Date().getFullYear() + 3,
			funding: 'credit',
			last4: '4242',
		},
		created: nowSeconds(),
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
			return {
				status: 200,
				body: paymentMethod(pmId, store.ownerOf(ctx.accountKey, pmId) ?? null),
			};
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
			const declined = declinedCard(ctx.pathParams.id);
			if (declined) return fail(declined);
			// attached already, to this customer or another: refused either way, as at Stripe
			if (store.ownerOf(ctx.accountKey, ctx.pathParams.id)) return fail(ALREADY_ATTACHED);
			const pmId = attachedId(ctx.pathParams.id);
			store.attach(
				/** @type {import('./customerStore').Entry} */ (store.find(ctx.accountKey, customerId)),
				pmId,
			);
			const pm = paymentMethod(pmId, customerId);
			events.emit(events.fromRequest(ctx), 'payment_method.attached', pm);
			return { status: 200, body: pm };
		},
	});
}

module.exports = {
	registerPaymentMethods,
	paymentMethod,
	attachedId,
	isTestCard,
	ALREADY_ATTACHED,
};
