// @ts-check
'use strict';

/**
 * Every rule the double checks, in one place: the parameter schemas of each endpoint (the customer
 * fields are declared once, with the operations that accept them) and the Stripe error bodies the
 * double answers with. Modelled on stripe@23.1.0 / API 2026-10-28.endive.
 */

/** @typedef {import('./formDecode').FormValue} FormValue */
/** @typedef {import('./formDecode').FormParams} FormParams */

/**
 * @typedef {object} StripeErrorBody
 * @property {string} type
 * @property {string} [code]
 * @property {string} message
 * @property {string} [param]
 * @property {string} [doc_url]
 * @property {string} [decline_code]
 */
/** @typedef {{ status: number, error: StripeErrorBody }} ApiError */

/** The 135 `CustomerCreateParams.TaxIdDatum.Type` values of stripe@23.1.0. */
const TAX_ID_TYPES = Object.freeze([
  'ad_nrt', 'ae_trn', 'al_tin', 'am_tin', 'ao_tin', 'ar_cuit', 'au_abn', 'au_acn', 'au_arn', 'au_wpn', 'aw_tin',
  'az_tin', 'ba_tin', 'bb_tin', 'bd_bin', 'bf_ifu', 'bg_uic', 'bh_vat', 'bj_ifu', 'bo_tin', 'br_cnpj', 'br_cpf',
  'bs_tin', 'bw_vat', 'by_tin', 'ca_bn', 'ca_gst_hst', 'ca_pst_bc', 'ca_pst_mb', 'ca_pst_sk', 'ca_qst',
  'cd_nif', 'ch_uid', 'ch_vat', 'ci_vat', 'cl_tin', 'cm_niu', 'cn_tin', 'co_nit', 'cr_tin', 'cv_nif', 'cz_dic',
  'de_stn', 'do_rcn', 'ec_ruc', 'eg_tin', 'es_cif', 'et_tin', 'eu_oss_vat', 'eu_vat', 'fo_vat', 'fr_siren',
  'fr_siret', 'fr_spi', 'gb_vat', 'ge_vat', 'gh_tin', 'gi_tin', 'gn_nif', 'hk_br', 'hr_oib', 'hu_tin', 'ic_nif',
  'id_npwp', 'il_vat', 'in_gst', 'is_kt', 'is_vat', 'it_cf', 'jp_cn', 'jp_rn', 'jp_trn', 'ke_pin', 'kg_tin',
  'kh_tin', 'kr_brn', 'kz_bin', 'la_tin', 'li_uid', 'li_vat', 'lk_vat', 'ma_vat', 'md_cf', 'md_vat', 'me_pib',
  'mk_vat', 'mr_nif', 'mu_vat', 'mx_rfc', 'my_frp', 'my_itn', 'my_sst', 'mz_nuit', 'ng_tin', 'no_vat',
  'no_voec', 'np_pan', 'nz_bn', 'nz_gst', 'om_vat', 'pe_ruc', 'ph_tin', 'pl_nip', 'pt_nif', 'py_ruc', 'ro_tin',
  'rs_pib', 'ru_inn', 'ru_kpp', 'sa_vat', 'sg_gst', 'sg_uen', 'si_tin', 'sm_coe', 'sn_ninea', 'sr_fin',
  'sv_nit', 'th_vat', 'tj_tin', 'tr_tin', 'tt_bir', 'tt_vat', 'tw_vat', 'tz_vat', 'ua_vat', 'ug_tin', 'us_ein',
  'uy_ruc', 'uz_tin', 'uz_vat', 've_rif', 'vn_tin', 'za_vat', 'zm_tin', 'zw_tin',
]);
const TAX_ID_TYPE_SET = new Set(TAX_ID_TYPES);

/**
 * True when the API version is dated before 2025-03-31 (basil), i.e. still
 * accepts `coupon` / `promotion_code` on customers.
 * @param {string | null | undefined} apiVersion
 */
function isLegacyCouponVersion(apiVersion) {
  if (!apiVersion) return false;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(apiVersion);
  return !!m && m[1] < '2025-03-31';
}

// ---------------------------------------------------------------------------
// schema

