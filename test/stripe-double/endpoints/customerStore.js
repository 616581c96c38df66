// @ts-check
'use strict';

/**
 * The customers of every account, shared by the customer endpoints (customers, search, tax IDs, payment
 * methods): lookup by id, per-account creation order, an exact email index for list, and what search sees
 * while `searchLagMs` hides recent writes from it.
 */

const { checkNonNegative } = require('../core/util');
const { noSuch } = require('../core/errors');

/** @typedef {import('../core/formDecode').FormParams} FormParams */

/** What search lags writes by unless told otherwise: Stripe's search is eventually consistent (docs "Search"). */
const DEFAULT_SEARCH_LAG_MS = 1000;

/**
 * @typedef {object} StoredCustomer
 * @property {string} id
 * @property {string | null} account
 * @property {FormParams} params
 * @property {Record<string, any>} customer
 * @property {string | null} apiVersion
 * @property {string | null} idempotencyKey
 * @property {string[]} paymentMethods
 * @property {true} [deleted]
 */

/**
 * @typedef {object} Entry     internal bookkeeping per customer
 * @property {StoredCustomer} stored
 * @property {number} seq      global creation order
 * @property {number} pos      index in its account's list
 * @property {string} acct     the account it belongs to
 * @property {Record<string, any>[]} taxIds
 * @property {Record<string, any>[]} sources   cards (from tok_…) and sources attached with `source`
 * @property {boolean} deleted
 * @property {{ visibleAt: number, customer: Record<string, any> | null }[] | null} searchVersions
 *   what search sees while searchLagMs hides recent writes (null: search sees the live customer)
 */

/** @param {string} acct @param {string} email */
const emailKey = (acct, email) => acct + '\u0000' + email;

class CustomerStore {
	/** @param {number} searchLagMs */
	constructor(searchLagMs) {
		/** @type {StoredCustomer[]} in creation order, deleted ones included; cleared in place by reset() */
		this.customers = [];
		/** @type {Map<string, Entry>} */
		this.byId = new Map();
		/** @type {Map<string, Entry[]>} */
		this.byAccount = new Map();
		/** @type {Map<string, Entry[]>} */
		this.byEmail = new Map();
		/** account + payment method id → the customer it is attached to @type {Map<string, string>} */
		this.attachedTo = new Map();
		/**
		 * account + payment method id → what it was made from (a test payment method such as `pm_card_mastercard`, or
		 * itself) and when it was first attached
		 * @type {Map<string, { madeFrom: string, created: number }>}
		 */
		this.paymentMethodOrigin = new Map();
		/** account + payment method id of every payment method detached (Stripe never attaches them again) @type {Set<string>} */
		this.detached = new Set();
		this.searchLagMs = checkNonNegative(searchLagMs, 'searchLagMs');
		this.seq = 0;
		this.deletedCount = 0;
	}

	reset() {
		this.customers.length = 0;
		this.byId.clear();
		this.byAccount.clear();
		this.byEmail.clear();
		this.attachedTo.clear();
		this.paymentMethodOrigin.clear();
		this.detached.clear();
		this.deletedCount = 0;
	}

	/** @param {string} id */
	has(id) {
		return this.byId.has(id);
	}

	/** Any customer of the account, deleted or not. @param {string} acct @param {string} id */
	get(acct, id) {
		const e = this.byId.get(id);
		return e && e.acct === acct ? e : null;
	}

	/** A live (not deleted) customer of the account, or null. @param {string} acct @param {string} id */
	find(acct, id) {
		const e = this.get(acct, id);
		return e && !e.deleted ? e : null;
	}

	/**
	 * @param {string} acct
	 * @param {StoredCustomer} stored
	 * @param {(e: Entry) => void} [fill]   runs before the customer becomes visible (tax IDs, payment methods)
	 */
	add(acct, stored, fill) {
		let list = this.byAccount.get(acct);
		if (!list) this.byAccount.set(acct, (list = []));
		/** @type {Entry} */
		const e = {
			stored,
			seq: this.seq++,
			pos: list.length,
			acct,
			taxIds: [],
			sources: [],
			deleted: false,
			searchVersions: null,
		};
		if (fill) fill(e);
		this.beforeSearchChange(e, true);
		list.push(e);
		this.byId.set(stored.id, e);
		this.customers.push(stored);
		this.indexEmail(e);
		this.afterSearchChange(e);
		return e;
	}

