// @ts-check
'use strict';

/**
 * Customers: `POST /v1/customers`, `GET /v1/customers`, `GET|POST|DELETE /v1/customers/:id`.
 */

const { validate, str, expand, pageLimit } = require('../core/schema');
const { noSuch, invalid, asResult: fail } = require('../core/errors');
const {
	randomAlnum,
	randomHexUpper,
	nowSeconds,
	isHash,
	strOrNull,
	mergeMetadata,
	expandOfData,
	matchCreated,
} = require('../core/util');
const { validateCustomerParams } = require('./customerFields');
const { useCustomerStore, presentCustomer, noSuchCustomer } = require('./customerStore');
const { makeTaxId, TAX_ID_EXISTS } = require('./taxIds');
const { CARD_TOKENS, declinedCard } = require('./testCards');
const {
	paymentMethod,
	attachedId,
	isTestCard,
	ALREADY_ATTACHED,
	DETACHED_BEFORE,
} = require('./paymentMethods');
const { useEvents } = require('./events');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */
/** @typedef {import('../core/double').Result} Result */
/** @typedef {import('../core/schema').Schema} Schema */
/** @typedef {import('../core/formDecode').FormParams} FormParams */
/** @typedef {import('../core/formDecode').FormValue} FormValue */
/** @typedef {import('./customerStore').Entry} Entry */
/** @typedef {import('./customerStore').StoredCustomer} StoredCustomer */
/** @typedef {import('./customerStore').CustomerStore} CustomerStore */

/** `GET /v1/customers` @type {Schema} */
const CUSTOMER_LIST = {
	t: 'hash',
	exclusive: [['ending_before', 'starting_after']],
	fields: {
		created: { t: 'range' },
		email: { t: 'string', max: 512 },
		ending_before: str,
		expand,
		limit: pageLimit,
		starting_after: str,
		test_clock: str,
	},
};

// ---- the customer object ---------------------------------------------------

/** @param {unknown} a */
function buildAddress(a) {
	if (!isHash(a)) return null;
	return {
		city: strOrNull(a.city),
		country: strOrNull(a.country),
		line1: strOrNull(a.line1),
		line2: strOrNull(a.line2),
		postal_code: strOrNull(a.postal_code),
		state: strOrNull(a.state),
	};
}

/** @param {unknown} s */
function buildShipping(s) {
	if (!isHash(s)) return null;
	return { address: buildAddress(s.address), name: strOrNull(s.name), phone: strOrNull(s.phone) };
}

/** @param {unknown} ro @param {Record<string, any> | null} prev */
function buildRenderingOptions(ro, prev) {
	if (!isHash(ro)) return null;
	/** @type {Record<string, string | null>} */
	const out = prev ? { ...prev } : { amount_tax_display: null, template: null };
	if (ro.amount_tax_display !== undefined)
		out.amount_tax_display = strOrNull(ro.amount_tax_display);
	if (ro.template !== undefined) out.template = strOrNull(ro.template);
	return out;
}

/**
 * Merge `invoice_settings` params into the customer's invoice_settings.
 * @param {Record<string, any>} target
 * @param {unknown} p
 */
function mergeInvoiceSettings(target, p) {
	if (!isHash(p)) return;
	if (p.custom_fields !== undefined) {
		target.custom_fields = Array.isArray(p.custom_fields)
			? p.custom_fields.map((f) => ({ name: String(f.name), value: String(f.value) }))
			: null;
	}
	if (p.default_payment_method !== undefined)
		target.default_payment_method = strOrNull(p.default_payment_method);
	if (p.footer !== undefined) target.footer = strOrNull(p.footer);
	if (p.rendering_options !== undefined) {
		target.rendering_options = buildRenderingOptions(p.rendering_options, target.rendering_options);
	}
}

/** @param {FormParams} p */
function buildDiscount(p) {
	if (p.coupon === undefined && p.promotion_code === undefined) return undefined;
	/** @type {Record<string, any>} */
	const d = { coupon: strOrNull(p.coupon) ? { id: p.coupon } : null };
	if (p.promotion_code !== undefined) d.promotion_code = strOrNull(p.promotion_code);
	return d;
}

