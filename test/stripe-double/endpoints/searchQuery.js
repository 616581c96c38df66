// @ts-check
'use strict';

/**
 * The part of Stripe's search query language that customer search supports
 * (https://stripe.com/docs/search): clauses `field op value`, joined by spaces / AND
 * or by OR (never both), each optionally negated with a leading `-`.
 *
 * Customer query fields at Stripe: created (numeric), email, name, phone (string),
 * metadata['key'] (token). String values must be quoted ('…' or "…", backslash escapes);
 * numbers may be bare. `:` is an exact match: on a string field, case-insensitive, and a field
 * "contains all of the words from the query in the same order" (Stripe's words: `name:"one two
 * three"` matches "one two three four"), so `email:"ada@example.com"` also finds
 * "mary.ada@example.com"; on metadata (a token), the whole value, case-sensitive. `~` is a
 * substring match of at least 3 characters (string fields only), `> < >= <= =` compare numbers
 * (created only). At most 10 clauses.
 */

const { invalid } = require('../core/errors');

/** @typedef {import('../core/errors').ApiError} ApiError */

/**
 * @typedef {object} Clause
 * @property {boolean} negated
 * @property {'created' | 'email' | 'name' | 'phone' | 'metadata'} field
 * @property {string} [key]         metadata key
 * @property {':' | '~' | '>' | '<' | '>=' | '<=' | '='} op
 * @property {string | number | null} value   null = the bare word `null` (field unset)
 */

/** @typedef {{ clauses: Clause[], join: 'AND' | 'OR' }} Query */

const FIELDS = ['created', 'email', 'metadata', 'name', 'phone'];
const MAX_CLAUSES = 10;

/** @param {string} message */
const bad = (message) => invalid(message, 'query');

/**
 * Parse a customer search query.
 * @param {string} query
 * @returns {Query | ApiError}
 */
function parseQuery(query) {
	let i = 0;
	const n = query.length;
	const ws = () => {
		while (i < n && /\s/.test(query[i])) i++;
	};
	/** @returns {string | ApiError} */
	const quoted = () => {
		const q = query[i++];
		let out = '';
		while (i < n && query[i] !== q) {
			if (query[i] === '\\' && i + 1 < n) i++;
			out += query[i++];
		}
		if (i >= n)
			return bad(
				`Invalid query: unterminated quoted value starting at position ${query.lastIndexOf(q, i - 1)}.`,
			);
		i++;
		return out;
	};

	/** @type {Clause[]} */
	const clauses = [];
	/** @type {Set<'AND' | 'OR'>} */
	const joins = new Set();
	ws();
	if (i >= n) return bad('Invalid query: the query is empty. Example: email:"jenny@example.com"');
	while (i < n) {
		const start = i;
		const negated = query[i] === '-';
		if (negated) i++;
		const fm = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(query.slice(i));
		if (!fm)
			return bad(
				`Invalid query: expected a field name at position ${i}, found ${JSON.stringify(query.slice(i, i + 10))}.`,
			);
		const fieldName = fm[0];
		i += fieldName.length;
		if (!FIELDS.includes(fieldName)) {
			return bad(
				`Invalid query: the field '${fieldName}' is not supported for customer search. ` +
					`Supported fields: ${FIELDS.join(', ')} (see https://stripe.com/docs/search#query-fields-for-customers).`,
			);
		}
		const field = /** @type {Clause['field']} */ (fieldName);
		/** @type {string | undefined} */
		let key;
		if (field === 'metadata') {
			if (query[i] !== '[' || (query[i + 1] !== '"' && query[i + 1] !== "'")) {
				return bad(
					`Invalid query: metadata needs a quoted key, as in metadata['order_id']:'1234' (position ${i}).`,
				);
			}
			i++;
			const k = quoted();
			if (typeof k !== 'string') return k;
			if (query[i] !== ']')
				return bad(`Invalid query: expected ']' after the metadata key at position ${i}.`);
			i++;
			key = k;
		}
		const om = /^(>=|<=|:|~|>|<|=)/.exec(query.slice(i));
		if (!om) {
			return bad(
				`Invalid query: expected an operator (: ~ > < >= <= =) after '${fieldName}' at position ${i}.`,
			);
		}
		const op = /** @type {Clause['op']} */ (om[0]);
		i += op.length;
		/** @type {string | number | null} */
		let value;
		let isQuoted = false;
		if (query[i] === '"' || query[i] === "'") {
			const v = quoted();
			if (typeof v !== 'string') return v;
			value = v;
			isQuoted = true;
		} else {
			const vm = /^[^\s"']+/.exec(query.slice(i));
			if (!vm)
				return bad(`Invalid query: expected a value after '${fieldName}${op}' at position ${i}.`);
			value = vm[0];
			i += value.length;
		}
		const clause = query.slice(start, i);

		if (field === 'created') {
			if (op === '~')
				return bad(
					`Invalid query: '${clause}': created is a numeric field; substring matching (~) is not supported.`,
				);
			if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
				return bad(
					`Invalid query: '${clause}': created takes an integer Unix timestamp, e.g. created>1700000000.`,
				);
			}
			value = Number(value);
		} else {
			if (!isQuoted && value === 'null' && op === ':') value = null;
			else if (!isQuoted) {
				return bad(
					`Invalid query: '${clause}': string values must be quoted, e.g. ${fieldName}${key === undefined ? '' : `['${key}']`}${op}"${value}".`,
				);
			}
			if (op !== ':' && op !== '~') {
				return bad(
					`Invalid query: '${clause}': ${fieldName} is not numeric; use : for an exact match${field === 'metadata' ? '' : ' or ~ for a substring'}.`,
				);
			}
			if (op === '~') {
				if (field === 'metadata')
					return bad(`Invalid query: '${clause}': metadata supports exact matches (:) only.`);
				if (typeof value === 'string' && value.length < 3) {
					return bad(
						`Invalid query: '${clause}': a substring search (~) needs at least 3 characters.`,
					);
				}
			}
		}
		clauses.push({ negated, field, key, op, value });
		if (clauses.length > MAX_CLAUSES)
			return bad(`Invalid query: at most ${MAX_CLAUSES} clauses are allowed.`);

		const before = i;
		ws();
		if (i >= n) break;
		if (i === before)
			return bad(`Invalid query: expected a space, AND or OR after '${clause}' at position ${i}.`);
		const km = /^(AND|OR)(?=\s|$)/i.exec(query.slice(i));
		if (km) {
			joins.add(/** @type {'AND' | 'OR'} */ (km[1].toUpperCase()));
			i += km[1].length;
			ws();
			if (i >= n) return bad(`Invalid query: the query ends with ${km[1]}.`);
		} else {
			joins.add('AND');
		}
	}
	if (joins.size > 1) {
		return bad(
			'Invalid query: AND and OR cannot be combined in one query (a space between clauses means AND).',
		);
	}
	return { clauses, join: joins.has('OR') ? 'OR' : 'AND' };
}

