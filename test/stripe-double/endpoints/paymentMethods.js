// @ts-check
'use strict';

/** Payment methods: `POST /v1/payment_methods/:id/attach` (any `pm_…` id exists, as a Visa card). */

const { validate, expand } = require('../core/schema');
const { noSuch, invalid, asResult: fail } = require('../core/errors');
const { nowSeconds } = require('../core/util');
const { useCustomerStore } = require('./customerStore');
const { useEvents } = require('./events');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */

/** `POST /v1/payment_methods/:id/attach` @type {import('../core/schema').Schema} */
const PAYMENT_METHOD_ATTACH = { t: 'hash', required: ['customer'], fields: { customer: { t: 'string', notEmpty: true }, expand } };

/** @param {string} pm @param {string} customerId */
function paymentMethod(pm, customerId) {
  return {
    id: pm,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
    },
    card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: new Date().getFullYear() + 3, funding: 'credit', last4: '4242' },
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
    const owner = store.ownerOf(ctx.accountKey, pmId);
    if (owner && owner !== customerId) {
      return invalid('The payment method you provided has already been attached to a customer.', 'payment_method');
    }
    return null;
  };

  api.route({
    method: 'POST',
    path: '/v1/payment_methods/:id/attach',
    validate: (ctx) => validate(PAYMENT_METHOD_ATTACH, ctx.params) || check(ctx),
    execute(ctx) {
      const e = check(ctx);
      if (e) return fail(e);
      const customerId = String(ctx.params.customer);
      store.attach(/** @type {import('./customerStore').Entry} */ (store.find(ctx.accountKey, customerId)), ctx.pathParams.id);
      const pm = paymentMethod(ctx.pathParams.id, customerId);
      events.emit(events.fromRequest(ctx), 'payment_method.attached', pm);
      return { status: 200, body: pm };
    },
  });
}

module.exports = { registerPaymentMethods, paymentMethod };
