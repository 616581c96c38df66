// @ts-check
'use strict';

/**
 * Fault injection for the Stripe double: a seeded PRNG, a token bucket, the
 * sustained rate-limit window and the per-request fault decision (failNext
 * queue → rate-limit burst → 500 → drop-after-create).
 */

/**
 * @typedef {object} RateLimitWindow
 * @property {number} everyMs  period
 * @property {number} forMs    the first forMs of each period answer 429
 */

/**
 * @typedef {object} FaultOptions
 * @property {number} [error500Rate]
 * @property {number} [dropAfterCreateRate]
 * @property {number} [rateLimitBurstEvery]
 * @property {number} [rateLimitBurstLength]
 * @property {RateLimitWindow} [rateLimitWindow]
 */

/**
 * @typedef {{ status: 500 | 429 | 409 | 403 | 401 | 400 } | { status: 402, decline_code?: string }
 *   | { drop: 'before' | 'after-create' }} FailHow
 */

/**
 * @typedef {{ kind: 'none' }
 *   | { kind: 'status', status: number, declineCode?: string, source: 'failNext' | 'burst' | 'random' }
 *   | { kind: 'drop', when: 'before' | 'after-create', source: 'failNext' | 'random' }} FaultDecision
 */

const FAIL_STATUSES = [500, 429, 409, 403, 402, 401, 400];

/**
 * mulberry32: small, fast, deterministic.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Token bucket: capacity = rate, refills `rate` tokens per second. */
class TokenBucket {
  /** @param {number} perSecond */
  constructor(perSecond) {
    this.rate = perSecond;
    this.tokens = perSecond;
    this.last = performance.now();
  }

  /** @returns {boolean} true if a token was taken */
  take() {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** @param {FailHow} how */
function checkHow(how) {
  if (how && typeof how === 'object') {
    if ('status' in how && FAIL_STATUSES.includes(how.status)) {
      const decline = /** @type {{ decline_code?: unknown }} */ (how).decline_code;
      if (decline === undefined || (how.status === 402 && typeof decline === 'string' && decline !== '')) return;
    }
    if ('drop' in how && (how.drop === 'before' || how.drop === 'after-create')) return;
  }
  throw new TypeError(`failNext: invalid "how" ${JSON.stringify(how)}`);
}

/** @param {FaultOptions | undefined} f @returns {FaultOptions} */
function normalizeFaults(f) {
  /** @type {FaultOptions} */
  const out = {};
  if (!f) return out;
  for (const k of /** @type {const} */ (['error500Rate', 'dropAfterCreateRate', 'rateLimitBurstEvery', 'rateLimitBurstLength'])) {
    const v = f[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`faults.${k} must be a number >= 0`);
    out[k] = v;
  }
  const w = f.rateLimitWindow;
  if (w !== undefined && w !== null) {
    const ok = (/** @type {unknown} */ n) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
    if (typeof w !== 'object' || !ok(w.everyMs) || !ok(w.forMs) || !(w.everyMs > 0) || w.forMs > w.everyMs) {
      throw new TypeError('faults.rateLimitWindow must be {everyMs > 0, forMs between 0 and everyMs}');
    }
    out.rateLimitWindow = { everyMs: w.everyMs, forMs: w.forMs };
  }
  return out;
}

class FaultInjector {
  /** @param {number | undefined} seed @param {FaultOptions | undefined} faults */
  constructor(seed, faults) {
    this.seed = seed === undefined ? (Math.random() * 0x100000000) >>> 0 : seed >>> 0;
    this.rng = mulberry32(this.seed);
    /** @type {FaultOptions} */
    this.faults = normalizeFaults(faults);
    /** @type {{ n: number, how: FailHow }[]} */
    this.queue = [];
    this.counter = 0;
    this.burstRemaining = 0;
    this.windowStart = performance.now();
  }

  /** @param {FaultOptions | undefined} f */
  setFaults(f) {
    this.faults = normalizeFaults(f);
    this.counter = 0;
    this.burstRemaining = 0;
    this.windowStart = performance.now();
  }

  /**
   * True when a request arriving now falls in the closed part of the rate-limit window
   * (periods count from the moment the faults were set).
   */
  inRateLimitWindow() {
    const w = this.faults.rateLimitWindow;
    if (!w || w.forMs <= 0) return false;
    return (performance.now() - this.windowStart) % w.everyMs < w.forMs;
  }

  /** @param {number} n @param {FailHow} how */
  failNext(n, how) {
    checkHow(how);
    if (!Number.isInteger(n) || n < 0) throw new TypeError('failNext: n must be an integer >= 0');
    if (n > 0) this.queue.push({ n, how });
  }

  reset() {
    this.rng = mulberry32(this.seed);
    this.faults = {};
    this.queue = [];
    this.counter = 0;
    this.burstRemaining = 0;
  }

  /**
   * Decide the fault for one fault-eligible request.
   * @returns {FaultDecision}
   */
  decide() {
    this.counter++;
    const f = this.faults;
    const every = f.rateLimitBurstEvery || 0;
    if (every > 0 && this.counter % every === 0) this.burstRemaining = Math.max(0, Math.floor(f.rateLimitBurstLength || 0));

    const head = this.queue[0];
    if (head) {
      if (--head.n <= 0) this.queue.shift();
      const how = head.how;
      if ('status' in how) {
        const declineCode = 'decline_code' in how ? how.decline_code : undefined;
        return { kind: 'status', status: how.status, declineCode, source: 'failNext' };
      }
      return { kind: 'drop', when: how.drop, source: 'failNext' };
    }
    if (this.burstRemaining > 0) {
      this.burstRemaining--;
      return { kind: 'status', status: 429, source: 'burst' };
    }
    if (f.error500Rate && this.rng() < f.error500Rate) return { kind: 'status', status: 500, source: 'random' };
    if (f.dropAfterCreateRate && this.rng() < f.dropAfterCreateRate) {
      return { kind: 'drop', when: 'after-create', source: 'random' };
    }
    return { kind: 'none' };
  }
}

module.exports = { TokenBucket, FaultInjector };
