// @ts-check
'use strict';

/**
 * A Stripe API test double: a real HTTP server on 127.0.0.1 that the official
 * `stripe` SDK can talk to (`new Stripe(key, {host: '127.0.0.1', port, protocol: 'http'})`).
 *
 * Endpoints: POST/GET /v1/customers, GET/POST /v1/customers/:id,
 * GET/POST /v1/customers/:id/tax_ids, GET /v1/balance, and the unauthenticated
 * control endpoints GET /_double/state, POST /_double/reset, POST /_double/faults.
 * See README.md next to this file.
 */

const http = require('node:http');
const crypto = require('node:crypto');
const { decodeForm } = require('./formDecode');
const {
  TAX_ID_TYPES,
  CREATE_PARAMS,
  UPDATE_PARAMS,
  LEGACY_PARAMS,
  REMOVED_PARAMS,
  isLegacyCouponVersion,
  validateCustomerParams,
  validateTaxIdParams,
  apiError,
  invalid,
} = require('./validate');
const { FaultInjector, TokenBucket } = require('./faults');

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
 */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {FormParams} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {FormParams} params
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

/**
 * @typedef {object} Stats
 * @property {number} created
 * @property {Record<number, number>} status
 * @property {number} replays
 * @property {number} dropped
 */

/**
 * @typedef {object} Entry     internal bookkeeping per customer
 * @property {StoredCustomer} stored
 * @property {number} seq      global creation order
 * @property {number} pos      index in its account's list
 * @property {string} acct     account key ('' = platform)
 * @property {Record<string, any>[]} taxIds
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
/** @param {number} n */
function randomAlnum(n) {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (poolPos >= pool.length) {
      pool = crypto.randomBytes(4096);
      poolPos = 0;
    }
    s += ALNUM[pool[poolPos++] % 62];
  }
  return s;
}

/** @param {number} n */
function randomHexUpper(n) {
  let s = '';
  for (let i = 0; i < n; i++) {
    if (poolPos >= pool.length) {
      pool = crypto.randomBytes(4096);
      poolPos = 0;
    }
    s += '0123456789ABCDEF'[pool[poolPos++] & 15];
  }
  return s;
}

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

/**
 * @param {unknown} v
 * @returns {Record<string, any> | null} the value as a hash, or null if it is not one
 */