/**
 * @typedef {object} Schema
 * @property {'string'|'int'|'bool'|'hash'|'array'|'metadata'|'range'} t
 *   'range' = an integer, or a hash of gt/gte/lt/lte integers (list filters such as `created`)
 * @property {boolean} [emptyable]   '' allowed (means "unset")
 * @property {number} [max]          string length / array length / integer maximum
 * @property {number} [min]          integer minimum
 * @property {RegExp} [pattern]
 * @property {string} [patternMessage]
 * @property {readonly string[] | Set<string>} [oneOf]
 * @property {Record<string, Schema>} [fields]
 * @property {string[]} [required]
 * @property {[string, string][]} [exclusive]  pairs of fields that may not be sent together
 * @property {Schema} [of]
 * @property {boolean} [email]
 * @property {boolean} [notEmpty]     '' is rejected with parameter_invalid_empty
 */

/** @type {Schema} */
const str = { t: 'string' };
/** @type {Schema} */
const expand = { t: 'array', of: str, emptyable: true };
/** @type {Schema} */
const address = {
  t: 'hash',
  emptyable: true,
  fields: {
    city: str,
    country: { t: 'string', pattern: /^[A-Za-z]{2}$/, patternMessage: 'Country must be a 2-letter ISO 3166-1 alpha-2 code, such as US, DE or GB.' },
    line1: str,
    line2: str,
    postal_code: str,
    state: str,
  },
};
/** @type {Schema} */
const taxIdType = { t: 'string', oneOf: TAX_ID_TYPE_SET };
/** @type {Schema} */
const taxIdValue = { t: 'string', notEmpty: true };

const CREATE = 'create';
const UPDATE = 'update';
const BOTH = 'both';

/**
 * Every customer parameter, once: the operations that accept it and its rule.
 * @type {Record<string, ['create' | 'update' | 'both', Schema]>}
 */
const CUSTOMER_FIELDS = {
  address: [BOTH, address],
  balance: [BOTH, { t: 'int' }],
  business_name: [BOTH, { t: 'string', max: 150, emptyable: true }],
  cash_balance: [
    BOTH,
    {
      t: 'hash',
      fields: {
        settings: {
          t: 'hash',
          fields: { reconciliation_mode: { t: 'string', oneOf: ['automatic', 'manual', 'merchant_default'] } },
        },
      },
    },
  ],
  default_source: [UPDATE, str],
  description: [BOTH, str],
  email: [BOTH, { t: 'string', max: 512, email: true, emptyable: true }],
  expand: [BOTH, expand],
  individual_name: [BOTH, { t: 'string', max: 150, emptyable: true }],
  invoice_prefix: [
    BOTH,
    { t: 'string', pattern: /^[A-Z0-9]{1,12}$/, patternMessage: 'Invalid invoice_prefix: must be 1 to 12 uppercase letters or numbers.' },
  ],
  invoice_settings: [
    BOTH,
    {
      t: 'hash',
      fields: {
        custom_fields: {
          t: 'array',
          emptyable: true,
          max: 4,
          of: { t: 'hash', required: ['name', 'value'], fields: { name: { t: 'string', max: 40 }, value: { t: 'string', max: 140 } } },
        },
        default_payment_method: str,
        footer: str,
        rendering_options: {
          t: 'hash',
          emptyable: true,
          fields: {
            amount_tax_display: { t: 'string', emptyable: true, oneOf: ['exclude_tax', 'include_inclusive_tax'] },
            template: str,
          },
        },
      },
    },
  ],
  metadata: [BOTH, { t: 'metadata', emptyable: true }],
  name: [BOTH, { t: 'string', max: 256 }],
  next_invoice_sequence: [BOTH, { t: 'int' }],
  payment_method: [CREATE, str],
  phone: [BOTH, { t: 'string', emptyable: true }],
  preferred_locales: [BOTH, { t: 'array', of: str, emptyable: true }],
  shipping: [
    BOTH,
    { t: 'hash', emptyable: true, required: ['name', 'address'], fields: { address: { ...address, emptyable: false }, name: str, phone: str } },
  ],
  source: [BOTH, str],
  tax: [
    BOTH,
    {
      t: 'hash',
      fields: {
        ip_address: { t: 'string', emptyable: true },
        validate_location: { t: 'string', oneOf: ['deferred', 'immediately'] },
      },
    },
  ],
  tax_exempt: [BOTH, { t: 'string', emptyable: true, oneOf: ['none', 'exempt', 'reverse'] }],
  tax_id_data: [
    CREATE,
    { t: 'array', of: { t: 'hash', required: ['type', 'value'], fields: { type: taxIdType, value: taxIdValue } } },
  ],
  test_clock: [CREATE, str],
  validate: [BOTH, { t: 'bool' }],
};