/**
 * The words of a text, in lower case. Stripe does not say how it splits a text into words; the double takes runs of
 * letters and digits, so an email's words are its parts between `@`, `.`, `+`, `-`…
 * @param {string} text
 */
const wordsOf = (text) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];

/**
 * Stripe's exact match on a string: the value holds the query's words, one after another, in any case.
 * @param {string} actual
 * @param {string} query
 */
function hasWordsInOrder(actual, query) {
	const wanted = wordsOf(query);
	if (!wanted.length) return actual.toLowerCase() === query.toLowerCase();
	const words = wordsOf(actual);
	for (let start = 0; start + wanted.length <= words.length; start++)
		if (wanted.every((word, i) => words[start + i] === word)) return true;
	return false;
}

/**
 * @param {Clause} c
 * @param {Record<string, any>} customer
 */
function matchClause(c, customer) {
	/** @type {boolean} */
	let hit;
	if (c.field === 'created') {
		const v = /** @type {number} */ (c.value);
		const x = customer.created;
		hit =
			c.op === '>'
				? x > v
				: c.op === '<'
					? x < v
					: c.op === '>='
						? x >= v
						: c.op === '<='
							? x <= v
							: x === v;
	} else {
		const actual =
			c.field === 'metadata' ? customer.metadata[/** @type {string} */ (c.key)] : customer[c.field];
		if (c.value === null) hit = actual === null || actual === undefined || actual === '';
		else if (typeof actual !== 'string') hit = false;
		else if (c.field === 'metadata') hit = actual === c.value;
		else if (c.op === '~') hit = actual.toLowerCase().includes(String(c.value).toLowerCase());
		else hit = hasWordsInOrder(actual, String(c.value));
	}
	return c.negated ? !hit : hit;
}

/**
 * @param {Query} q
 * @param {Record<string, any>} customer
 */
function matches(q, customer) {
	return q.join === 'OR'
		? q.clauses.some((c) => matchClause(c, customer))
		: q.clauses.every((c) => matchClause(c, customer));
}

module.exports = { parseQuery, matches, SEARCH_FIELDS: FIELDS };
