// @ts-check
'use strict';

/** Small helpers shared by the core and the endpoint files. */

const crypto = require('node:crypto');

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

/** Unix seconds. */
const nowSeconds = () => Math.floor(Date.now() / 1000);

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

/** @param {unknown} v @param {string} name */
function checkNonNegative(v, name) {
	if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
		throw new TypeError(`${name} must be a number >= 0`);
	return v;
}

/**
 * Apply a `metadata` param to existing metadata: '' clears all, a key set to '' is removed.
 * @param {unknown} m
 * @param {Record<string, string>} [into]
 */
function mergeMetadata(m, into = {}) {
	if (m === '') return {};
	if (isHash(m)) {
		for (const k of Object.keys(m)) {
			if (m[k] === '') delete into[k];
			// defineProperty, not `into[k] =`: a key such as "__proto__" is a metadata key like any other at Stripe
			else
				Object.defineProperty(into, k, {
					value: m[k],
					enumerable: true,
					writable: true,
					configurable: true,
				});
		}
	}
	return into;
}

/** `expand[]=data.x` entries of a list/search request, as `x`. @param {unknown} expand */
function expandOfData(expand) {
	return Array.isArray(expand)
		? expand
				.filter((x) => typeof x === 'string' && x.startsWith('data.'))
				.map((x) => String(x).slice(5))
		: undefined;
}

/**
 * The `created` filter of a list request (an integer, or a hash of gt/gte/lt/lte integers; validated) as a test
 * of an object's `created`.
 * @param {unknown} created
 * @returns {(o: Record<string, any>) => boolean}
 */
function matchCreated(created) {
	if (typeof created === 'string') return (o) => o.created === Number(created);
	if (!isHash(created)) return () => true;
	const tests = Object.entries(created).map(([op, val]) => {
		const n = Number(val);
		if (op === 'gt') return (/** @type {number} */ c) => c > n;
		if (op === 'gte') return (/** @type {number} */ c) => c >= n;
		if (op === 'lt') return (/** @type {number} */ c) => c < n;
		return (/** @type {number} */ c) => c <= n;
	});
	return (o) => tests.every((t) => t(o.created));
}

module.exports = {
	matchCreated,
	randomAlnum,
	randomHexUpper,
	nowSeconds,
	stableStringify,
	isHash,
	strOrNull,
	checkNonNegative,
	mergeMetadata,
	expandOfData,
};
