// @ts-check
'use strict';

/**
 * A customer's balance transactions: `POST|GET /v1/customers/:id/balance_transactions`,
 * `GET /v1/customers/:id/balance_transactions/:transaction`.
 *
 * As the API reference describes `currency`: it "specifies the invoice_credit_balance that this transaction will
 * apply to. If the customer's currency is not set, it will be updated to this value." So a transaction in the
 * customer's currency (or the first one of a customer without a currency) moves the customer's `balance`; one in
 * another currency moves the customer's balance in that currency only. `ending_balance` is the balance the
 * transaction moved, after it.
 */

const { validate, str, expand, pageLimit, metadata } = require('../core/schema');
const { noSuch, asResult: fail } = require('../core/errors');
const { pageNewestFirst } = require('../core/paging');
const { randomAlnum, nowSeconds, strOrNull, mergeMetadata, matchCreated } = require('../core/util');
const { supportedCurrency } = require('./currencies');
const { useCustomerStore, noSuchCustomer } = require('./customerStore');
const { useEvents } = require('./events');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */
/** @typedef {import('./customerStore').Entry} Entry */

/** `POST /v1/customers/:id/balance_transactions` @type {import('../core/schema').Schema} */
const BALANCE_TRANSACTION_CREATE = {
	t: 'hash',
	required: ['amount', 'currency'],
	fields: {
		amount: { t: 'int' },
		currency: { t: 'string', notEmpty: true },
		description: str,
		expand,
		metadata,
	},
};

/** `GET /v1/customers/:id/balance_transactions` @type {import('../core/schema').Schema} */
const BALANCE_TRANSACTION_LIST = {
	t: 'hash',
	exclusive: [['ending_before', 'starting_after']],
	fields: {
		created: { t: 'range' },
		ending_before: str,
		expand,
		invoice: str,
		limit: pageLimit,
		starting_after: str,
	},
};

/**
 * What a customer's balances hold beside the customer object: its transactions, oldest first, and its balances in
 * currencies other than its own (its own is the customer's `balance`).
 * @typedef {object} Ledger
 * @property {Record<string, any>[]} transactions
 * @property {Map<string, number>} otherCurrencies
 */

/** @param {DoubleApi} api */
function registerCustomerBalanceTransactions(api) {
	const store = useCustomerStore(api);
	const events = useEvents(api);
	/** customer ID → its ledger @type {Map<string, Ledger>} */
	const ledgers = new Map();
	/** Every transaction, in creation order. @type {Record<string, any>[]} */
	const all = [];
	api.onReset(() => {
		ledgers.clear();
		all.length = 0;
	});
	api.expose({ balanceTransactions: all });

	/** @param {Entry} e @returns {Ledger} */
	const ledgerOf = (e) => {
		let ledger = ledgers.get(e.stored.id);
		if (!ledger)
			ledgers.set(e.stored.id, (ledger = { transactions: [], otherCurrencies: new Map() }));
		return ledger;
	};

	/** @param {Ctx} ctx */
	const check = (ctx) => {
		if (!store.find(ctx.accountKey, ctx.pathParams.id)) return noSuchCustomer(ctx);
		const e = validate(BALANCE_TRANSACTION_CREATE, ctx.params);
		if (e) return e;
		const currency = supportedCurrency(String(ctx.params.currency), 'currency');
		return 'currency' in currency ? null : currency;
	};

	api.route({
		method: 'POST',
		path: '/v1/customers/:id/balance_transactions',
		validate: check,
		execute(ctx) {
			// Looked up again: the customer may have been deleted during the latency.
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(noSuchCustomer(ctx));
			const p = ctx.params;
			const amount = Number(p.amount);
			const { currency } = /** @type {{ currency: string }} */ (
				supportedCurrency(String(p.currency), 'currency')
			);
			const ledger = ledgerOf(e);
			const c = e.stored.customer;
			const before = { balance: c.balance, currency: c.currency };
			let endingBalance = 0;
			store.change(e, () => {
				if (c.currency === null) c.currency = currency;
				if (c.currency === currency) {
					c.balance += amount;
					endingBalance = c.balance;
				} else {
					endingBalance = (ledger.otherCurrencies.get(currency) ?? 0) + amount;
					ledger.otherCurrencies.set(currency, endingBalance);
				}
			});
			const transaction = {
				id: 'cbtxn_' + randomAlnum(24),
				object: 'customer_balance_transaction',
				amount,
				checkout_session: null,
				created: nowSeconds(),
				credit_note: null,
				currency,
				customer: c.id,
				customer_account: null,
				description: strOrNull(p.description),
				ending_balance: endingBalance,
				invoice: null,
				livemode: false,
				metadata: mergeMetadata(p.metadata),
				type: 'adjustment',
			};
			ledger.transactions.push(transaction);
			all.push(transaction);
			/** @type {Record<string, unknown>} */
			const previous = {};
			if (before.balance !== c.balance) previous.balance = before.balance;
			if (before.currency !== c.currency) previous.currency = before.currency;
			if (Object.keys(previous).length)
				events.emit(events.fromRequest(ctx), 'customer.updated', c, previous);
			return { status: 200, body: transaction };
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/customers/:id/balance_transactions',
		validate: (ctx) =>
			store.find(ctx.accountKey, ctx.pathParams.id)
				? validate(BALANCE_TRANSACTION_LIST, ctx.query)
				: noSuchCustomer(ctx),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(noSuchCustomer(ctx));
			const q = ctx.query;
			const created = matchCreated(q.created);
			const newestFirst = [...ledgerOf(e).transactions].reverse();
			const found = pageNewestFirst(
				newestFirst,
				q,
				'customer balance transaction',
				(t) => created(t) && (q.invoice === undefined || t.invoice === q.invoice),
			);
			if ('status' in found) return fail(found);
			return {
				status: 200,
				body: {
					object: 'list',
					data: found.page,
					has_more: found.hasMore,
					url: `/v1/customers/${e.stored.id}/balance_transactions`,
				},
			};
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/customers/:id/balance_transactions/:transaction',
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(noSuchCustomer(ctx));
			const id = ctx.pathParams.transaction;
			const transaction = ledgerOf(e).transactions.find((t) => t.id === id);
			return transaction
				? { status: 200, body: transaction }
				: fail(noSuch('customer balance transaction', id));
		},
	});
}

module.exports = { registerCustomerBalanceTransactions };
