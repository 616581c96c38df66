// @ts-check
'use strict';

/**
 * A Stripe API test double: a real HTTP(S) server on 127.0.0.1 that the official
 * `stripe` SDK and n8n's HTTP helpers can talk to. See README.md next to this file.
 */

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const { decodeForm } = require('./formDecode');
const {
  TAX_ID_TYPES,
  CREATE_PARAMS,
  UPDATE_PARAMS,
  LEGACY_PARAMS,
  CUSTOMER_LIST,
  CUSTOMER_SEARCH,
  TAX_ID_CREATE,
  PAYMENT_METHOD_ATTACH,
  isLegacyCouponVersion,
  validate,
  validateCustomerParams,
  apiError,
  invalid,
  noSuch,
  unrecognizedUrl,
  faultError,
  invalidApiKey,
  NO_API_KEY,
  PUBLISHABLE_KEY,
  RATE_LIMITED,
} = require('./validate');
const { FaultInjector, TokenBucket } = require('./faults');
const { parseQuery, matches } = require('./search');
const { createSelfSignedCertificate } = require('./tlsCert');

/** @typedef {import('./formDecode').FormValue} FormValue */
/** @typedef {import('./formDecode').FormParams} FormParams */
/** @typedef {import('./validate').ApiError} ApiError */
/** @typedef {import('./faults').FaultOptions} FaultOptions */
/** @typedef {import('./faults').FailHow} FailHow */
/** @typedef {import('./faults').FaultDecision} FaultDecision */

const DEFAULT_API_VERSION = '2026-10-28.endive';
const DEFAULT_SECRET_KEYS = Object.freeze(['sk_test_double_123']);
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @typedef {object} StartOptions
 * @property {number} [port]
 * @property {string[]} [secretKeys]
 * @property {number} [latencyMs]
 * @property {number} [rateLimitPerSecond]
 * @property {number} [retryAfterSeconds]
 * @property {number} [searchLagMs]
 * @property {boolean} [https]
 * @property {FaultOptions} [faults]
 * @property {number} [seed]
 */

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
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {FormParams} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {FormParams} params
 * @property {string} rawBody
 * @property {string | null} contentType
 * @property {number} connectionId
 * @property {number} status         0 while pending, or when the connection was dropped
 * @property {string | null} idempotencyKey
 * @property {string | null} apiVersion
 * @property {string | null} account
 * @property {boolean} replayed
 * @property {number} at
 * @property {string} requestId
 * @property {'before' | 'after-create'} [dropped]
 * @property {string} [fault]
 */

/** @typedef {{ second: number, requests: number, createRequests: number, status429: number }} SecondCounters */

/**
 * @typedef {object} Stats
 * @property {number} created
 * @property {number} deleted
 * @property {Record<number, number>} status
 * @property {number} replays
 * @property {number} dropped
 * @property {number} createRequests
 * @property {number} connections
 * @property {number} tlsHandshakes
 * @property {number} tlsResumed
 * @property {SecondCounters[]} perSecond
 */

/**
 * @typedef {object} Entry     internal bookkeeping per customer
 * @property {StoredCustomer} stored
 * @property {number} seq      global creation order
 * @property {number} pos      index in its account's list
 * @property {string} acct     account key ('' = platform)
 * @property {Record<string, any>[]} taxIds
 * @property {boolean} deleted
 * @property {{ visibleAt: number, customer: Record<string, any> | null }[] | null} searchVersions
 *   what search sees while searchLagMs hides recent writes (null: search sees the live customer)
 */

/**
 * @typedef {object} IdemEntry
 * @property {boolean} inFlight
 * @property {string} fingerprint
 * @property {number} [status]
 * @property {string} [body]
 * @property {string} [requestId]
 */

// ---------------------------------------------------------------------------
// small helpers

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let pool = crypto.randomBytes(4096);
let poolPos = 0;
/** @param {number} n @param {string} alphabet */
function randomString(n, alphabet) {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (poolPos >= pool.length) {
      pool = crypto.randomBytes(4096);
      poolPos = 0;
    }
    s += alphabet[pool[poolPos++] % alphabet.length];
  }
  return s;
}
/** @param {number} n */
const randomAlnum = (n) => randomString(n, ALNUM);
/** @param {number} n */
const randomHexUpper = (n) => randomString(n, '0123456789ABCDEF');

/**
 * JSON with object keys sorted, for idempotency fingerprints.
 * @param {unknown} v
 * @returns {string}
 */
