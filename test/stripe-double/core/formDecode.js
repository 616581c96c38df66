// @ts-check
'use strict';

/**
 * Decoder for Stripe's wire format: `application/x-www-form-urlencoded` with
 * bracket nesting (`shipping[address][line1]=x`, `tax_id_data[0][type]=eu_vat`,
 * `expand[]=a`). Numeric indices become arrays (ordered by index, compacted);
 * everything else becomes plain objects. Values stay strings.
 */

/** @typedef {string | FormArray | FormParams} FormValue */
/** @typedef {FormValue[]} FormArray */
/** @typedef {{ [key: string]: FormValue }} FormParams */

/** @param {string} s */
function decodePart(s) {
	const plus = s.indexOf('+') === -1 ? s : s.replace(/\+/g, ' ');
	if (plus.indexOf('%') === -1) return plus;
	try {
		return decodeURIComponent(plus);
	} catch {
		// malformed escape: decode what can be decoded, keep the rest literally
		return plus.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
			try {
				return decodeURIComponent(m);
			} catch {
				return m;
			}
		});
	}
}

/**
 * Split `a[b][0][]` into ['a', 'b', '0', ''].
 * @param {string} key
 * @returns {string[]}
 */
function splitKey(key) {
	const open = key.indexOf('[');
	if (open <= 0) return [key];
	/** @type {string[]} */
	const segs = [key.slice(0, open)];
	let i = open;
	while (i < key.length) {
		if (key[i] !== '[') {
			// trailing garbage after a closing bracket: keep it as a literal segment
			segs.push(key.slice(i));
			break;
		}
		const close = key.indexOf(']', i + 1);
		if (close === -1) {
			segs.push(key.slice(i + 1));
			break;
		}
		segs.push(key.slice(i + 1, close));
		i = close + 1;
	}
	return segs;
}

/**
 * @typedef {{ [key: string]: Node | string }} Node  (null-prototype while building)
 */

/** @returns {any} */
function node() {
	return Object.create(null);
}

/**
 * @param {any} root
 * @param {string[]} segs
 * @param {string} value
 */
function assign(root, segs, value) {
	let cur = root;
	for (let i = 0; i < segs.length; i++) {
		let seg = segs[i];
		if (seg === '') seg = String(Object.keys(cur).length); // `a[]=x` appends
		if (i === segs.length - 1) {
			cur[seg] = value;
			return;
		}
		const next = cur[seg];
		if (next === undefined || typeof next !== 'object') cur[seg] = node();
		cur = cur[seg];
	}
}

/**
 * Convert the null-prototype build tree into plain objects / arrays.
 * @param {any} v
 * @returns {FormValue}
 */
function finish(v) {
	if (typeof v !== 'object' || v === null) return v;
	const keys = Object.keys(v);
	if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
		keys.sort((a, b) => Number(a) - Number(b));
		return keys.map((k) => finish(v[k]));
	}
	/** @type {{ [key: string]: FormValue }} */
	const out = {};
	for (const k of keys) {
		const val = finish(v[k]);
		if (k === '__proto__') {
			Object.defineProperty(out, k, {
				value: val,
				enumerable: true,
				writable: true,
				configurable: true,
			});
		} else {
			out[k] = val;
		}
	}
	return out;
}

/**
 * Decode a form-encoded body or query string (without the leading `?`).
 * @param {string} input
 * @returns {FormParams}
 */
function decodeForm(input) {
	const root = node();
	if (!input) return {};
	const pairs = input.split('&');
	for (const pair of pairs) {
		if (pair === '') continue;
		const eq = pair.indexOf('=');
		const rawKey = eq === -1 ? pair : pair.slice(0, eq);
		const rawVal = eq === -1 ? '' : pair.slice(eq + 1);
		const key = decodePart(rawKey);
		if (key === '') continue;
		assign(root, splitKey(key), decodePart(rawVal));
	}
	const out = finish(root);
	// a top level made only of numeric keys is still an object of params
	if (Array.isArray(out)) {
		/** @type {FormParams} */
		const obj = {};
		out.forEach((v, i) => (obj[String(i)] = v));
		return obj;
	}
	return /** @type {FormParams} */ (out);
}

module.exports = { decodeForm };
