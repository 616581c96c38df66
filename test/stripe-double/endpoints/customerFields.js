// @ts-check
'use strict';

/**
 * Every customer parameter, once: which of create (`POST /v1/customers`) and update (`POST /v1/customers/:id`)
 * accepts it, and its rule. Modelled on stripe@23.1.0 / API 2026-10-28.endive.
 */

const { str, expand, metadata, bool, validate } = require('../core/schema');

/** @typedef {import('../core/schema').Schema} Schema */
/** @typedef {import('../core/formDecode').FormParams} FormParams */
/** @typedef {import('../core/errors').ApiError} ApiError */

/** The 135 `CustomerCreateParams.TaxIdDatum.Type` values of stripe@23.1.0. */
const TAX_ID_TYPES = Object.freeze([
	'ad_nrt',
	'ae_trn',
	'al_tin',
	'am_tin',
	'ao_tin',
	'ar_cuit',
	'au_abn',
	'au_acn',
	'au_arn',
	'au_wpn',
	'aw_tin',
	'az_tin',
	'ba_tin',
	'bb_tin',
	'bd_bin',
	'bf_ifu',
	'bg_uic',
	'bh_vat',
	'bj_ifu',
	'bo_tin',
	'br_cnpj',
	'br_cpf',
	'bs_tin',
	'bw_vat',
	'by_tin',
	'ca_bn',
	'ca_gst_hst',
	'ca_pst_bc',
	'ca_pst_mb',
	'ca_pst_sk',
	'ca_qst',
	'cd_nif',
	'ch_uid',
	'ch_vat',
	'ci_vat',
	'cl_tin',
	'cm_niu',
	'cn_tin',
	'co_nit',
	'cr_tin',
	'cv_nif',
	'cz_dic',
	'de_stn',
	'do_rcn',
	'ec_ruc',
	'eg_tin',
	'es_cif',
	'et_tin',
	'eu_oss_vat',
	'eu_vat',
	'fo_vat',
	'fr_siren',
	'fr_siret',
	'fr_spi',
	'gb_vat',
	'ge_vat',
	'gh_tin',
	'gi_tin',
	'gn_nif',
	'hk_br',
	'hr_oib',
	'hu_tin',
	'ic_nif',
	'id_npwp',
	'il_vat',
	'in_gst',
	'is_kt',
	'is_vat',
	'it_cf',
	'jp_cn',
	'jp_rn',
	'jp_trn',
	'ke_pin',
	'kg_tin',
	'kh_tin',
	'kr_brn',
	'kz_bin',
	'la_tin',
	'li_uid',
	'li_vat',
	'lk_vat',
	'ma_vat',
	'md_cf',
	'md_vat',
	'me_pib',
	'mk_vat',
	'mr_nif',
	'mu_vat',
	'mx_rfc',
	'my_frp',
	'my_itn',
	'my_sst',
	'mz_nuit',
	'ng_tin',
	'no_vat',
	'no_voec',
	'np_pan',
	'nz_bn',
	'nz_gst',
	'om_vat',
	'pe_ruc',
	'ph_tin',
	'pl_nip',
	'pt_nif',
	'py_ruc',
	'ro_tin',
	'rs_pib',
	'ru_inn',
	'ru_kpp',
	'sa_vat',
	'sg_gst',
	'sg_uen',
	'si_tin',
	'sm_coe',
	'sn_ninea',
	'sr_fin',
	'sv_nit',
	'th_vat',
	'tj_tin',
	'tr_tin',
	'tt_bir',
	'tt_vat',
	'tw_vat',
	'tz_vat',
	'ua_vat',
	'ug_tin',
	'us_ein',
	'uy_ruc',
	'uz_tin',
	'uz_vat',
	've_rif',
	'vn_tin',
	'za_vat',
	'zm_tin',
	'zw_tin',
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

/** @type {Schema} */
const address = {
	t: 'hash',
	emptyable: true,
	fields: {
		city: str,
		country: {
			t: 'string',
			pattern: /^[A-Za-z]{2}$/,
			patternMessage: 'Country must be a 2-letter ISO 3166-1 alpha-2 code, such as US, DE or GB.',
		},
		line1: str,
		line2: str,
		postal_code: str,
		state: str,
	},
};
/** @type {Schema} */
const taxIdType = { t: 'string', oneOf: TAX_ID_TYPE_SET, oneOfName: 'the supported tax ID types' };
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
					fields: {
						reconciliation_mode: {
							t: 'string',
							oneOf: ['automatic', 'manual', 'merchant_default'],
						},
					},
				},
			},
		},
	],
	// Stripe cannot unset a default source (stripe/stripe-dotnet#1956, a Stripe engineer): `default_source=` is refused.
	default_source: [UPDATE, { t: 'string', notEmpty: true }],
	description: [BOTH, str],
	email: [BOTH, { t: 'string', max: 512, email: true, emptyable: true }],
	expand: [BOTH, expand],
	individual_name: [BOTH, { t: 'string', max: 150, emptyable: true }],
	invoice_prefix: [
		BOTH,
		{
			t: 'string',
			pattern: /^[A-Z0-9]{1,12}$/,
			patternMessage: 'Invalid invoice_prefix: must be 1 to 12 uppercase letters or numbers.',
		},
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
						amount_tax_display: {
							t: 'string',
							emptyable: true,
							oneOf: ['exclude_tax', 'include_inclusive_tax'],
						},
						template: str,
					},
				},
			},
		},
	],
	metadata: [BOTH, metadata],
	name: [BOTH, { t: 'string', max: 256 }],
	next_invoice_sequence: [BOTH, { t: 'int' }],
	payment_method: [CREATE, str],
	phone: [BOTH, { t: 'string', emptyable: true }],
	preferred_locales: [BOTH, { t: 'array', of: str, emptyable: true }],
	shipping: [
		BOTH,
		{
			t: 'hash',
			emptyable: true,
			required: ['name', 'address'],
			fields: { address: { ...address, emptyable: false }, name: str, phone: str },
		},
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
		{
			t: 'array',
			of: {
				t: 'hash',
				required: ['type', 'value'],
				fields: { type: taxIdType, value: taxIdValue },
			},
		},
	],
	test_clock: [CREATE, str],
	validate: [BOTH, bool],
};