	/**
	 * Change a customer: `change` mutates `e.stored.customer`; the email index and search follow.
	 * @param {Entry} e
	 * @param {() => void} change
	 */
	change(e, change) {
		this.beforeSearchChange(e, false);
		const before = e.stored.customer.email;
		change();
		if (e.stored.customer.email !== before) {
			this.unindexEmail(e, before);
			this.indexEmail(e);
		}
		this.afterSearchChange(e);
	}

	/** @param {Entry} e */
	remove(e) {
		this.beforeSearchChange(e, false);
		this.unindexEmail(e, e.stored.customer.email);
		e.deleted = true;
		e.stored.deleted = true;
		this.deletedCount++;
		this.afterSearchChange(e);
	}

	/**
	 * @param {Entry} e
	 * @param {string} pm
	 * @param {string} [madeFrom]  the test payment method it was made from (`pm_card_visa`…), else `pm` itself
	 */
	attach(e, pm, madeFrom = pm) {
		const k = e.acct + '\u0000' + pm;
		this.attachedTo.set(k, e.stored.id);
		if (!this.paymentMethodOrigin.has(k))
			this.paymentMethodOrigin.set(k, { madeFrom, created: Math.floor(Date.now() / 1000) });
		if (!e.stored.paymentMethods.includes(pm)) e.stored.paymentMethods.push(pm);
	}

	/** Detach a payment method from its customer, for good. @param {string} acct @param {string} pm */
	detach(acct, pm) {
		const k = acct + '\u0000' + pm;
		const owner = this.get(acct, this.attachedTo.get(k) ?? '');
		const held = owner ? owner.stored.paymentMethods : [];
		if (held.includes(pm)) held.splice(held.indexOf(pm), 1);
		this.attachedTo.delete(k);
		this.detached.add(k);
	}

	/** The customer id a payment method is attached to, or undefined. @param {string} acct @param {string} pm */
	ownerOf(acct, pm) {
		return this.attachedTo.get(acct + '\u0000' + pm);
	}

	/** Whether a payment method was detached from a customer. @param {string} acct @param {string} pm */
	wasDetached(acct, pm) {
		return this.detached.has(acct + '\u0000' + pm);
	}

	/** What a payment method was made from and when, once attached. @param {string} acct @param {string} pm */
	originOf(acct, pm) {
		return this.paymentMethodOrigin.get(acct + '\u0000' + pm);
	}

	/** Every customer of the account in creation order (deleted ones included). @param {string} acct */
	ofAccount(acct) {
		return this.byAccount.get(acct) || [];
	}

	/** Customers of the account with exactly this email, in creation order. @param {string} acct @param {string} email */
	withEmail(acct, email) {
		return this.byEmail.get(emailKey(acct, email)) || [];
	}

	// ---- email index ---------------------------------------------------------