function asHash(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? /** @type {Record<string, any>} */ (v) : null;
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isHash(v) {
  return asHash(v) !== null;
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

/** @param {unknown} cf */
function buildCustomFields(cf) {
  if (!Array.isArray(cf)) return null;
  return cf.map((f) => ({ name: String(f.name), value: String(f.value) }));
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
  if (p.custom_fields !== undefined) target.custom_fields = buildCustomFields(p.custom_fields);
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

/**
 * Mask an API key the way Stripe does in error messages.
 * @param {string} key
 */
function maskKey(key) {
  const m = /^([a-z]{2,4}_(?:test|live)_)/.exec(key);
  const prefix = m ? m[1] : '';
  const rest = key.length - prefix.length;
  const last4 = rest >= 8 ? key.slice(-4) : '';
  return `${prefix}****${last4}`;
}

/** @param {string} code */
function docUrl(code) {
  return 'https://stripe.com/docs/error-codes/' + code.replace(/_/g, '-');
}

/** @returns {ApiError} */
function rateLimitError() {
  return apiError(
    429,
    'invalid_request_error',
    'rate_limit',
    'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
  );
}

/**
 * Error injected by a fault (failNext / burst / random 500).
 * @param {number} status
 * @param {string} key    the request's API key (only ever shown masked)
 * @returns {ApiError}
 */
function faultError(status, key) {
  switch (status) {
    case 429:
      return rateLimitError();
    case 500:
      return apiError(
        500,
        'api_error',
        undefined,
        "Sorry, something went wrong. We've already been notified of the problem (fault injected by the Stripe double).",
      );
    case 402:
      return {
        status: 402,
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'generic_decline',
          message: 'Your card was declined.',
          doc_url: docUrl('card_declined'),
        },
      };
    case 401:
      return apiError(401, 'invalid_request_error', undefined, `Invalid API Key provided: ${maskKey(key)}`);
    case 400:
    default:
      return apiError(status, 'invalid_request_error', undefined, 'Invalid request (fault injected by the Stripe double).');
  }
}

/** @param {string} id */
function noSuchCustomer(id, param = 'id') {
  return apiError(404, 'invalid_request_error', 'resource_missing', `No such customer: '${id}'`, param);
}

// ---------------------------------------------------------------------------
// the double

/**
 * Start a Stripe double listening on 127.0.0.1.
 * @param {StartOptions} [options]
 */
async function startStripeDouble(options = {}) {
  const secretKeys = new Set(options.secretKeys && options.secretKeys.length ? options.secretKeys : DEFAULT_SECRET_KEYS);
  const initialLatency = options.latencyMs || 0;
  const initialRate = options.rateLimitPerSecond;
  let latencyMs = initialLatency;
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
  applyRate(initialRate);
  /** @param {number} ms */
  const applyLatency = (ms) => {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError('latencyMs must be a number >= 0');
    latencyMs = ms;
  };
  applyLatency(initialLatency);

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
  /** @type {Record<number, number>} */
  let statusCounts = {};
  let replays = 0;
  let dropped = 0;
  let seq = 0;
  let generation = 0;
  let closed = false;

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

  // ---- email index -------------------------------------------------------
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
    if (extra) Object.assign(headers, extra);
    res.writeHead(status, headers);
    res.end(text);
  }

  /** @param {Ctx} ctx @param {ApiError} e @param {Record<string, string>} [extra] */
  function sendError(ctx, e, extra) {
    return send(ctx, e.status, { error: e.error }, extra);
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
  function present(e, expand) {
    const c = e.stored.customer;
    if (Array.isArray(expand) && expand.includes('tax_ids')) {
      return {
        ...c,
        tax_ids: { object: 'list', data: e.taxIds, has_more: false, url: `/v1/customers/${c.id}/tax_ids` },
      };
    }
    return c;
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

  /** @param {Ctx} ctx */
  function createCustomer(ctx) {
    const p = ctx.params;
    let id;
    do id = 'cus_' + randomAlnum(14);
    while (byId.has(id));
    const created = Math.floor(Date.now() / 1000);
    /** @type {Record<string, any>} */
    const c = {
      id,
      object: 'customer',
      address: buildAddress(p.address),
      balance: typeof p.balance === 'string' && p.balance !== '' ? Number(p.balance) : 0,
      business_name: strOrNull(p.business_name),
      created,
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
    };
    /** @type {Entry} */
    const e = { stored, seq: seq++, pos: list.length, acct, taxIds: [] };
    if (Array.isArray(p.tax_id_data)) {
      for (const t of p.tax_id_data) {
        const h = asHash(t);
        if (h) e.taxIds.push(makeTaxId(id, String(h.type), String(h.value)));
      }
    }
    list.push(e);
    byId.set(id, e);
    customers.push(stored);
    indexEmail(e);
    return { status: 200, body: present(e, p.expand) };
  }

  /** @param {Ctx} ctx @param {Entry} e */
  function updateCustomer(ctx, e) {
    const p = ctx.params;
    const c = e.stored.customer;
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
    return { status: 200, body: present(e, p.expand) };
  }

  /** @param {Ctx} ctx @param {string} id */
  function findCustomer(ctx, id) {
    const e = byId.get(id);
    if (!e || e.acct !== (ctx.account || '')) return null;
    return e;
  }

  // ---- list --------------------------------------------------------------

  const LIST_PARAMS = new Set(['email', 'limit', 'starting_after', 'ending_before', 'expand', 'created', 'test_clock']);

  /** @param {Ctx} ctx */
  function listCustomers(ctx) {
    const q = ctx.query;
    for (const k of Object.keys(q)) if (!LIST_PARAMS.has(k)) return { error: invalidUnknown(k) };
    let limit = 10;
    if (q.limit !== undefined) {
      if (typeof q.limit !== 'string' || !/^-?\d+$/.test(q.limit)) {
        return { error: invalid(`Invalid integer: ${q.limit}`, 'limit', 'parameter_invalid_integer') };
      }
      limit = Number(q.limit);
      if (limit < 1 || limit > 100) {
        return { error: invalid('This value must be greater than or equal to 1 and less than or equal to 100.', 'limit') };
      }
    }
    if (q.email !== undefined && typeof q.email !== 'string') return { error: invalid('Invalid string', 'email') };
    if (q.starting_after !== undefined && q.ending_before !== undefined) {
      return { error: invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before', 'parameters_exclusive') };
    }
    /** @type {(c: Record<string, any>) => boolean} */
    let filter = () => true;
    /** @type {((c: Record<string, any>) => boolean)[]} */
    const filters = [];
    if (q.created !== undefined) {
      const cr = q.created;
      if (typeof cr === 'string') {
        if (!/^\d+$/.test(cr)) return { error: invalid(`Invalid integer: ${cr}`, 'created', 'parameter_invalid_integer') };
        const n = Number(cr);
        filters.push((c) => c.created === n);
      } else if (asHash(cr)) {
        const crh = /** @type {Record<string, any>} */ (asHash(cr));
        for (const op of Object.keys(crh)) {
          const val = crh[op];
          if (!['gt', 'gte', 'lt', 'lte'].includes(op)) return { error: invalidUnknown(`created[${op}]`) };
          if (typeof val !== 'string' || !/^\d+$/.test(val)) {
            return { error: invalid(`Invalid integer: ${val}`, `created[${op}]`, 'parameter_invalid_integer') };
          }
          const n = Number(val);
          if (op === 'gt') filters.push((c) => c.created > n);
          if (op === 'gte') filters.push((c) => c.created >= n);
          if (op === 'lt') filters.push((c) => c.created < n);
          if (op === 'lte') filters.push((c) => c.created <= n);
        }
      } else return { error: invalid('Invalid created', 'created') };
    }
    if (q.test_clock !== undefined) {
      const tc = q.test_clock;
      filters.push((c) => c.test_clock === tc);
    }
    if (filters.length) filter = (c) => filters.every((f) => f(c));

    const acct = ctx.account || '';
    const source =
      typeof q.email === 'string' ? byEmail.get(emailKey(acct, q.email)) || [] : byAccount.get(acct) || [];
    const useEmailIndex = typeof q.email === 'string';
    /** @param {string} id */
    const positionOf = (id) => {
      const e = byId.get(id);
      if (!e || e.acct !== acct) return -1;
      return useEmailIndex ? source.indexOf(e) : e.pos;
    };

    /** @type {Entry[]} */
    const data = [];
    let hasMore = false;
    if (typeof q.ending_before === 'string') {
      const pos = positionOf(q.ending_before);
      if (pos < 0) return { error: noSuchCustomer(q.ending_before, 'ending_before') };
      // the `limit` entries just newer than the cursor, returned newest first
      for (let i = pos + 1; i < source.length; i++) {
        if (!filter(source[i].stored.customer)) continue;
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
        if (pos < 0) return { error: noSuchCustomer(q.starting_after, 'starting_after') };
        start = pos - 1;
      }
      for (let i = start; i >= 0; i--) {
        if (!filter(source[i].stored.customer)) continue;
        if (data.length === limit) {
          hasMore = true;
          break;
        }
        data.push(source[i]);
      }
    }
    const expand = Array.isArray(q.expand)
      ? q.expand.filter((x) => typeof x === 'string' && x.startsWith('data.')).map((x) => String(x).slice(5))
      : undefined;
    return {
      body: {
        object: 'list',
        data: data.map((e) => present(e, expand)),
        has_more: hasMore,
        url: '/v1/customers',
      },
    };
  }

  /** @param {string} k */
  function invalidUnknown(k) {
    return invalid(`Received unknown parameter: ${k}`, k, 'parameter_unknown');
  }

  // ---- idempotent mutations ----------------------------------------------

  /**
   * @param {Ctx} ctx
   * @param {object} op
   * @param {boolean} op.faultEligible
   * @param {() => ApiError | null} op.validate
   * @param {() => { status: number, body: unknown }} op.execute
   */
  async function mutate(ctx, op) {
    const key = ctx.idempotencyKey;
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
      const e = faultError(fault.status, ctx.apiKey);
      return sendError(ctx, e, fault.status >= 500 ? { 'Stripe-Should-Retry': 'true' } : undefined);
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
    if (!key) {
      return apiError(
        401,
        'invalid_request_error',
        undefined,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    if (key.startsWith('pk_')) {
      return apiError(
        401,
        'invalid_request_error',
        'secret_key_required',
        'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
      );
    }
    if (!secretKeys.has(key)) {
      return apiError(401, 'invalid_request_error', undefined, `Invalid API Key provided: ${maskKey(key)}`);
    }
    return { key };
  }

  /** @param {Ctx} ctx */
  async function api(ctx) {
    if (bucket && !bucket.take()) {
      ctx.record.fault = 'bucket:429';
      return sendError(ctx, rateLimitError());
    }
    const auth = authenticate(ctx.req.headers);
    if ('status' in auth) return sendError(ctx, auth);
    ctx.apiKey = auth.key;

    const { method, path } = ctx;
    if (path === '/v1/balance' && method === 'GET') {
      return send(ctx, 200, { object: 'balance', available: [], pending: [], livemode: false });
    }
    if (path === '/v1/customers') {
      if (method === 'GET') {
        const r = listCustomers(ctx);
        return r.error ? sendError(ctx, r.error) : send(ctx, 200, r.body);
      }
      if (method === 'POST') {
        return mutate(ctx, {
          faultEligible: true,
          validate: () => validateCustomerParams(ctx.params, 'create', ctx.apiVersion),
          execute: () => createCustomer(ctx),
        });
      }
    }
    const m = /^\/v1\/customers\/([^/]+)(\/tax_ids)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      if (!m[2]) {
        if (method === 'GET') {
          const e = findCustomer(ctx, id);
          return e ? send(ctx, 200, present(e, ctx.query.expand)) : sendError(ctx, noSuchCustomer(id));
        }
        if (method === 'POST') {
          /** @type {Entry | null} */
          let entry = null;
          return mutate(ctx, {
            faultEligible: true,
            validate: () => {
              entry = findCustomer(ctx, id);
              if (!entry) return noSuchCustomer(id);
              return validateCustomerParams(ctx.params, 'update', ctx.apiVersion);
            },
            execute: () => {
              const e = findCustomer(ctx, id) || entry;
              return e ? updateCustomer(ctx, e) : { status: 404, body: { error: noSuchCustomer(id).error } };
            },
          });
        }
      } else {
        if (method === 'GET') {
          const e = findCustomer(ctx, id);
          if (!e) return sendError(ctx, noSuchCustomer(id));
          return send(ctx, 200, { object: 'list', data: e.taxIds, has_more: false, url: `/v1/customers/${id}/tax_ids` });
        }
        if (method === 'POST') {
          return mutate(ctx, {
            faultEligible: false,
            validate: () => (findCustomer(ctx, id) ? validateTaxIdParams(ctx.params) : noSuchCustomer(id)),
            execute: () => {
              const e = findCustomer(ctx, id);
              if (!e) return { status: 404, body: { error: noSuchCustomer(id).error } };
              const t = makeTaxId(id, String(ctx.params.type), String(ctx.params.value));
              e.taxIds.push(t);
              return { status: 200, body: t };
            },
          });
        }
      }
    }
    return sendError(
      ctx,
      apiError(
        404,
        'invalid_request_error',
        undefined,
        `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      ),
    );
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
        if (b.failNext !== undefined) {
          if (!isHash(b.failNext)) throw new TypeError('failNext must be {n, how}');
          double.failNext(b.failNext.n, b.failNext.how);
        }
        return sendControl(res, 200, {
          ok: true,
          faults: faults.faults,
          latencyMs,
          rateLimitPerSecond: bucket ? bucket.rate : null,
          failNextQueue: faults.queue,
        });
      }
      return sendControl(res, 404, { error: { message: `Unknown control endpoint ${method} ${path}` } });
    } catch (err) {
      return sendControl(res, 400, { error: { message: err instanceof Error ? err.message : String(err) } });
    }
  }

  // ---- server ------------------------------------------------------------

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function onRequest(req, res) {
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
      handle(req, res, body).catch((err) => {
        if (!res.headersSent && !res.destroyed) {
          sendControl(res, 500, { error: { type: 'api_error', message: `Stripe double internal error: ${err && err.message}` } });
        }
      });
    });
    req.on('error', () => {});
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
    const requestId = 'req_' + randomAlnum(14);
    /** @type {RecordedRequest} */
    const record = {
      method,
      path,
      query,
      headers,
      params,
      status: 0,
      idempotencyKey: header('idempotency-key'),
      apiVersion: header('stripe-version'),
      account: header('stripe-account'),
      replayed: false,
      at: Date.now(),
      requestId,
    };
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
      delayed: false,
      apiKey: '',
    };
    if (path === '/v1' || path.startsWith('/v1/')) {
      requests.push(record);
      return api(ctx);
    }
    return send(ctx, 404, {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      },
    });
  }

  /** @returns {Stats} */
  function stats() {
    return { created: customers.length, status: { ...statusCounts }, replays, dropped };
  }

  function reset() {
    generation++;
    customers.length = 0;
    requests.length = 0;
    byId.clear();
    byAccount.clear();
    byEmail.clear();
    idem.clear();
    statusCounts = {};
    replays = 0;
    dropped = 0;
    faults.reset();
    latencyMs = initialLatency;
    applyRate(initialRate);
  }

  const server = http.createServer(onRequest);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port || 0, host: '127.0.0.1', backlog: 2048 }, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;

  const double = {
    url: `http://127.0.0.1:${port}`,
    port,
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
      applyLatency(ms);
    },
    /** @param {number | undefined} perSecond */
    setRateLimit(perSecond) {
      applyRate(perSecond);
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
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
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
  REMOVED_PARAMS,
  TAX_ID_TYPES,
  DEFAULT_API_VERSION,
  DEFAULT_SECRET_KEYS,
  isLegacyCouponVersion,
  decodeForm,
};