/** @param {string} id @param {FormParams} p */
function newCustomer(id, p) {
	/** @type {Record<string, any>} */
	const c = {
		id,
		object: 'customer',
		address: buildAddress(p.address),
		balance: typeof p.balance === 'string' && p.balance !== '' ? Number(p.balance) : 0,
		business_name: strOrNull(p.business_name),
		created: nowSeconds(),
		currency: null,
		customer_account: null,
		default_source: null,
		delinquent: false,
		description: strOrNull(p.description),
		discount: null,
		email: strOrNull(p.email),
		individual_name: strOrNull(p.individual_name),
		invoice_prefix: strOrNull(p.invoice_prefix) || randomHexUpper(8),
		invoice_settings: {
			custom_fields: null,
			default_payment_method: null,
			footer: null,
			rendering_options: null,
		},
		livemode: false,
		metadata: mergeMetadata(p.metadata),
		name: strOrNull(p.name),
		next_invoice_sequence:
			typeof p.next_invoice_sequence === 'string' && p.next_invoice_sequence !== ''
				? Number(p.next_invoice_sequence)
				: 1,
		phone: strOrNull(p.phone),
		preferred_locales: Array.isArray(p.preferred_locales) ? p.preferred_locales.map(String) : [],
		shipping: buildShipping(p.shipping),
		tax_exempt: strOrNull(p.tax_exempt) || 'none',
		test_clock: strOrNull(p.test_clock),
	};
	mergeInvoiceSettings(c.invoice_settings, p.invoice_settings);
	const discount = buildDiscount(p);
	if (discount) c.discount = discount;
	return c;
}

/**
 * Apply update params to the customer object.
 * @param {Record<string, any>} c
 * @param {FormParams} p
 * @param {string | null} newSourceId   the source a `source` param attached
 */
function applyUpdate(c, p, newSourceId) {
	for (const k of Object.keys(p)) {
		const v = p[k];
		switch (k) {
			case 'address':
				c.address = buildAddress(v);
				break;
			case 'shipping':
				c.shipping = buildShipping(v);
				break;
			case 'balance':
			case 'next_invoice_sequence':
				if (typeof v === 'string' && v !== '') c[k] = Number(v);
				break;
			case 'business_name':
			case 'individual_name':
			case 'description':
			case 'email':
			case 'name':
			case 'phone':
			case 'invoice_prefix':
			case 'default_source':
				c[k] = strOrNull(v);
				break;
			case 'source':
				c.default_source = newSourceId;
				break;
			case 'invoice_settings':
				mergeInvoiceSettings(c.invoice_settings, v);
				break;
			case 'metadata':
				c.metadata = mergeMetadata(v, v === '' ? {} : { ...c.metadata });
				break;
			case 'preferred_locales':
				c.preferred_locales = Array.isArray(v) ? v.map(String) : [];
				break;
			case 'tax_exempt':
				c.tax_exempt = strOrNull(v) || 'none';
				break;
			default:
				break; // expand, validate, tax, cash_balance, coupon, promotion_code
		}
	}
	const discount = buildDiscount(p);
	if (discount) c.discount = discount;
}

/** A payment method is not a source (parameter validation, as at Stripe). @param {FormParams} p */
function checkSource(p) {
	return typeof p.source === 'string' && p.source.startsWith('pm_')
		? invalid(
				'You cannot use a PaymentMethod as a source for Customers. Instead, use the PaymentMethods API to Attach a ' +
					'Customer to a PaymentMethod. See https://stripe.com/docs/api/payment_methods/attach',
				'source',
			)
		: null;
}

/**
 * An update's invoice default must be a payment method attached to this customer: Stripe answers 400 "The customer
 * does not have a payment method with the ID …" (quoted in getlago/lago-api#3665; the code is the double's choice).
 * Kinder than Stripe: a test payment method (`pm_card_…`) is let through, as Update's Default Source sends it.
 * @param {CustomerStore} store
 * @param {Ctx} ctx
 */
