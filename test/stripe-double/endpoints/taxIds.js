// @ts-check
'use strict';

/** A customer's tax IDs: `GET|POST /v1/customers/:id/tax_ids`, `GET|DELETE /v1/customers/:id/tax_ids/:tax_id`. */

const { validate, expand, pageLimit, str } = require('../core/schema');
const { pageNewestFirst } = require('../core/paging');
const { noSuch, invalid, asResult: fail } = require('../core/errors');
const { randomAlnum, nowSeconds } = require('../core/util');
const { taxIdType, taxIdValue } = require('./customerFields');
const { useCustomerStore, noSuchCustomer } = require('./customerStore');
const { useEvents } = require('./events');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */

/** `POST /v1/customers/:id/tax_ids` @type {import('../core/schema').Schema} */
const TAX_ID_CREATE = {
	t: 'hash',
	required: ['type', 'value'],
	fields: { type: taxIdType, value: taxIdValue, expand },
};

/** `GET /v1/customers/:id/tax_ids` @type {import('../core/schema').Schema} */
const TAX_ID_LIST = {
	t: 'hash',
	fields: { limit: pageLimit, starting_after: str, ending_before: str, expand },
	exclusive: [['starting_after', 'ending_before']],
};

/**
 * A tax ID the customer already has (same type and value): Stripe answers 400 "A tax ID with the specified value
 * and type already exists for this customer." (as quoted in serpapi/public-roadmap#771; the code is the double's
 * choice: Stripe's error codes list `resource_already_exists` for objects that already exist).
 */
const TAX_ID_EXISTS = invalid(
	'A tax ID with the specified value and type already exists for this customer.',
	'value',
	'resource_already_exists',
);

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
	const events = useEvents(api);
	const missing = noSuchCustomer;

	api.route({
		method: 'GET',
		path: '/v1/customers/:id/tax_ids',
		validate: (ctx) => validate(TAX_ID_LIST, ctx.query),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(missing(ctx));
			// In the order they were added, a page of `limit` (default 10) at a time.
			const r = pageNewestFirst(e.taxIds, ctx.query, 'tax_id');
			if ('error' in r) return fail(r);
			return {
				status: 200,
				body: {
					object: 'list',
					data: r.page,
					has_more: r.hasMore,
					url: `/v1/customers/${e.stored.id}/tax_ids`,
				},
			};
		},
	});

	api.route({
		method: 'POST',
		path: '/v1/customers/:id/tax_ids',
		validate: (ctx) =>
			store.find(ctx.accountKey, ctx.pathParams.id)
				? validate(TAX_ID_CREATE, ctx.params)
				: missing(ctx),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(missing(ctx));
			const [type, value] = [String(ctx.params.type), String(ctx.params.value)];
			if (e.taxIds.some((t) => t.type === type && t.value === value)) return fail(TAX_ID_EXISTS);
			const t = makeTaxId(e.stored.id, type, value);
			e.taxIds.push(t);
			events.emit(events.fromRequest(ctx), 'customer.tax_id.created', t);
			return { status: 200, body: t };
		},
	});

	/** @param {Ctx} ctx */
	const missingTaxId = (ctx) => noSuch('tax_id', ctx.pathParams.tax_id);
	/** @param {Ctx} ctx */
	const findTaxId = (ctx) => {
		const e = store.find(ctx.accountKey, ctx.pathParams.id);
		const i = e ? e.taxIds.findIndex((t) => t.id === ctx.pathParams.tax_id) : -1;
		return e && i >= 0 ? { e, i } : null;
	};

	api.route({
		method: 'GET',
		path: '/v1/customers/:id/tax_ids/:tax_id',
		execute(ctx) {
			if (!store.find(ctx.accountKey, ctx.pathParams.id)) return fail(missing(ctx));
			const found = findTaxId(ctx);
			return found ? { status: 200, body: found.e.taxIds[found.i] } : fail(missingTaxId(ctx));
		},
	});

	api.route({
		method: 'DELETE',
		path: '/v1/customers/:id/tax_ids/:tax_id',
		validate: (ctx) =>
			!store.find(ctx.accountKey, ctx.pathParams.id)
				? missing(ctx)
				: findTaxId(ctx)
					? null
					: missingTaxId(ctx),
		execute(ctx) {
			const found = findTaxId(ctx);
			if (!found) return fail(missingTaxId(ctx));
			const [t] = found.e.taxIds.splice(found.i, 1);
			events.emit(events.fromRequest(ctx), 'customer.tax_id.deleted', t);
			return { status: 200, body: { id: t.id, object: 'tax_id', deleted: true } };
		},
	});
}

module.exports = { registerTaxIds, makeTaxId, TAX_ID_EXISTS };