	/** @param {Entry} e */
	indexEmail(e) {
		const email = e.stored.customer.email;
		if (typeof email !== 'string' || e.deleted) return;
		const k = emailKey(e.acct, email);
		let list = this.byEmail.get(k);
		if (!list) this.byEmail.set(k, (list = []));
		// keep creation order (binary search; appends are the common case)
		if (list.length === 0 || list[list.length - 1].seq < e.seq) {
			list.push(e);
			return;
		}
		let lo = 0;
		let hi = list.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (list[mid].seq < e.seq) lo = mid + 1;
			else hi = mid;
		}
		list.splice(lo, 0, e);
	}

	/** @param {Entry} e @param {unknown} email  the email it was indexed under */
	unindexEmail(e, email) {
		if (typeof email !== 'string') return;
		const k = emailKey(e.acct, email);
		const list = this.byEmail.get(k);
		if (!list) return;
		const i = list.indexOf(e);
		if (i >= 0) list.splice(i, 1);
		if (list.length === 0) this.byEmail.delete(k);
	}

	// ---- search (eventually consistent when searchLagMs > 0) ------------------

	/** @param {number} ms  a shorter lag applies to writes already waiting, too (0: search catches up now) */
	setSearchLag(ms) {
		this.searchLagMs = checkNonNegative(ms, 'searchLagMs');
		const latest = performance.now() + this.searchLagMs;
		for (const e of this.byId.values()) {
			for (const v of e.searchVersions || []) v.visibleAt = Math.min(v.visibleAt, latest);
		}
	}

	/**
	 * Call before a write: remembers what search saw, so that it keeps seeing it for searchLagMs.
	 * @param {Entry} e
	 * @param {boolean} isNew
	 */
	beforeSearchChange(e, isNew) {
		if (this.searchLagMs <= 0) {
			e.searchVersions = null;
			return;
		}
		if (!e.searchVersions) {
			e.searchVersions = [
				{
					visibleAt: -Infinity,
					customer: isNew || e.deleted ? null : structuredClone(e.stored.customer),
				},
			];
		}
	}

	/** Call after a write. @param {Entry} e */
	afterSearchChange(e) {
		if (!e.searchVersions) return;
		e.searchVersions.push({
			visibleAt: performance.now() + this.searchLagMs,
			customer: e.deleted ? null : structuredClone(e.stored.customer),
		});
	}

	/** What search sees of a customer now (null: nothing). @param {Entry} e */
	searchView(e) {
		const versions = e.searchVersions;
		if (versions) {
			const now = performance.now();
			let i = versions.length - 1;
			while (i > 0 && versions[i].visibleAt > now) i--;
			if (i < versions.length - 1) {
				if (i > 0) versions.splice(0, i);
				return versions[0].customer;
			}
			e.searchVersions = null;
		}
		return e.deleted ? null : e.stored.customer;
	}
}

/**
 * The customer object as returned, with `tax_ids` when the request expands it.
 * @param {Entry} e
 * @param {unknown} expand
 * @param {Record<string, any>} [customer]  what to present (search presents its lagging view)
 */
function presentCustomer(e, expand, customer = e.stored.customer) {
	if (Array.isArray(expand) && expand.includes('tax_ids')) {
		return {
			...customer,
			tax_ids: {
				object: 'list',
				data: e.taxIds,
				has_more: false,
				url: `/v1/customers/${customer.id}/tax_ids`,
			},
		};
	}
	return customer;
}

/**
 * The store of this double (made on first use), with what it brings to the double: `customers`,
 * `setSearchLag()`, the `searchLagMs` setting, the customers part of /_double/state, `created`/`deleted` stats.
 * @param {import('../core/double').DoubleApi} api
 * @returns {CustomerStore}
 */
function useCustomerStore(api) {
	return api.shared('customerStore', () => {
		const initialLag = checkNonNegative(
			api.options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS,
			'searchLagMs',
		);
		const store = new CustomerStore(initialLag);
		api.setting('searchLagMs', {
			get: () => store.searchLagMs,
			set: (v) => store.setSearchLag(/** @type {number} */ (v)),
			reset: () => (store.searchLagMs = initialLag),
		});
		api.onReset(() => store.reset());
		api.state('customers', () => store.customers);
		api.stats(() => ({ created: store.customers.length, deleted: store.deletedCount }));
		api.expose({
			customers: store.customers,
			/** @param {number} ms */
			setSearchLag: (ms) => store.setSearchLag(ms),
		});
		return store;
	});
}

/** The 404 for the customer in the request's path. @param {import('../core/double').Ctx} ctx */
const noSuchCustomer = (ctx) => noSuch('customer', ctx.pathParams.id);

module.exports = {
	CustomerStore,
	useCustomerStore,
	presentCustomer,
	noSuchCustomer,
	DEFAULT_SEARCH_LAG_MS,
};
