// @ts-check
'use strict';

/**
 * Parameter validation for the customer endpoints, modelled on Stripe's
 * behaviour for stripe@23.1.0 / API 2026-10-28.endive.
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

/** Parameters `POST /v1/customers` accepts (API 2026-10-28.endive). */
const CREATE_PARAMS = Object.freeze([
  'address', 'balance', 'business_name', 'cash_balance', 'description', 'email', 'expand', 'individual_name',
  'invoice_prefix', 'invoice_settings', 'metadata', 'name', 'next_invoice_sequence', 'payment_method', 'phone',
  'preferred_locales', 'shipping', 'source', 'tax', 'tax_exempt', 'tax_id_data', 'test_clock', 'validate',
]);
/** Parameters `POST /v1/customers/:id` accepts. */
const UPDATE_PARAMS = Object.freeze([
  ...CREATE_PARAMS.filter((p) => p !== 'tax_id_data' && p !== 'payment_method' && p !== 'test_clock'),
  'default_source',
].sort());
/** Accepted on create/update only with `Stripe-Version` older than 2025-03-31 (e.g. 2025-02-24.acacia). */
const LEGACY_PARAMS = Object.freeze(['coupon', 'promotion_code']);
/** Fields removed from the API; always `parameter_unknown`. */
const REMOVED_PARAMS = Object.freeze(['account_balance', 'business_vat_id', 'default_source']);
/** Parameters of `POST /v1/customers/:id/tax_ids`. */
const TAX_ID_CREATE_PARAMS = Object.freeze(['type', 'value', 'expand']);

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
 * @property {'string'|'int'|'bool'|'hash'|'array'|'metadata'} t
 * @property {boolean} [emptyable]   '' allowed (means "unset")
 * @property {number} [max]          string length / array length
 * @property {RegExp} [pattern]
 * @property {string} [patternMessage]
 * @property {readonly string[] | Set<string>} [oneOf]
 * @property {Record<string, Schema>} [fields]
 * @property {string[]} [required]
 * @property {Schema} [of]
 * @property {boolean} [email]
 * @property {boolean} [notEmpty]     '' is rejected with parameter_invalid_empty
 */

/** @type {Schema} */
const str = { t: 'string' };
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