function foreignInvoiceDefault(store, ctx) {
	const settings = /** @type {Record<string, unknown> | undefined} */ (ctx.params.invoice_settings);
	const pm = isHash(settings) ? settings.default_payment_method : undefined;
	if (typeof pm !== 'string' || pm === '' || isTestCard(pm)) return null;
	if (store.ownerOf(ctx.accountKey, pm) === ctx.pathParams.id) return null;
	return invalid(
		`The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
		'invoice_settings[default_payment_method]',
		'resource_missing',
	);
}

/** A tax ID given twice in `tax_id_data`. @param {FormParams} p */
function repeatedTaxId(p) {
	if (!Array.isArray(p.tax_id_data)) return null;
	const seen = new Set();
	for (const t of p.tax_id_data) {
		const datum = /** @type {Record<string, FormValue>} */ (t);
		const k = `${datum.type}\u0000${datum.value}`;
		if (seen.has(k)) return TAX_ID_EXISTS;
		seen.add(k);
	}
	return null;
}

/**
 * The source a `source` param attaches: a token (`tok_…`) becomes a new card `card_…`; a source id (`src_…`)
 * is attached as it is.
 * @param {string} source
 * @param {string} customerId
 */
function attachedSource(source, customerId) {
	if (source.startsWith('src_'))
		return {
			id: source,
			object: 'source',
			customer: customerId,
			livemode: false,
			status: 'chargeable',
			type: 'card',
		};
	const [brand, last4] = CARD_TOKENS[source] || CARD_TOKENS.tok_visa;
	return {
		id: 'card_' + randomAlnum(24),
		object: 'card',
		address_city: null,
		address_country: null,
		address_line1: null,
		address_line2: null,
		address_state: null,
		address_zip: null,
		brand,
		country: 'US',
		customer: customerId,
		cvc_check: 'pass',
		exp_month: 12,
		exp_year: new Date().getFullYear() + 3,
		funding: 'credit',
		last4,
		metadata: {},
		name: null,
		tokenization_method: null,
	};
}

/** @param {Record<string, any>} c  a customer with a discount */
const discountOf = (c) => ({ object: 'discount', ...c.discount, customer: c.id });

/**
 * `previous_attributes` of an update: the earlier value of every changed field; inside hashes, of the changed keys
 * only (a key that did not exist before is null), as in Stripe's `customer.updated` events.
 * @param {Record<string, any>} before
 * @param {Record<string, any>} after
 */
function previousAttributes(before, after) {
	/** @type {Record<string, any>} */
	const prev = {};
	for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
		const a = before[k];
		const b = after[k];
		if (JSON.stringify(a) === JSON.stringify(b)) continue;
		prev[k] = isHash(a) && isHash(b) ? previousAttributes(a, b) : (a ?? null);
	}
	return prev;
}

// ---- list ------------------------------------------------------------------

/** @param {CustomerStore} store @param {Ctx} ctx @returns {Result} */
function listCustomers(store, ctx) {
	const q = ctx.query;
	const limit = q.limit === undefined ? 10 : Number(q.limit);
	/** @type {((c: Record<string, any>) => boolean)[]} */
	const filters = [matchCreated(q.created)];
	if (q.test_clock !== undefined) filters.push((c) => c.test_clock === q.test_clock);
	/** @param {Entry} e */
	const keep = (e) => !e.deleted && filters.every((f) => f(e.stored.customer));

	const acct = ctx.accountKey;
	const byEmailOnly = typeof q.email === 'string';
	const source = byEmailOnly
		? store.withEmail(acct, /** @type {string} */ (q.email))
		: store.ofAccount(acct);
	/** @param {string} id */
	const positionOf = (id) => {
		const e = store.get(acct, id);
		if (!e) return -1;
		return byEmailOnly ? source.indexOf(e) : e.pos;
	};

	/** @type {Entry[]} */
	const data = [];
	let hasMore = false;
	if (typeof q.ending_before === 'string') {
		const pos = positionOf(q.ending_before);
		if (pos < 0) return fail(noSuch('customer', q.ending_before, 'ending_before'));
		// the `limit` entries just newer than the cursor, returned newest first
		for (let i = pos + 1; i < source.length; i++) {
			if (!keep(source[i])) continue;
			if (data.length === limit) {
				hasMore = true;
				break;
			}
			data.push(source[i]);
		}
		data.reverse();
	} else {
		let start = source.length - 1;
		if (typeof q.starting_after === 'string') {
			const pos = positionOf(q.starting_after);
			if (pos < 0) return fail(noSuch('customer', q.starting_after, 'starting_after'));
			start = pos - 1;
		}
		for (let i = start; i >= 0; i--) {
			if (!keep(source[i])) continue;
			if (data.length === limit) {
				hasMore = true;
				break;
			}
			data.push(source[i]);
		}
	}
	const exp = expandOfData(q.expand);
	return {
		status: 200,
		body: {
			object: 'list',
			data: data.map((e) => presentCustomer(e, exp)),
			has_more: hasMore,
			url: '/v1/customers',
		},
	};
}

// ---- registration ----------------------------------------------------------

/** @param {DoubleApi} api */
function registerCustomers(api) {
	const store = useCustomerStore(api);
	const events = useEvents(api);
	const missing = noSuchCustomer;

	api.route({
		method: 'POST',
		path: '/v1/customers',
		faults: true,
		countsAsCreate: true,
		validate: (ctx) =>
			validateCustomerParams(ctx.params, 'create', ctx.apiVersion) || checkSource(ctx.params),
		execute(ctx) {
			const p = ctx.params;
			const pm = strOrNull(p.payment_method);
			const refused =
				declinedCard(p.source) ||
				declinedCard(pm) ||
				repeatedTaxId(p) ||
				(pm && !isTestCard(pm) && store.ownerOf(ctx.accountKey, pm) ? ALREADY_ATTACHED : null) ||
				(pm && store.wasDetached(ctx.accountKey, pm) ? DETACHED_BEFORE : null);
			if (refused) return fail(refused);
			let id;
			do id = 'cus_' + randomAlnum(14);
			while (store.has(id));
			const customer = newCustomer(id, p);
			const source = strOrNull(p.source) ? attachedSource(String(p.source), id) : null;
			if (source) customer.default_source = source.id;
			const attached = pm ? attachedId(pm) : null;
			/** @type {StoredCustomer} */
			const stored = {
				id,
				account: ctx.account,
				params: p,
				customer,
				apiVersion: ctx.apiVersion,
				idempotencyKey: ctx.idempotencyKey,
				paymentMethods: [],
			};
			const e = store.add(ctx.accountKey, stored, (entry) => {
				if (Array.isArray(p.tax_id_data)) {
					for (const t of p.tax_id_data) {
						const datum = /** @type {Record<string, FormValue>} */ (t); // validated: {type, value}
						entry.taxIds.push(makeTaxId(id, String(datum.type), String(datum.value)));
					}
				}
				if (source) entry.sources.push(source);
				if (attached && pm) store.attach(entry, attached, pm);
			});
			const origin = events.fromRequest(ctx);
			events.emit(origin, 'customer.created', customer);
			for (const t of e.taxIds) events.emit(origin, 'customer.tax_id.created', t);
			if (source) events.emit(origin, 'customer.source.created', source);
			if (attached) {
				const pmOrigin = store.originOf(ctx.accountKey, attached);
				events.emit(origin, 'payment_method.attached', paymentMethod(attached, id, pmOrigin));
			}
			if (customer.discount) events.emit(origin, 'customer.discount.created', discountOf(customer));
			return { status: 200, body: presentCustomer(e, p.expand) };
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/customers',
		validate: (ctx) => validate(CUSTOMER_LIST, ctx.query),
		execute: (ctx) => listCustomers(store, ctx),
	});

	api.route({
		method: 'GET',
		path: '/v1/customers/:id',
		execute(ctx) {
			const id = ctx.pathParams.id;
			const e = store.get(ctx.accountKey, id);
			if (!e) return fail(missing(ctx));
			return {
				status: 200,
				body: e.deleted
					? { id, object: 'customer', deleted: true }
					: presentCustomer(e, ctx.query.expand),
			};
		},
	});

	api.route({
		method: 'POST',
		path: '/v1/customers/:id',
		faults: true,
		validate: (ctx) =>
			store.find(ctx.accountKey, ctx.pathParams.id)
				? validateCustomerParams(ctx.params, 'update', ctx.apiVersion) ||
					checkSource(ctx.params) ||
					foreignInvoiceDefault(store, ctx)
				: missing(ctx),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(missing(ctx));
			const p = ctx.params;
			const declined = declinedCard(p.source);
			if (declined) return fail(declined);
			const c = e.stored.customer;
			const before = structuredClone(c);
			const source = strOrNull(p.source) ? attachedSource(String(p.source), c.id) : null;
			if (source) e.sources.push(source);
			store.change(e, () => applyUpdate(c, p, source ? source.id : null));
			const origin = events.fromRequest(ctx);
			if (source) events.emit(origin, 'customer.source.created', source);
			if (before.discount === null && c.discount)
				events.emit(origin, 'customer.discount.created', discountOf(c));
			else if (
				before.discount &&
				c.discount &&
				JSON.stringify(before.discount) !== JSON.stringify(c.discount)
			) {
				events.emit(origin, 'customer.discount.updated', discountOf(c));
			}
			const prev = previousAttributes(before, c);
			if (Object.keys(prev).length > 0) events.emit(origin, 'customer.updated', c, prev);
			return { status: 200, body: presentCustomer(e, p.expand) };
		},
	});

	api.route({
		method: 'DELETE',
		path: '/v1/customers/:id',
		faults: true,
		validate: (ctx) => (store.find(ctx.accountKey, ctx.pathParams.id) ? null : missing(ctx)),
		execute(ctx) {
			const e = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!e) return fail(missing(ctx));
			store.remove(e);
			events.emit(events.fromRequest(ctx), 'customer.deleted', e.stored.customer);
			return { status: 200, body: { id: e.stored.id, object: 'customer', deleted: true } };
		},
	});
}

module.exports = { registerCustomers };