/** Accepted on create and update only with a `Stripe-Version` dated before 2025-03-31 (e.g. 2025-02-24.acacia). */
const LEGACY_FIELDS = { coupon: str, promotion_code: str };

/** @param {'create' | 'update'} op @returns {Record<string, Schema>} */
function customerFields(op) {
  /** @type {Record<string, Schema>} */
  const out = {};
  for (const [name, [on, schema]] of Object.entries(CUSTOMER_FIELDS)) if (on === op || on === BOTH) out[name] = schema;
  return out;
}

/** @type {Schema} */
const CUSTOMER_CREATE = { t: 'hash', fields: customerFields(CREATE) };
/** @type {Schema} */
const CUSTOMER_UPDATE = { t: 'hash', fields: customerFields(UPDATE) };
/** @type {Schema} */
const CUSTOMER_CREATE_LEGACY = { t: 'hash', fields: { ...CUSTOMER_CREATE.fields, ...LEGACY_FIELDS } };
/** @type {Schema} */
const CUSTOMER_UPDATE_LEGACY = { t: 'hash', fields: { ...CUSTOMER_UPDATE.fields, ...LEGACY_FIELDS } };

/** Parameters `POST /v1/customers` accepts (API 2026-10-28.endive). */
const CREATE_PARAMS = Object.freeze(Object.keys(/** @type {Record<string, Schema>} */ (CUSTOMER_CREATE.fields)));
/** Parameters `POST /v1/customers/:id` accepts. */
const UPDATE_PARAMS = Object.freeze(Object.keys(/** @type {Record<string, Schema>} */ (CUSTOMER_UPDATE.fields)));
/** Accepted on create/update only with `Stripe-Version` older than 2025-03-31 (e.g. 2025-02-24.acacia). */
const LEGACY_PARAMS = Object.freeze(Object.keys(LEGACY_FIELDS));

/** @type {Schema} */
const pageLimit = { t: 'int', min: 1, max: 100 };

/** `GET /v1/customers` */
/** @type {Schema} */
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

/** `GET /v1/customers/search` */
/** @type {Schema} */
const CUSTOMER_SEARCH = {
  t: 'hash',
  required: ['query'],
  fields: { expand, limit: pageLimit, page: str, query: { t: 'string', max: 5000, notEmpty: true } },
};

/** `POST /v1/customers/:id/tax_ids` */
/** @type {Schema} */
const TAX_ID_CREATE = { t: 'hash', required: ['type', 'value'], fields: { type: taxIdType, value: taxIdValue, expand } };

/** `POST /v1/payment_methods/:id/attach` */
/** @type {Schema} */
const PAYMENT_METHOD_ATTACH = { t: 'hash', required: ['customer'], fields: { customer: { t: 'string', notEmpty: true }, expand } };

// ---------------------------------------------------------------------------
// errors

/** @param {string} code */
function docUrl(code) {
  return 'https://stripe.com/docs/error-codes/' + code.replace(/_/g, '-');
}

/**
 * @param {number} status
 * @param {string} type
 * @param {string | undefined} code
 * @param {string} message
 * @param {string} [param]
 * @returns {ApiError}
 */
function apiError(status, type, code, message, param) {
  /** @type {StripeErrorBody} */
  const error = { type, message };
  if (code) {
    error.code = code;
    error.doc_url = docUrl(code);
  }
  if (param !== undefined) error.param = param;
  return { status, error };
}

/**
 * @param {string} message
 * @param {string} [param]
 * @param {string} [code]
 */
function invalid(message, param, code) {
  return apiError(400, 'invalid_request_error', code, message, param);
}