/** @type {Record<string, Schema>} */
const CREATE_SCHEMA = {
  address,
  balance: { t: 'int' },
  business_name: { t: 'string', max: 150, emptyable: true },
  cash_balance: {
    t: 'hash',
    fields: {
      settings: {
        t: 'hash',
        fields: { reconciliation_mode: { t: 'string', oneOf: ['automatic', 'manual', 'merchant_default'] } },
      },
    },
  },
  description: str,
  email: { t: 'string', max: 512, email: true, emptyable: true },
  expand: { t: 'array', of: str, emptyable: true },
  individual_name: { t: 'string', max: 150, emptyable: true },
  invoice_prefix: {
    t: 'string',
    pattern: /^[A-Z0-9]{1,12}$/,
    patternMessage: 'Invalid invoice_prefix: must be 1 to 12 uppercase letters or numbers.',
  },
  invoice_settings: {
    t: 'hash',
    fields: {
      custom_fields: {
        t: 'array',
        emptyable: true,
        max: 4,
        of: {
          t: 'hash',
          required: ['name', 'value'],
          fields: { name: { t: 'string', max: 40 }, value: { t: 'string', max: 140 } },
        },
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
  metadata: { t: 'metadata', emptyable: true },
  name: { t: 'string', max: 256 },
  next_invoice_sequence: { t: 'int' },
  payment_method: str,
  phone: { t: 'string', emptyable: true },
  preferred_locales: { t: 'array', of: str, emptyable: true },
  shipping: {
    t: 'hash',
    emptyable: true,
    required: ['name', 'address'],
    fields: { address: { ...address, emptyable: false }, name: str, phone: str },
  },
  source: str,
  tax: {
    t: 'hash',
    fields: {
      ip_address: { t: 'string', emptyable: true },
      validate_location: { t: 'string', oneOf: ['deferred', 'immediately'] },
    },
  },
  tax_exempt: { t: 'string', emptyable: true, oneOf: ['none', 'exempt', 'reverse'] },
  tax_id_data: {
    t: 'array',
    of: {
      t: 'hash',
      required: ['type', 'value'],
      fields: { type: { t: 'string', oneOf: TAX_ID_TYPE_SET }, value: { t: 'string', notEmpty: true } },
    },
  },
  test_clock: str,
  validate: { t: 'bool' },
};

/** @type {Record<string, Schema>} */
const UPDATE_SCHEMA = {};
for (const p of UPDATE_PARAMS) UPDATE_SCHEMA[p] = p === 'default_source' ? str : CREATE_SCHEMA[p];

/** @type {Record<string, Schema>} */
const LEGACY_SCHEMA = { coupon: str, promotion_code: str };

/** @type {Record<string, Schema>} */
const TAX_ID_SCHEMA = {
  type: { t: 'string', oneOf: TAX_ID_TYPE_SET },
  value: { t: 'string', notEmpty: true },
  expand: { t: 'array', of: str, emptyable: true },
};

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

// ---------------------------------------------------------------------------
// walk

/**
 * @param {Schema} s
 * @param {FormValue} v
 * @param {string} path
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
    case 'int': {
      if (typeof v !== 'string' || !INT_RE.test(v) || !Number.isSafeInteger(Number(v))) {
        return invalid(`Invalid integer: ${show(v)}`, path, 'parameter_invalid_integer');
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
        if (!Object.prototype.hasOwnProperty.call(fields, k)) return unknownParam(`${path}[${k}]`);
      }
      for (const r of s.required || []) {
        if (v[r] === undefined) return missingParam(`${path}[${r}]`);
      }
      for (const k of Object.keys(v)) {
        const e = check(fields[k], v[k], `${path}[${k}]`);
        if (e) return e;
      }
      return null;
    }
    case 'metadata': {
      if (!isHash(v)) return invalid(`Invalid object`, path);
      const keys = Object.keys(v);
      if (keys.length > 50) return invalid(`Invalid ${path}: can have at most 50 keys`, path);
      for (const k of keys) {
        const p = `${path}[${k}]`;
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
 * @param {Record<string, Schema>} schema
 * @param {FormParams} params
 * @returns {ApiError | null}
 */
function checkTop(schema, params) {
  for (const k of Object.keys(params)) {
    if (!Object.prototype.hasOwnProperty.call(schema, k)) return unknownParam(k);
  }
  for (const k of Object.keys(params)) {
    const e = check(schema[k], params[k], k);
    if (e) return e;
  }
  return null;
}

/**
 * Validate the body of `POST /v1/customers` (mode 'create') or
 * `POST /v1/customers/:id` (mode 'update').
 * @param {FormParams} params
 * @param {'create' | 'update'} mode
 * @param {string | null | undefined} apiVersion
 * @returns {ApiError | null}
 */
function validateCustomerParams(params, mode, apiVersion) {
  const base = mode === 'create' ? CREATE_SCHEMA : UPDATE_SCHEMA;
  const schema = isLegacyCouponVersion(apiVersion) ? { ...base, ...LEGACY_SCHEMA } : base;
  return checkTop(schema, params);
}

/**
 * Validate the body of `POST /v1/customers/:id/tax_ids`.
 * @param {FormParams} params
 * @returns {ApiError | null}
 */
function validateTaxIdParams(params) {
  const e = checkTop(TAX_ID_SCHEMA, params);
  if (e) return e;
  if (params.type === undefined) return missingParam('type');
  if (params.value === undefined) return missingParam('value');
  return null;
}

module.exports = {
  TAX_ID_TYPES,
  CREATE_PARAMS,
  UPDATE_PARAMS,
  LEGACY_PARAMS,
  REMOVED_PARAMS,
  TAX_ID_CREATE_PARAMS,
  isLegacyCouponVersion,
  validateCustomerParams,
  validateTaxIdParams,
  apiError,
  invalid,
};
