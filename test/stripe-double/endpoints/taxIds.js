// @ts-check
'use strict';

/** A customer's tax IDs: `GET|POST /v1/customers/:id/tax_ids`. */

const { validate, expand } = require('../core/schema');
const { noSuch, asResult: fail } = require('../core/errors');
const { randomAlnum, nowSeconds } = require('../core/util');
const { taxIdType, taxIdValue } = require('./customerFields');
const { useCustomerStore } = require('./customerStore');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */

/** `POST /v1/customers/:id/tax_ids` @type {import('../core/schema').Schema} */
const TAX_ID_CREATE = { t: 'hash', required: ['type', 'value'], fields: { type: taxIdType, value: taxIdValue, expand } };

/** @param {string} customerId @param {string} type @param {string} value */
function makeTaxId(customerId, type, value) {
  return {
    id: 'txi_' + randomAlnum(24),
    object: 'tax_id',
    country: null,
    created: nowSeconds(),
    customer: customerId,
    livemode: false,
    type,
    value,
  };
}

/** @param {DoubleApi} api */
function registerTaxIds(api) {
  const store = useCustomerStore(api);
  /** @param {Ctx} ctx */
  const missing = (ctx) => noSuch('customer', ctx.pathParams.id);

  api.route({
    method: 'GET',
    path: '/v1/customers/:id/tax_ids',
    execute(ctx) {
      const e = store.find(ctx.accountKey, ctx.pathParams.id);
      if (!e) return fail(missing(ctx));
      return { status: 200, body: { object: 'list', data: e.taxIds, has_more: false, url: `/v1/customers/${e.stored.id}/tax_ids` } };
    },
  });

  api.route({
    method: 'POST',
    path: '/v1/customers/:id/tax_ids',
    validate: (ctx) => (store.find(ctx.accountKey, ctx.pathParams.id) ? validate(TAX_ID_CREATE, ctx.params) : missing(ctx)),
    execute(ctx) {
      const e = store.find(ctx.accountKey, ctx.pathParams.id);
      if (!e) return fail(missing(ctx));
      const t = makeTaxId(e.stored.id, String(ctx.params.type), String(ctx.params.value));
      e.taxIds.push(t);
      return { status: 200, body: t };
    },
  });
}

module.exports = { registerTaxIds, makeTaxId };
