// @ts-check
'use strict';

/**
 * The idempotency store (docs "Idempotent requests", "Advanced error handling"): per scope (the account acted on
 * + the key), the request's fingerprint while it is in flight, then the answer of the executed request (whatever
 * its status) that a repeat of the same request replays until the key expires (24 hours at Stripe).
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {object} StoredAnswer
 * @property {number} status
 * @property {string} body
 * @property {string} requestId
 * @property {Record<string, string>} headers   headers replayed with it (Stripe-Should-Retry)
 */

/**
 * @typedef {object} IdemEntry
 * @property {boolean} inFlight
 * @property {string} fingerprint
 * @property {number} storedAt      performance.now() time of the answer (Infinity while in flight)
 * @property {StoredAnswer} [answer]
 */

class IdempotencyStore {
	/** @param {number} [ttlMs] */
	constructor(ttlMs = DAY_MS) {
		/** @type {Map<string, IdemEntry>} */
		this.entries = new Map();
		this.ttlMs = ttlMs;
	}

	/** The live entry of a scope (an expired one is forgotten). @param {string} scope */
	get(scope) {
		const e = this.entries.get(scope);
		if (e && !e.inFlight && e.storedAt + this.ttlMs <= performance.now()) {
			this.entries.delete(scope);
			return undefined;
		}
		return e;
	}

	/** @param {string} scope @param {string} fingerprint */
	begin(scope, fingerprint) {
		this.entries.set(scope, { inFlight: true, fingerprint, storedAt: Infinity });
	}

	/** @param {string} scope @param {string} fingerprint @param {StoredAnswer} answer */
	store(scope, fingerprint, answer) {
		this.entries.set(scope, { inFlight: false, fingerprint, storedAt: performance.now(), answer });
	}

	/** Forget a key (its request stored nothing). @param {string} scope */
	forget(scope) {
		this.entries.delete(scope);
	}

	clear() {
		this.entries.clear();
	}
}

module.exports = { IdempotencyStore, DAY_MS };