/** Accepted on create and update only with a `Stripe-Version` dated before 2025-03-31 (e.g. 2025-02-24.acacia). */
const LEGACY_FIELDS = { coupon: str, promotion_code: str };

/** @param {'create' | 'update'} op @returns {Record<string, Schema>} */
function customerFields(op) {
	/** @type {Record<string, Schema>} */
	const out = {};
	for (const [name, [on, schema]] of Object.entries(CUSTOMER_FIELDS))
		if (on === op || on === BOTH) out[name] = schema;
	return out;
}

/** @type {Schema} */
const CUSTOMER_CREATE = { t: 'hash', fields: customerFields(CREATE) };
/** @type {Schema} */
const CUSTOMER_UPDATE = { t: 'hash', fields: customerFields(UPDATE) };
/** @type {Schema} */
const CUSTOMER_CREATE_LEGACY = {
	t: 'hash',
	fields: { ...CUSTOMER_CREATE.fields, ...LEGACY_FIELDS },
};
/** @type {Schema} */
const CUSTOMER_UPDATE_LEGACY = {
	t: 'hash',
	fields: { ...CUSTOMER_UPDATE.fields, ...LEGACY_FIELDS },
};

/** Parameters `POST /v1/customers` accepts (API 2026-10-28.endive). */
const CREATE_PARAMS = Object.freeze(
	Object.keys(/** @type {Record<string, Schema>} */ (CUSTOMER_CREATE.fields)),
);
/** Parameters `POST /v1/customers/:id` accepts. */
const UPDATE_PARAMS = Object.freeze(
	Object.keys(/** @type {Record<string, Schema>} */ (CUSTOMER_UPDATE.fields)),
);
/** Accepted on create/update only with `Stripe-Version` older than 2025-03-31 (e.g. 2025-02-24.acacia). */
const LEGACY_PARAMS = Object.freeze(Object.keys(LEGACY_FIELDS));

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
		op === CREATE
			? legacy
				? CUSTOMER_CREATE_LEGACY
				: CUSTOMER_CREATE
			: legacy
				? CUSTOMER_UPDATE_LEGACY
				: CUSTOMER_UPDATE;
	return validate(schema, params);
}

module.exports = {
	TAX_ID_TYPES,
	CREATE_PARAMS,
	UPDATE_PARAMS,
	LEGACY_PARAMS,
	taxIdType,
	taxIdValue,
	isLegacyCouponVersion,
	validateCustomerParams,
};