/** @param {string} param */
function unknownParam(param) {
  return invalid(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

/** @param {string} param */
function missingParam(param) {
  return invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/** @param {string} param */
function emptyNotAllowed(param) {
  return invalid(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
      `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
    'parameter_invalid_empty',
  );
}

/** @param {string} what e.g. 'customer' @param {string} id @param {string} [param] */
function noSuch(what, id, param = 'id') {
  return apiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);
}

/** @param {string} method @param {string} path */
function unrecognizedUrl(method, path) {
  return apiError(
    404,
    'invalid_request_error',
    undefined,
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
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

/** @param {string} key */
const invalidApiKey = (key) => apiError(401, 'invalid_request_error', undefined, `Invalid API Key provided: ${maskKey(key)}`);

const NO_API_KEY = apiError(
  401,
  'invalid_request_error',
  undefined,
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
);

const PUBLISHABLE_KEY = apiError(
  401,
  'invalid_request_error',
  'secret_key_required',
  'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
);

const RATE_LIMITED = apiError(
  429,
  'invalid_request_error',
  'rate_limit',
  'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
);

const DECLINE_MESSAGES = /** @type {Record<string, string>} */ ({
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  card_declined: 'Your card was declined.',
  lost_card: 'Your card was declined.',
  stolen_card: 'Your card was declined.',
  expired_card: 'Your card has expired.',
});

/**
 * The error a fault injects (failNext / burst / random 500).
 * @param {number} status
 * @param {{ key: string, account: string | null, declineCode?: string }} ctx   the key is only ever shown masked
 * @returns {ApiError}
 */
function faultError(status, ctx) {
  switch (status) {
    case 429:
      return RATE_LIMITED;
    case 500:
      return apiError(
        500,
        'api_error',
        undefined,
        "Sorry, something went wrong. We've already been notified of the problem (fault injected by the Stripe double).",
      );
    case 409:
      return apiError(
        409,
        'invalid_request_error',
        'lock_timeout',
        'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. ' +
          'If you see this error intermittently, retry the request. If you see this error frequently and are making multiple ' +
          'concurrent requests to a single object, make your requests serially or at a lower rate.',
      );
    case 403:
      // What Stripe answers a restricted key without the permission (stripe-node: StripePermissionError).
      return apiError(
        403,
        'invalid_request_error',
        undefined,
        `The provided key '${maskKey(ctx.key)}' does not have the required permissions for this endpoint on account ` +
          `'${ctx.account || 'acct_double'}'. Having the 'rak_customer_write' permission would allow this request to continue.`,
      );
    case 402: {
      const decline = ctx.declineCode || 'generic_decline';
      return {
        status: 402,
        error: {
          type: 'card_error',
          code: 'card_declined',
          decline_code: decline,
          message: DECLINE_MESSAGES[decline] || 'Your card was declined.',
          doc_url: docUrl('card_declined'),
        },
      };
    }
    case 401:
      return invalidApiKey(ctx.key);
    case 400:
    default:
      return apiError(status, 'invalid_request_error', undefined, 'Invalid request (fault injected by the Stripe double).');
  }
}

// ---------------------------------------------------------------------------
// walk

/** @param {unknown} v */
function show(v) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** @param {unknown} v @returns {v is Record<string, FormValue>} */
function isHash(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INT_RE = /^-?\d+$/;
const RANGE_OPS = ['gt', 'gte', 'lt', 'lte'];

/** @param {string} path @param {string} key */
const join = (path, key) => (path ? `${path}[${key}]` : key);

/**
 * @param {Schema} s
 * @param {FormValue} v
 * @param {string} path
 * @returns {ApiError | null}
 */
function checkInt(s, v, path) {
  if (typeof v !== 'string' || !INT_RE.test(v) || !Number.isSafeInteger(Number(v))) {
    return invalid(`Invalid integer: ${show(v)}`, path, 'parameter_invalid_integer');
  }
  const n = Number(v);
  if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
    return invalid(`This value must be greater than or equal to ${s.min} and less than or equal to ${s.max}.`, path);
  }
  return null;
}

/**
 * @param {Schema} s
 * @param {FormValue} v
 * @param {string} path   '' at the top level
 * @returns {ApiError | null}
 */
function check(s, v, path) {
  if (v === '' && s.t !== 'string') {
    return s.emptyable ? null : emptyNotAllowed(path);
  }
  switch (s.t) {
    case 'string': {
      if (typeof v !== 'string') return invalid(`Invalid string: ${show(v)}`, path);
      if (v === '') {
        if ((s.oneOf || s.notEmpty) && !s.emptyable) return emptyNotAllowed(path);
        return null;
      }
      if (s.max !== undefined && v.length > s.max) {
        return invalid(`Invalid string: ${show(v)}; must be at most ${s.max} characters`, path);
      }
      if (s.oneOf) {
        const ok = s.oneOf instanceof Set ? s.oneOf.has(v) : s.oneOf.includes(v);
        if (!ok) {
          const list = s.oneOf instanceof Set ? 'one of the supported tax ID types' : 'one of ' + s.oneOf.join(', ');
          return invalid(`Invalid ${path}: must be ${list} (got ${show(v)})`, path);
        }
      }
      if (s.pattern && !s.pattern.test(v)) return invalid(s.patternMessage || `Invalid ${path}: ${show(v)}`, path);
      if (s.email && !EMAIL_RE.test(v)) return invalid(`Invalid email address: ${show(v)}`, path, 'email_invalid');
      return null;
    }
    case 'int':
      return checkInt(s, v, path);
    case 'range': {
      if (!isHash(v)) return checkInt(s, v, path);
      for (const op of Object.keys(v)) {
        if (!RANGE_OPS.includes(op)) return unknownParam(join(path, op));
        const e = checkInt(s, v[op], join(path, op));
        if (e) return e;
      }
      return null;
    }
    case 'bool': {
      if (v !== 'true' && v !== 'false') return invalid(`Invalid boolean: ${show(v)}`, path);
      return null;
    }
    case 'array': {
      if (!Array.isArray(v)) return invalid(`Invalid array`, path);
      if (s.max !== undefined && v.length > s.max) {
        return invalid(`Invalid array: ${path} can have at most ${s.max} elements`, path);
      }
      for (let i = 0; i < v.length; i++) {
        const e = check(/** @type {Schema} */ (s.of), v[i], `${path}[${i}]`);
        if (e) return e;
      }
      return null;
    }
    case 'hash': {
      if (!isHash(v)) return invalid(`Invalid object`, path);
      const fields = /** @type {Record<string, Schema>} */ (s.fields);
      for (const k of Object.keys(v)) {
        if (!Object.prototype.hasOwnProperty.call(fields, k)) return unknownParam(join(path, k));
      }
      for (const r of s.required || []) {
        if (v[r] === undefined) return missingParam(join(path, r));
      }
      for (const [a, b] of s.exclusive || []) {
        if (v[a] !== undefined && v[b] !== undefined) {
          return invalid(`You may only specify one of these parameters: ${a}, ${b}.`, join(path, a), 'parameters_exclusive');
        }
      }
      for (const k of Object.keys(v)) {
        const e = check(fields[k], v[k], join(path, k));
        if (e) return e;
      }
      return null;
    }
    case 'metadata': {
      if (!isHash(v)) return invalid(`Invalid object`, path);
      const keys = Object.keys(v);
      if (keys.length > 50) return invalid(`Invalid ${path}: can have at most 50 keys`, path);
      for (const k of keys) {
        const p = join(path, k);
        if (k.length > 40) return invalid(`Metadata keys can be at most 40 characters long: ${show(k)}`, p);
        if (k.includes('[') || k.includes(']')) return invalid(`Metadata keys may not contain '[' or ']': ${show(k)}`, p);
        const val = v[k];
        if (typeof val !== 'string') return invalid(`Invalid string: ${show(val)}`, p);
        if (val.length > 500) return invalid(`Metadata values can be at most 500 characters long`, p);
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * Validate the params of one endpoint against its schema.
 * @param {Schema} schema  a 'hash' schema
 * @param {FormParams} params
 * @returns {ApiError | null}
 */
function validate(schema, params) {
  return check(schema, params, '');
}

/**
 * Validate the body of `POST /v1/customers` (op 'create') or `POST /v1/customers/:id` (op 'update').
 * @param {FormParams} params
 * @param {'create' | 'update'} op
 * @param {string | null | undefined} apiVersion
 * @returns {ApiError | null}
 */
function validateCustomerParams(params, op, apiVersion) {
  const legacy = isLegacyCouponVersion(apiVersion);
  const schema =
    op === CREATE ? (legacy ? CUSTOMER_CREATE_LEGACY : CUSTOMER_CREATE) : legacy ? CUSTOMER_UPDATE_LEGACY : CUSTOMER_UPDATE;
  return validate(schema, params);
}

module.exports = {
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
};
