// @ts-check
'use strict';

/**
 * The parameter schema language of the double and its walker: each endpoint file declares the schema of
 * its parameters with these pieces and validates a request with `validate(schema, params)`, which answers
 * the first problem as Stripe words it (parameter_unknown, parameter_missing, parameter_invalid_integer…).
 */

const { invalid, unknownParam, missingParam, emptyNotAllowed } = require('./errors');

/** @typedef {import('./formDecode').FormValue} FormValue */
/** @typedef {import('./formDecode').FormParams} FormParams */
/** @typedef {import('./errors').ApiError} ApiError */

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
 * @property {string} [oneOfName]   how an error names a long oneOf list, e.g. 'the supported tax ID types'
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
/** A list page size (1–100). @type {Schema} */
const pageLimit = { t: 'int', min: 1, max: 100 };
/** Stripe's metadata rules (50 keys, key ≤ 40 chars without brackets, value ≤ 500 chars; '' clears). @type {Schema} */
const metadata = { t: 'metadata', emptyable: true };
/** @type {Schema} */
const bool = { t: 'bool' };

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
		return invalid(
			`This value must be greater than or equal to ${s.min} and less than or equal to ${s.max}.`,
			path,
		);
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
					const list =
						'one of ' +
						(s.oneOfName || (s.oneOf instanceof Set ? [...s.oneOf] : s.oneOf).join(', '));
					return invalid(`Invalid ${path}: must be ${list} (got ${show(v)})`, path);
				}
			}
			if (s.pattern && !s.pattern.test(v))
				return invalid(s.patternMessage || `Invalid ${path}: ${show(v)}`, path);
			if (s.email && !EMAIL_RE.test(v))
				return invalid(`Invalid email address: ${show(v)}`, path, 'email_invalid');
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
					return invalid(
						`You may only specify one of these parameters: ${a}, ${b}.`,
						join(path, a),
						'parameters_exclusive',
					);
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
				if (k.length > 40)
					return invalid(`Metadata keys can be at most 40 characters long: ${show(k)}`, p);
				if (k.includes('[') || k.includes(']'))
					return invalid(`Metadata keys may not contain '[' or ']': ${show(k)}`, p);
				const val = v[k];
				if (typeof val !== 'string') return invalid(`Invalid string: ${show(val)}`, p);
				if (val.length > 500)
					return invalid(`Metadata values can be at most 500 characters long`, p);
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

module.exports = { str, expand, pageLimit, metadata, bool, validate };