function stableStringify(v) {
  if (Array.isArray(v)) return '[' + v.map(stableStringify).join(',') + ']';
  if (v && typeof v === 'object') {
    const o = /** @type {Record<string, unknown>} */ (v);
    return (
      '{' +
      Object.keys(o)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + stableStringify(o[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v);
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isHash(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** '' (unset) and undefined become null. @param {unknown} v */
function strOrNull(v) {
  return typeof v === 'string' && v !== '' ? v : null;
}

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

/** @param {unknown} m @param {Record<string, string>} [into] */
function mergeMetadata(m, into = {}) {
  if (m === '') return {};
  if (isHash(m)) {
    for (const k of Object.keys(m)) {
      if (m[k] === '') delete into[k];
      else into[k] = m[k];
    }
  }
  return into;
}

/** @param {unknown} ro @param {Record<string, any> | null} prev */
function buildRenderingOptions(ro, prev) {
  if (!isHash(ro)) return null;
  /** @type {Record<string, string | null>} */
  const out = prev ? { ...prev } : { amount_tax_display: null, template: null };
  if (ro.amount_tax_display !== undefined) out.amount_tax_display = strOrNull(ro.amount_tax_display);
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
  if (p.default_payment_method !== undefined) target.default_payment_method = strOrNull(p.default_payment_method);
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

/** @param {FormValue | undefined} expand  `data.x` entries of a list/search request, as `x` */
function expandOfData(expand) {
  return Array.isArray(expand)
    ? expand.filter((x) => typeof x === 'string' && x.startsWith('data.')).map((x) => String(x).slice(5))
    : undefined;
}

/** Stripe-Should-Retry as Stripe sends it. @param {number} status */
function shouldRetry(status) {
  if (status >= 500 || status === 409) return 'true';
  if (status === 400 || status === 402 || status === 404) return 'false';
  return undefined;
}

/** @param {unknown} v @param {string} name */
function checkNonNegative(v, name) {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`${name} must be a number >= 0`);
  return v;
}

// ---------------------------------------------------------------------------
// the double

/**
 * Start a Stripe double listening on 127.0.0.1.
 * @param {StartOptions} [options]
 */
async function startStripeDouble(options = {}) {
  const secretKeys = new Set(options.secretKeys && options.secretKeys.length ? options.secretKeys : DEFAULT_SECRET_KEYS);
  const initial = {
    latencyMs: checkNonNegative(options.latencyMs ?? 0, 'latencyMs'),
    rateLimitPerSecond: options.rateLimitPerSecond,
    retryAfterSeconds: options.retryAfterSeconds,
    searchLagMs: checkNonNegative(options.searchLagMs ?? 0, 'searchLagMs'),
  };
  let latencyMs = initial.latencyMs;
  let searchLagMs = initial.searchLagMs;
  /** @type {number | undefined} */
  let retryAfterSeconds;
  /** @type {TokenBucket | null} */
  let bucket = null;
  /** @param {number | undefined | null} r */
  const applyRate = (r) => {
    if (r === undefined || r === null) {
      bucket = null;
      return;
    }
    if (typeof r !== 'number' || !(r > 0)) throw new TypeError('rateLimitPerSecond must be a number > 0 (or undefined)');
    bucket = new TokenBucket(r);
  };
  /** @param {number | undefined | null} s */
  const applyRetryAfter = (s) => {
    retryAfterSeconds = s === undefined || s === null ? undefined : Math.round(checkNonNegative(s, 'retryAfterSeconds'));
  };
  applyRate(initial.rateLimitPerSecond);
  applyRetryAfter(initial.retryAfterSeconds);

  const faults = new FaultInjector(options.seed, options.faults);

  /** @type {StoredCustomer[]} */
  const customers = [];
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {Map<string, Entry>} */
  const byId = new Map();
  /** @type {Map<string, Entry[]>} */
  const byAccount = new Map();
  /** @type {Map<string, Entry[]>} */
  const byEmail = new Map();
  /** @type {Map<string, IdemEntry>} */
  const idem = new Map();
  /** account + payment method id → the customer it is attached to */
  /** @type {Map<string, string>} */
  const attachedTo = new Map();
  /** @type {Record<number, number>} */
  let statusCounts = {};
  let replays = 0;
  let dropped = 0;
  let deleted = 0;
  let createRequests = 0;
  let connections = 0;
  let tlsHandshakes = 0;
  let tlsResumed = 0;
  /** @type {SecondCounters[]} */
  let perSecond = [];
  let resetAt = performance.now();
  let seq = 0;
  let generation = 0;
  let closed = false;
  /** @type {WeakMap<object, number>} */
  const connectionIds = new WeakMap();
  let lastConnectionId = 0;

  /** @param {number} second */
  function countersFor(second) {
    while (perSecond.length <= second) perSecond.push({ second: perSecond.length, requests: 0, createRequests: 0, status429: 0 });
    return perSecond[second];
  }

  /** @type {Set<{ timer: NodeJS.Timeout, resolve: () => void }>} */
  const sleepers = new Set();
  /** @param {number} ms @returns {Promise<void>} */
  function sleep(ms) {
    if (ms <= 0 || closed) return Promise.resolve();
    return new Promise((resolve) => {
      const s = {
        timer: setTimeout(() => {
          sleepers.delete(s);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(s);
    });
  }

  // ---- email index (list by email) ----------------------------------------
  /** @param {string} acct @param {string} email */
  const emailKey = (acct, email) => acct + '\u0000' + email;
  /** @param {Entry} e */
  function indexEmail(e) {
    const email = e.stored.customer.email;
    if (typeof email !== 'string') return;
    const k = emailKey(e.acct, email);
    let list = byEmail.get(k);
    if (!list) byEmail.set(k, (list = []));
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
  /** @param {Entry} e */
  function unindexEmail(e) {
    const email = e.stored.customer.email;
    if (typeof email !== 'string') return;
    const k = emailKey(e.acct, email);
    const list = byEmail.get(k);
    if (!list) return;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) byEmail.delete(k);
  }

  // ---- search index (eventually consistent when searchLagMs > 0) -----------

  /**
   * Call before a write: remembers what search saw, so that it keeps seeing it for searchLagMs.
   * @param {Entry} e
   * @param {boolean} isNew
   */
  function beforeSearchChange(e, isNew) {
    if (searchLagMs <= 0) {
      e.searchVersions = null;
      return;
    }
    if (!e.searchVersions) {
      e.searchVersions = [{ visibleAt: -Infinity, customer: isNew || e.deleted ? null : structuredClone(e.stored.customer) }];
    }
  }
  /** Call after a write. @param {Entry} e */
  function afterSearchChange(e) {
    if (!e.searchVersions) return;
    e.searchVersions.push({
      visibleAt: performance.now() + searchLagMs,
      customer: e.deleted ? null : structuredClone(e.stored.customer),
    });
  }
  /** What search sees of a customer now (null: nothing). @param {Entry} e */
  function searchView(e) {
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

  // ---- responses ---------------------------------------------------------

  /**
   * @typedef {object} Ctx
   * @property {http.IncomingMessage} req
   * @property {http.ServerResponse} res
   * @property {string} method
   * @property {string} path
   * @property {FormParams} query
   * @property {FormParams} params
   * @property {string | null} apiVersion
   * @property {string | null} account
   * @property {string | null} idempotencyKey
   * @property {string} requestId
   * @property {RecordedRequest} record
   * @property {SecondCounters} counters
   * @property {boolean} delayed
   * @property {string} apiKey
   */

  /** @param {Ctx} ctx */
  async function delay(ctx) {
    if (ctx.delayed) return;
    ctx.delayed = true;
    await sleep(latencyMs);
  }

  /**
   * @param {Ctx} ctx
   * @param {number} status
   * @param {unknown} body   object or pre-serialised JSON string
   * @param {Record<string, string>} [extra]
   */
  async function send(ctx, status, body, extra) {
    await delay(ctx);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    ctx.record.status = status;
    statusCounts[status] = (statusCounts[status] || 0) + 1;
    if (status === 429) ctx.counters.status429++;
    const res = ctx.res;
    if (res.destroyed || res.writableEnded) return;
    /** @type {Record<string, string | number>} */
    const headers = {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'Request-Id': ctx.requestId,
      'Stripe-Version': ctx.apiVersion || DEFAULT_API_VERSION,
      'Cache-Control': 'no-cache, no-store',
    };
    if (ctx.idempotencyKey && ctx.method === 'POST') headers['Idempotency-Key'] = ctx.idempotencyKey;
    if (ctx.account) headers['Stripe-Account'] = ctx.account;
    const retry = shouldRetry(status);
    if (retry) headers['Stripe-Should-Retry'] = retry;
    if (status === 429 && retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
    if (extra) Object.assign(headers, extra);
    res.writeHead(status, headers);
    res.end(text);
  }

  /** @param {Ctx} ctx @param {ApiError} e */
  function sendError(ctx, e) {
    return send(ctx, e.status, { error: e.error });
  }

  /** @param {Ctx} ctx @param {'before' | 'after-create'} when */
  async function drop(ctx, when) {
    await delay(ctx);
    ctx.record.status = 0;
    ctx.record.dropped = when;
    dropped++;
    ctx.req.socket.destroy();
  }

  // ---- customers ---------------------------------------------------------

  /** @param {Entry} e @param {FormValue | undefined} expand */
  function present(e, expand, customer = e.stored.customer) {
    if (Array.isArray(expand) && expand.includes('tax_ids')) {
      return {
        ...customer,
        tax_ids: { object: 'list', data: e.taxIds, has_more: false, url: `/v1/customers/${customer.id}/tax_ids` },
      };
    }
    return customer;
  }

  /** @param {string} customerId @param {string} type @param {string} value */
  function makeTaxId(customerId, type, value) {
    return {
      id: 'txi_' + randomAlnum(24),
      object: 'tax_id',
      country: null,
      created: Math.floor(Date.now() / 1000),
      customer: customerId,
      livemode: false,
      type,
      value,
    };
  }

  /** @param {Ctx} ctx @param {string} id  a live (not deleted) customer of the request's account, or null */
  function findCustomer(ctx, id) {
    const e = byId.get(id);
    if (!e || e.deleted || e.acct !== (ctx.account || '')) return null;
    return e;
  }

  /** @param {Ctx} ctx */
  function createCustomer(ctx) {
    const p = ctx.params;
    let id;
    do id = 'cus_' + randomAlnum(14);
    while (byId.has(id));
    /** @type {Record<string, any>} */
    const c = {
      id,
      object: 'customer',
      address: buildAddress(p.address),
      balance: typeof p.balance === 'string' && p.balance !== '' ? Number(p.balance) : 0,
      business_name: strOrNull(p.business_name),
      created: Math.floor(Date.now() / 1000),
      currency: null,
      customer_account: null,
      default_source: strOrNull(p.source),
      delinquent: false,
      description: strOrNull(p.description),
      discount: null,
      email: strOrNull(p.email),
      individual_name: strOrNull(p.individual_name),
      invoice_prefix: strOrNull(p.invoice_prefix) || randomHexUpper(8),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: mergeMetadata(p.metadata),
      name: strOrNull(p.name),
      next_invoice_sequence:
        typeof p.next_invoice_sequence === 'string' && p.next_invoice_sequence !== '' ? Number(p.next_invoice_sequence) : 1,
      phone: strOrNull(p.phone),
      preferred_locales: Array.isArray(p.preferred_locales) ? p.preferred_locales.map(String) : [],
      shipping: buildShipping(p.shipping),
      tax_exempt: strOrNull(p.tax_exempt) || 'none',
      test_clock: strOrNull(p.test_clock),
    };
    mergeInvoiceSettings(c.invoice_settings, p.invoice_settings);
    const discount = buildDiscount(p);
    if (discount) c.discount = discount;

    const acct = ctx.account || '';
    let list = byAccount.get(acct);
    if (!list) byAccount.set(acct, (list = []));
    /** @type {StoredCustomer} */
    const stored = {
      id,
      account: ctx.account,
      params: p,
      customer: c,
      apiVersion: ctx.apiVersion,
      idempotencyKey: ctx.idempotencyKey,
      paymentMethods: [],
    };
    /** @type {Entry} */
    const e = { stored, seq: seq++, pos: list.length, acct, taxIds: [], deleted: false, searchVersions: null };
    if (Array.isArray(p.tax_id_data)) {
      for (const t of p.tax_id_data) {
        const datum = /** @type {Record<string, FormValue>} */ (t); // validated: {type, value}
        e.taxIds.push(makeTaxId(id, String(datum.type), String(datum.value)));
      }
    }
    if (typeof p.payment_method === 'string' && p.payment_method !== '') attach(e, p.payment_method);
    beforeSearchChange(e, true);
    list.push(e);
    byId.set(id, e);
    customers.push(stored);
    indexEmail(e);
    afterSearchChange(e);
    return { status: 200, body: present(e, p.expand) };
  }

  /** @param {Ctx} ctx @param {Entry} e */
  function updateCustomer(ctx, e) {
    const p = ctx.params;
    const c = e.stored.customer;
    beforeSearchChange(e, false);
    const emailChanging = p.email !== undefined && strOrNull(p.email) !== c.email;
    if (emailChanging) unindexEmail(e);
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
          c.default_source = strOrNull(v);
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
    if (emailChanging) indexEmail(e);
    afterSearchChange(e);
    return { status: 200, body: present(e, p.expand) };
  }

  /** @param {Entry} e */
  function deleteCustomer(e) {
    beforeSearchChange(e, false);
    unindexEmail(e);
    e.deleted = true;
    e.stored.deleted = true;
    deleted++;
    afterSearchChange(e);
    return { status: 200, body: { id: e.stored.id, object: 'customer', deleted: true } };
  }

  /** @param {Entry} e @param {string} pm */
  function attach(e, pm) {
    attachedTo.set(e.acct + '\u0000' + pm, e.stored.id);
    if (!e.stored.paymentMethods.includes(pm)) e.stored.paymentMethods.push(pm);
  }

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
      created: Math.floor(Date.now() / 1000),
      customer: customerId,
      livemode: false,
      metadata: {},
      type: 'card',
    };
  }

  // ---- list and search ---------------------------------------------------

  /** @param {Ctx} ctx @returns {{ error: ApiError } | { body: unknown }} */
  function listCustomers(ctx) {
    const q = ctx.query;
    const err = validate(CUSTOMER_LIST, q);
    if (err) return { error: err };
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    /** @type {((c: Record<string, any>) => boolean)[]} */
    const filters = [];
    const cr = q.created;
    if (typeof cr === 'string') filters.push((c) => c.created === Number(cr));
    else if (isHash(cr)) {
      for (const [op, val] of Object.entries(cr)) {
        const n = Number(val);
        if (op === 'gt') filters.push((c) => c.created > n);
        if (op === 'gte') filters.push((c) => c.created >= n);
        if (op === 'lt') filters.push((c) => c.created < n);
        if (op === 'lte') filters.push((c) => c.created <= n);
      }
    }
    if (q.test_clock !== undefined) filters.push((c) => c.test_clock === q.test_clock);
    /** @param {Entry} e */
    const keep = (e) => !e.deleted && filters.every((f) => f(e.stored.customer));

    const acct = ctx.account || '';
    const byEmailOnly = typeof q.email === 'string';
    const source = byEmailOnly ? byEmail.get(emailKey(acct, /** @type {string} */ (q.email))) || [] : byAccount.get(acct) || [];
    /** @param {string} id */
    const positionOf = (id) => {
      const e = byId.get(id);
      if (!e || e.acct !== acct) return -1;
      return byEmailOnly ? source.indexOf(e) : e.pos;
    };

    /** @type {Entry[]} */
    const data = [];
    let hasMore = false;
    if (typeof q.ending_before === 'string') {
      const pos = positionOf(q.ending_before);
      if (pos < 0) return { error: noSuch('customer', q.ending_before, 'ending_before') };
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
        if (pos < 0) return { error: noSuch('customer', q.starting_after, 'starting_after') };
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
    const expand = expandOfData(q.expand);
    return { body: { object: 'list', data: data.map((e) => present(e, expand)), has_more: hasMore, url: '/v1/customers' } };
  }

  /** @param {string} query */
  const queryTag = (query) => crypto.createHash('sha256').update(query).digest('base64url').slice(0, 10);

  /** @param {Ctx} ctx @returns {{ error: ApiError } | { body: unknown }} */
  function searchCustomers(ctx) {
    const q = ctx.query;
    const err = validate(CUSTOMER_SEARCH, q);
    if (err) return { error: err };
    const query = /** @type {string} */ (q.query);
    const parsed = parseQuery(query);
    if ('status' in parsed) return { error: parsed };
    const limit = q.limit === undefined ? 10 : Number(q.limit);
    let offset = 0;
    if (typeof q.page === 'string' && q.page !== '') {
      const m = /^page_([A-Za-z0-9_-]{10})(\d+)$/.exec(q.page);
      if (!m || m[1] !== queryTag(query)) {
        return { error: invalid(`Invalid page: '${q.page}' is not a next_page value returned for this query.`, 'page') };
      }
      offset = Number(m[2]);
    }
    /** @type {unknown[]} */
    const hits = [];
    const list = byAccount.get(ctx.account || '') || [];
    const expand = expandOfData(q.expand);
    for (let i = list.length - 1; i >= 0; i--) {
      const seen = searchView(list[i]);
      if (seen && matches(parsed, seen)) hits.push(present(list[i], expand, seen));
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
    if (Array.isArray(q.expand) && q.expand.includes('total_count')) body.total_count = hits.length;
    return { body };
  }

  // ---- mutations: faults, idempotency, validation, execution --------------

  /**
   * @param {Ctx} ctx
   * @param {object} op
   * @param {boolean} op.faultEligible
   * @param {boolean} [op.idempotent]   false for DELETE (Stripe ignores Idempotency-Key there)
   * @param {() => ApiError | null} op.validate
   * @param {() => { status: number, body: unknown }} op.execute   runs after the latency: checks again what may have changed
   */
  async function mutate(ctx, op) {
    const key = op.idempotent === false ? null : ctx.idempotencyKey;
    if (key !== null && key.length > 255) {
      return sendError(
        ctx,
        apiError(400, 'invalid_request_error', undefined, 'Idempotency-Key must be at most 255 characters long.', 'Idempotency-Key'),
      );
    }
    /** @type {FaultDecision} */
    const fault = op.faultEligible ? faults.decide() : { kind: 'none' };
    if (fault.kind === 'status') {
      ctx.record.fault = `${fault.source}:${fault.status}`;
      return sendError(ctx, faultError(fault.status, { key: ctx.apiKey, account: ctx.account, declineCode: fault.declineCode }));
    }
    if (fault.kind === 'drop') ctx.record.fault = `${fault.source}:drop-${fault.when}`;
    if (fault.kind === 'drop' && fault.when === 'before') return drop(ctx, 'before');
    const dropAfter = fault.kind === 'drop' && fault.when === 'after-create';

    let scope = '';
    let fingerprint = '';
    if (key !== null) {
      scope = ctx.apiKey + '\u0000' + (ctx.account || '') + '\u0000' + key;
      fingerprint = ctx.method + ' ' + ctx.path + ' ' + stableStringify(ctx.params);
      const prev = idem.get(scope);
      if (prev) {
        if (prev.inFlight) {
          return sendError(
            ctx,
            apiError(
              409,
              'idempotency_error',
              'idempotency_key_in_use',
              'There is currently another in-progress request using this Stripe-Idempotency-Key (that probably means ' +
                `you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
            ),
          );
        }
        if (prev.fingerprint !== fingerprint) {
          return sendError(
            ctx,
            apiError(
              400,
              'idempotency_error',
              undefined,
              'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
                `Try using a key other than '${key}' if you meant to execute a different request.`,
            ),
          );
        }
        ctx.record.replayed = true;
        replays++;
        if (dropAfter) return drop(ctx, 'after-create');
        return send(ctx, /** @type {number} */ (prev.status), prev.body, {
          'Idempotent-Replayed': 'true',
          'Original-Request': /** @type {string} */ (prev.requestId),
        });
      }
    }

    const verr = op.validate();
    if (verr) return sendError(ctx, verr);

    const gen = generation;
    if (scope) idem.set(scope, { inFlight: true, fingerprint });
    await delay(ctx);
    if (closed) return;
    /** @type {{ status: number, body: unknown }} */
    let result;
    try {
      result = op.execute();
    } catch (err) {
      if (scope && gen === generation) idem.delete(scope);
      throw err;
    }
    const text = JSON.stringify(result.body);
    if (scope && gen === generation) {
      if (result.status < 300) {
        idem.set(scope, { inFlight: false, fingerprint, status: result.status, body: text, requestId: ctx.requestId });
      } else {
        idem.delete(scope);
      }
    }
    if (dropAfter) return drop(ctx, 'after-create');
    return send(ctx, result.status, text);
  }

  // ---- routing -----------------------------------------------------------

  /** @param {Record<string, string | string[] | undefined>} headers @returns {{ key: string } | ApiError} */
  function authenticate(headers) {
    const h = headers.authorization;
    const auth = Array.isArray(h) ? h[0] : h;
    let key = '';
    if (auth) {
      const bearer = /^Bearer\s+(.*)$/i.exec(auth);
      const basic = /^Basic\s+(.*)$/i.exec(auth);
      if (bearer) key = bearer[1].trim();
      else if (basic) key = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    }
    if (!key) return NO_API_KEY;
    if (key.startsWith('pk_')) return PUBLISHABLE_KEY;
    if (!secretKeys.has(key)) return invalidApiKey(key);
    return { key };
  }

  /** @param {Ctx} ctx @param {{ error: ApiError } | { body: unknown }} r */
  const reply = (ctx, r) => ('error' in r ? sendError(ctx, r.error) : send(ctx, 200, r.body));

  /** @param {Ctx} ctx */
  async function api(ctx) {
    if (faults.inRateLimitWindow()) {
      ctx.record.fault = 'window:429';
      return sendError(ctx, RATE_LIMITED);
    }
    if (bucket && !bucket.take()) {
      ctx.record.fault = 'bucket:429';
      return sendError(ctx, RATE_LIMITED);
    }
    const auth = authenticate(ctx.req.headers);
    if ('status' in auth) return sendError(ctx, auth);
    ctx.apiKey = auth.key;

    const { method, path } = ctx;
    if (path === '/v1/balance' && method === 'GET') {
      return send(ctx, 200, { object: 'balance', available: [], pending: [], livemode: false });
    }
    if (path === '/v1/customers') {
      if (method === 'GET') return reply(ctx, listCustomers(ctx));
      if (method === 'POST') {
        return mutate(ctx, {
          faultEligible: true,
          validate: () => validateCustomerParams(ctx.params, 'create', ctx.apiVersion),
          execute: () => createCustomer(ctx),
        });
      }
    }
    if (path === '/v1/customers/search' && method === 'GET') return reply(ctx, searchCustomers(ctx));

    const cm = /^\/v1\/customers\/([^/]+)(\/tax_ids)?$/.exec(path);
    if (cm) {
      const id = decodeURIComponent(cm[1]);
      const missing = noSuch('customer', id);
      /** @param {(e: Entry) => { status: number, body: unknown }} run */
      const onCustomer = (run) => () => {
        const e = findCustomer(ctx, id);
        return e ? run(e) : { status: missing.status, body: { error: missing.error } };
      };
      if (!cm[2]) {
        if (method === 'GET') {
          const e = byId.get(id);
          if (!e || e.acct !== (ctx.account || '')) return sendError(ctx, missing);
          return send(ctx, 200, e.deleted ? { id, object: 'customer', deleted: true } : present(e, ctx.query.expand));
        }
        if (method === 'POST') {
          return mutate(ctx, {
            faultEligible: true,
            validate: () => (findCustomer(ctx, id) ? validateCustomerParams(ctx.params, 'update', ctx.apiVersion) : missing),
            execute: onCustomer((e) => updateCustomer(ctx, e)),
          });
        }
        if (method === 'DELETE') {
          return mutate(ctx, {
            faultEligible: true,
            idempotent: false,
            validate: () => (findCustomer(ctx, id) ? null : missing),
            execute: onCustomer(deleteCustomer),
          });
        }
      } else {
        if (method === 'GET') {
          const e = findCustomer(ctx, id);
          if (!e) return sendError(ctx, missing);
          return send(ctx, 200, { object: 'list', data: e.taxIds, has_more: false, url: `/v1/customers/${id}/tax_ids` });
        }
        if (method === 'POST') {
          return mutate(ctx, {
            faultEligible: false,
            validate: () => (findCustomer(ctx, id) ? validate(TAX_ID_CREATE, ctx.params) : missing),
            execute: onCustomer((e) => {
              const t = makeTaxId(id, String(ctx.params.type), String(ctx.params.value));
              e.taxIds.push(t);
              return { status: 200, body: t };
            }),
          });
        }
      }
    }

    const pm = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(path);
    if (pm && method === 'POST') {
      const pmId = decodeURIComponent(pm[1]);
      const customerId = () => String(ctx.params.customer);
      const check = () => {
        if (!pmId.startsWith('pm_')) return noSuch('PaymentMethod', pmId, 'payment_method');
        if (!findCustomer(ctx, customerId())) return noSuch('customer', customerId(), 'customer');
        const owner = attachedTo.get((ctx.account || '') + '\u0000' + pmId);
        if (owner && owner !== customerId()) {
          return invalid('The payment method you provided has already been attached to a customer.', 'payment_method');
        }
        return null;
      };
      return mutate(ctx, {
        faultEligible: false,
        validate: () => validate(PAYMENT_METHOD_ATTACH, ctx.params) || check(),
        execute: () => {
          const e = check();
          if (e) return { status: e.status, body: { error: e.error } };
          attach(/** @type {Entry} */ (findCustomer(ctx, customerId())), pmId);
          return { status: 200, body: paymentMethod(pmId, customerId()) };
        },
      });
    }
    return sendError(ctx, unrecognizedUrl(method, path));
  }

  // ---- control endpoints -------------------------------------------------

  /**
   * @param {http.ServerResponse} res
   * @param {number} status
   * @param {unknown} body
   */
  function sendControl(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** @param {http.ServerResponse} res @param {string} method @param {string} path @param {string} body */
  function control(res, method, path, body) {
    try {
      if (path === '/_double/state' && method === 'GET') {
        return sendControl(res, 200, { customers, requests, stats: stats() });
      }
      if (path === '/_double/reset' && method === 'POST') {
        reset();
        return sendControl(res, 200, { ok: true });
      }
      if (path === '/_double/faults' && method === 'POST') {
        const b = body ? JSON.parse(body) : {};
        if (!isHash(b)) throw new TypeError('body must be a JSON object');
        if (b.faults !== undefined) double.setFaults(b.faults);
        if (b.latencyMs !== undefined) double.setLatency(b.latencyMs);
        if (b.rateLimitPerSecond !== undefined) double.setRateLimit(b.rateLimitPerSecond ?? undefined);
        if (b.retryAfterSeconds !== undefined) double.setRetryAfter(b.retryAfterSeconds ?? undefined);
        if (b.searchLagMs !== undefined) double.setSearchLag(b.searchLagMs);
        if (b.failNext !== undefined) {
          if (!isHash(b.failNext)) throw new TypeError('failNext must be {n, how}');
          double.failNext(b.failNext.n, b.failNext.how);
        }
        return sendControl(res, 200, {
          ok: true,
          faults: faults.faults,
          latencyMs,
          rateLimitPerSecond: bucket ? bucket.rate : null,
          retryAfterSeconds: retryAfterSeconds ?? null,
          searchLagMs,
          failNextQueue: faults.queue,
        });
      }
      return sendControl(res, 404, { error: { message: `Unknown control endpoint ${method} ${path}` } });
    } catch (err) {
      return sendControl(res, 400, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  }

  // ---- server ------------------------------------------------------------

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {(body: string) => Promise<void> | void} then
   */
  function readBody(req, res, then) {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (/** @type {Buffer} */ c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        tooBig = true;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) {
        sendControl(res, 413, { error: { type: 'invalid_request_error', message: 'Request body too large.' } });
        return;
      }
      const body = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      Promise.resolve()
        .then(() => then(body))
        .catch((err) => {
          if (!res.headersSent && !res.destroyed) {
            sendControl(res, 500, { error: { type: 'api_error', message: `Stripe double internal error: ${err && err.message}` } });
          }
        });
    });
    req.on('error', () => {});
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function onRequest(req, res) {
    readBody(req, res, (body) => handle(req, res, body));
  }

  /** The plain-HTTP control listener of an HTTPS double. @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function onControlRequest(req, res) {
    readBody(req, res, (body) => {
      const path = (req.url || '/').split('?')[0];
      const method = (req.method || 'GET').toUpperCase();
      if (path.startsWith('/_double/')) return control(res, method, path, body);
      return sendControl(res, 404, { error: { message: `This port serves only /_double/* (the API is at ${double.url}).` } });
    });
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {string} body */
  async function handle(req, res, body) {
    const url = req.url || '/';
    const qi = url.indexOf('?');
    const path = qi === -1 ? url : url.slice(0, qi);
    const method = (req.method || 'GET').toUpperCase();
    if (path.startsWith('/_double/')) return control(res, method, path, body);

    const query = qi === -1 ? {} : decodeForm(url.slice(qi + 1));
    const params = method === 'GET' || method === 'DELETE' ? query : decodeForm(body);
    const h = req.headers;
    /** @param {string} name */
    const header = (name) => {
      const v = h[name];
      const s = Array.isArray(v) ? v[0] : v;
      return s === undefined || s === '' ? null : s;
    };
    /** @type {Record<string, string | string[] | undefined>} */
    const headers = { ...h };
    if (headers.authorization !== undefined) headers.authorization = 'redacted';
    let connectionId = connectionIds.get(req.socket);
    if (connectionId === undefined) connectionIds.set(req.socket, (connectionId = ++lastConnectionId));
    const requestId = 'req_' + randomAlnum(14);
    /** @type {RecordedRequest} */
    const record = {
      method,
      path,
      query,
      headers,
      params,
      rawBody: body,
      contentType: header('content-type'),
      connectionId,
      status: 0,
      idempotencyKey: header('idempotency-key'),
      apiVersion: header('stripe-version'),
      account: header('stripe-account'),
      replayed: false,
      at: Date.now(),
      requestId,
    };
    const counters = countersFor(Math.floor((performance.now() - resetAt) / 1000));
    /** @type {Ctx} */
    const ctx = {
      req,
      res,
      method,
      path,
      query,
      params,
      apiVersion: record.apiVersion,
      account: record.account,
      idempotencyKey: method === 'POST' ? record.idempotencyKey : null,
      requestId,
      record,
      counters,
      delayed: false,
      apiKey: '',
    };
    if (path === '/v1' || path.startsWith('/v1/')) {
      requests.push(record);
      counters.requests++;
      if (method === 'POST' && path === '/v1/customers') {
        createRequests++;
        counters.createRequests++;
      }
      return api(ctx);
    }
    return sendError(ctx, unrecognizedUrl(method, path));
  }

  /** @returns {Stats} */
  function stats() {
    return {
      created: customers.length,
      deleted,
      status: { ...statusCounts },
      replays,
      dropped,
      createRequests,
      connections,
      tlsHandshakes,
      tlsResumed,
      perSecond: perSecond.map((s) => ({ ...s })),
    };
  }

  function reset() {
    generation++;
    customers.length = 0;
    requests.length = 0;
    byId.clear();
    byAccount.clear();
    byEmail.clear();
    idem.clear();
    attachedTo.clear();
    statusCounts = {};
    replays = 0;
    dropped = 0;
    deleted = 0;
    createRequests = 0;
    connections = 0;
    tlsHandshakes = 0;
    tlsResumed = 0;
    perSecond = [];
    resetAt = performance.now();
    faults.reset();
    latencyMs = initial.latencyMs;
    searchLagMs = initial.searchLagMs;
    applyRate(initial.rateLimitPerSecond);
    applyRetryAfter(initial.retryAfterSeconds);
  }

  const tls = options.https ? await createSelfSignedCertificate() : null;
  /** @type {http.Server} */
  let server;
  /** @type {http.Server | null} */
  let controlServer = null;
  let port = 0;
  let controlPort = 0;
  try {
    if (tls) {
      const tlsServer = https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest);
      tlsServer.on('secureConnection', (socket) => {
        if (socket.isSessionReused()) tlsResumed++;
        else tlsHandshakes++;
      });
      server = tlsServer;
    } else {
      server = http.createServer(onRequest);
    }
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0;
    server.on('connection', () => connections++);
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    /** @param {http.Server} s */
    const listen = (s, port = 0) =>
      new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen({ port, host: '127.0.0.1', backlog: 2048 }, () => {
          s.off('error', reject);
          const addr = s.address();
          resolve(addr && typeof addr === 'object' ? addr.port : 0);
        });
      });
    port = /** @type {number} */ (await listen(server, options.port || 0));
    if (tls) {
      controlServer = http.createServer(onControlRequest);
      controlPort = /** @type {number} */ (await listen(controlServer));
    }
  } catch (err) {
    if (tls) tls.remove();
    throw err;
  }
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const double = {
    url,
    port,
    /** Where the /_double/* endpoints answer over plain HTTP (the API's own url when it is HTTP). */
    controlUrl: controlServer ? `http://127.0.0.1:${controlPort}` : url,
    /** PEM of the self-signed certificate (HTTPS only): trust it with `ca`. */
    caPem: tls ? tls.certPem : undefined,
    /** The same certificate as a file, e.g. for NODE_EXTRA_CA_CERTS (HTTPS only; removed by close()). */
    caFile: tls ? tls.certFile : undefined,
    customers,
    requests,
    stats,
    /** @param {number} n @param {FailHow} how */
    failNext(n, how) {
      faults.failNext(n, how);
    },
    /** @param {FaultOptions} f */
    setFaults(f) {
      faults.setFaults(f);
    },
    /** @param {number} ms */
    setLatency(ms) {
      latencyMs = checkNonNegative(ms, 'latencyMs');
    },
    /** @param {number | undefined} perSecond */
    setRateLimit(perSecond) {
      applyRate(perSecond);
    },
    /** @param {number | undefined} seconds */
    setRetryAfter(seconds) {
      applyRetryAfter(seconds);
    },
    /** A shorter lag applies to writes already waiting, too (0: search catches up now). @param {number} ms */
    setSearchLag(ms) {
      searchLagMs = checkNonNegative(ms, 'searchLagMs');
      const latest = performance.now() + searchLagMs;
      for (const e of byId.values()) {
        for (const v of e.searchVersions || []) v.visibleAt = Math.min(v.visibleAt, latest);
      }
    },
    reset,
    /** @returns {Promise<void>} */
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      sleepers.clear();
      /** @param {http.Server | null} s @returns {Promise<void>} */
      const stop = (s) =>
        s
          ? new Promise((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            })
          : Promise.resolve();
      return Promise.all([stop(server), stop(controlServer)]).then(() => {
        if (tls) tls.remove();
      });
    },
  };
  return double;
}

module.exports = {
  startStripeDouble,
  CREATE_PARAMS,
  UPDATE_PARAMS,
  LEGACY_PARAMS,
  TAX_ID_TYPES,
  DEFAULT_API_VERSION,
  DEFAULT_SECRET_KEYS,
  isLegacyCouponVersion,
  decodeForm,
};
