// @ts-check
'use strict';

/**
 * Customer search: `GET /v1/customers/search` (the query language is in searchQuery.js). Eventually
 * consistent: it sees writes `searchLagMs` late (see customerStore.js).
 */

const crypto = require('node:crypto');
const { validate, str, expand, pageLimit } = require('../core/schema');
const { invalid, asResult: fail } = require('../core/errors');
const { expandOfData } = require('../core/util');
const { parseQuery, matches } = require('./searchQuery');
const { useCustomerStore, presentCustomer } = require('./customerStore');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */

/** `GET /v1/customers/search` @type {import('../core/schema').Schema} */
const CUSTOMER_SEARCH = {
	t: 'hash',
	required: ['query'],
	fields: {
		expand,
		limit: pageLimit,
		page: str,
		query: { t: 'string', max: 5000, notEmpty: true },
	},
};

/** A page token names its query, so that it is refused with another one. @param {string} query */
const queryTag = (query) =>
	crypto.createHash('sha256').update(query).digest('base64url').slice(0, 10);

/** @param {DoubleApi} api */
function registerCustomerSearch(api) {
	const store = useCustomerStore(api);

	api.route({
		method: 'GET',
		path: '/v1/customers/search',
		validate: (ctx) => validate(CUSTOMER_SEARCH, ctx.query),
		execute(ctx) {
			const q = ctx.query;
			const query = /** @type {string} */ (q.query);
			const parsed = parseQuery(query);
			if ('status' in parsed) return fail(parsed);
			const limit = q.limit === undefined ? 10 : Number(q.limit);
			let offset = 0;
			if (typeof q.page === 'string' && q.page !== '') {
				const m = /^page_([A-Za-z0-9_-]{10})(\d+)$/.exec(q.page);
				if (!m || m[1] !== queryTag(query)) {
					return fail(
						invalid(
							`Invalid page: '${q.page}' is not a next_page value returned for this query.`,
							'page',
						),
					);
				}
				offset = Number(m[2]);
			}
			/** @type {unknown[]} */
			const hits = [];
			const list = store.ofAccount(ctx.accountKey);
			const exp = expandOfData(q.expand);
			for (let i = list.length - 1; i >= 0; i--) {
				const seen = store.searchView(list[i]);
				if (seen && matches(parsed, seen)) hits.push(presentCustomer(list[i], exp, seen));
			}
			const data = hits.slice(offset, offset + limit);
			const hasMore = offset + limit < hits.length;
			/** @type {Record<string, unknown>} */
			const body = {
				object: 'search_result',
				url: '/v1/customers/search',
				data,
				has_more: hasMore,
				next_page: hasMore ? `page_${queryTag(query)}${offset + limit}` : null,
			};
			if (Array.isArray(q.expand) && q.expand.includes('total_count'))
				body.total_count = hits.length;
			return { status: 200, body };
		},
	});
}

module.exports = { registerCustomerSearch };
