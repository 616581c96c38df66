// @ts-check
'use strict';

/**
 * The idempotency store: per scope (account + key), the request's fingerprint while it is in flight, then the
 * stored answer that a repeat of the same request replays.
 */

/**
 * @typedef {object} IdemEntry
 * @property {boolean} inFlight
 * @property {string} fingerprint
 * @property {number} [status]
 * @property {string} [body]
 * @property {string} [requestId]
 * @property {Record<string, string>} [headers]   headers stored with the answer (e.g. Stripe-Should-Retry)
 */

class IdempotencyStore {
  constructor() {
    /** @type {Map<string, IdemEntry>} */
    this.entries = new Map();
  }

  /** @param {string} scope */
  get(scope) {
    return this.entries.get(scope);
  }

  /** @param {string} scope @param {string} fingerprint */
  begin(scope, fingerprint) {
    this.entries.set(scope, { inFlight: true, fingerprint });
  }

  /**
   * @param {string} scope
   * @param {string} fingerprint
   * @param {{ status: number, body: string, requestId: string, headers?: Record<string, string> }} answer
   */
  store(scope, fingerprint, answer) {
    this.entries.set(scope, { inFlight: false, fingerprint, ...answer });
  }

  /** Forget a key (its request stored nothing). @param {string} scope */
  forget(scope) {
    this.entries.delete(scope);
  }

  clear() {
    this.entries.clear();
  }
}

module.exports = { IdempotencyStore };
