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
 * Which routes faults apply to: route names (`'POST /v1/customers/:id/tax_ids'`, the method and the path pattern
 * as registered) or `'*'` (every /v1 route). Unset: the customer writes (`POST /v1/customers`,
 * `POST /v1/customers/:id`, `DELETE /v1/customers/:id`).
 * @typedef {'*' | string | string[]} RouteSelector
 */

/**
 * @typedef {object} FaultOptions
 * @property {number} [error500Rate]
 * @property {number} [dropAfterCreateRate]
 * @property {number} [rateLimitBurstEvery]
 * @property {number} [rateLimitBurstLength]
 * @property {RateLimitWindow} [rateLimitWindow]
 * @property {RouteSelector} [routes]          where error500Rate, dropAfterCreateRate and bursts apply
 * @property {boolean} [rateLimitShouldRetry]  Stripe-Should-Retry on the limiters' 429s (unset: no header)
 */

/**
 * @typedef {object} FailStatus
 * @property {500 | 429 | 409 | 403 | 402 | 401 | 400} status
 * @property {string} [decline_code]               402 only
 * @property {'rate_limit' | 'lock_timeout'} [code] 429 only (default rate_limit)
 * @property {'rollback' | 'commit'} [after]
 *   the request was executed, then failed: 'rollback' = nothing changed, 'commit' = the change was made; either way
 *   the answer is stored for the idempotency key and replayed. Unset: refused before execution, nothing stored.
 * @property {boolean | null} [shouldRetry]        the Stripe-Should-Retry header to send (null: none); unset: as Stripe
 */

/** @typedef {FailStatus | { drop: 'before' | 'after-create' } | { delayMs: number }} FailHow */

/**
 * @typedef {{ kind: 'none' }
 *   | { kind: 'status', how: FailStatus, source: 'failNext' | 'burst' | 'random' }
 *   | { kind: 'drop', when: 'before' | 'after-create', source: 'failNext' | 'random' }
 *   | { kind: 'delay', ms: number, source: 'failNext' }} FaultDecision
 */

const FAIL_STATUSES = [500, 429, 409, 403, 402, 401, 400];
const STATUS_KEYS = ['status', 'decline_code', 'code', 'after', 'shouldRetry'];

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
	const bad = () => new TypeError(`failNext: invalid "how" ${JSON.stringify(how)}`);
	if (!how || typeof how !== 'object') throw bad();
	const keys = Object.keys(how);
	if ('status' in how) {
		const h = /** @type {Record<string, unknown>} */ (how);
		const ok =
			FAIL_STATUSES.includes(how.status) &&
			keys.every((k) => STATUS_KEYS.includes(k)) &&
			(h.decline_code === undefined ||
				(how.status === 402 && typeof h.decline_code === 'string' && h.decline_code !== '')) &&
			(h.code === undefined ||
				(how.status === 429 && (h.code === 'rate_limit' || h.code === 'lock_timeout'))) &&
			(h.after === undefined || h.after === 'rollback' || h.after === 'commit') &&
			(h.shouldRetry === undefined || h.shouldRetry === null || typeof h.shouldRetry === 'boolean');
		if (ok) return;
	} else if ('drop' in how) {
		if (keys.length === 1 && (how.drop === 'before' || how.drop === 'after-create')) return;
	} else if ('delayMs' in how) {
		if (
			keys.length === 1 &&
			typeof how.delayMs === 'number' &&
			Number.isFinite(how.delayMs) &&
			how.delayMs >= 0
		)
			return;
	}
	throw bad();
}

/**
 * @param {unknown} on
 * @returns {'*' | Set<string> | null}  null: the default routes
 */
function checkSelector(on) {
	if (on === undefined || on === null) return null;
	if (on === '*') return '*';
	const list = typeof on === 'string' ? [on] : on;
	if (
		!Array.isArray(list) ||
		!list.every((r) => typeof r === 'string' && /^(GET|POST|DELETE) \/v1\//.test(r))
	) {
		throw new TypeError(
			`fault routes must be '*' or route names such as 'POST /v1/customers/:id/tax_ids', not ${JSON.stringify(on)}`,
		);
	}
	return new Set(list);
}

/** @param {'*' | Set<string> | null} selector @param {string} route @param {boolean} byDefault */
const selects = (selector, route, byDefault) =>
	selector === null ? byDefault : selector === '*' || selector.has(route);

/** @param {FaultOptions | undefined} f @returns {FaultOptions} */
function normalizeFaults(f) {
	/** @type {FaultOptions} */
	const out = {};
	if (!f) return out;
	for (const k of /** @type {const} */ ([
		'error500Rate',
		'dropAfterCreateRate',
		'rateLimitBurstEvery',
		'rateLimitBurstLength',
	])) {
		const v = f[k];
		if (v === undefined || v === null) continue;
		if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
			throw new TypeError(`faults.${k} must be a number >= 0`);
		out[k] = v;
	}
	const w = f.rateLimitWindow;
	if (w !== undefined && w !== null) {
		const ok = (/** @type {unknown} */ n) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
		if (
			typeof w !== 'object' ||
			!ok(w.everyMs) ||
			!ok(w.forMs) ||
			!(w.everyMs > 0) ||
			w.forMs > w.everyMs
		) {
			throw new TypeError(
				'faults.rateLimitWindow must be {everyMs > 0, forMs between 0 and everyMs}',
			);
		}
		out.rateLimitWindow = { everyMs: w.everyMs, forMs: w.forMs };
	}
	if (f.routes !== undefined && f.routes !== null) {
		checkSelector(f.routes);
		out.routes = f.routes;
	}
	if (f.rateLimitShouldRetry !== undefined && f.rateLimitShouldRetry !== null) {
		if (typeof f.rateLimitShouldRetry !== 'boolean')
			throw new TypeError('faults.rateLimitShouldRetry must be a boolean');
		out.rateLimitShouldRetry = f.rateLimitShouldRetry;
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
		/** @type {{ n: number, how: FailHow, on: RouteSelector | null }[]} */
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

	/**
	 * Queue a fault for the next n requests of the selected routes.
	 * @param {number} n
	 * @param {FailHow} how
	 * @param {RouteSelector} [on]   unset: the customer writes
	 */
	failNext(n, how, on) {
		checkHow(how);
		if (!Number.isInteger(n) || n < 0) throw new TypeError('failNext: n must be an integer >= 0');
		checkSelector(on);
		if (n > 0) this.queue.push({ n, how, on: on ?? null });
	}

	reset() {
		this.rng = mulberry32(this.seed);
		this.faults = {};
		this.queue = [];
		this.counter = 0;
		this.burstRemaining = 0;
	}

	/**
	 * Decide the fault for one request: the first queued fault that selects its route, else (on the routes the
	 * fault options select) the rate-limit burst, error500Rate, dropAfterCreateRate.
	 * @param {string} route       the route's name, e.g. 'POST /v1/customers'
	 * @param {boolean} byDefault  whether faults apply to this route when nothing says which routes
	 * @returns {FaultDecision}
	 */
	decide(route, byDefault) {
		const i = this.queue.findIndex((e) => selects(checkSelector(e.on), route, byDefault));
		const f = this.faults;
		const random = selects(checkSelector(f.routes), route, byDefault);
		if (random) {
			this.counter++;
			const every = f.rateLimitBurstEvery || 0;
			if (every > 0 && this.counter % every === 0)
				this.burstRemaining = Math.max(0, Math.floor(f.rateLimitBurstLength || 0));
		}
		if (i >= 0) {
			const entry = this.queue[i];
			if (--entry.n <= 0) this.queue.splice(i, 1);
			const how = entry.how;
			if ('status' in how) return { kind: 'status', how, source: 'failNext' };
			if ('drop' in how) return { kind: 'drop', when: how.drop, source: 'failNext' };
			return { kind: 'delay', ms: how.delayMs, source: 'failNext' };
		}
		if (!random) return { kind: 'none' };
		if (this.burstRemaining > 0) {
			this.burstRemaining--;
			return { kind: 'status', how: { status: 429 }, source: 'burst' };
		}
		if (f.error500Rate && this.rng() < f.error500Rate)
			return { kind: 'status', how: { status: 500 }, source: 'random' };
		if (f.dropAfterCreateRate && this.rng() < f.dropAfterCreateRate) {
			return { kind: 'drop', when: 'after-create', source: 'random' };
		}
		return { kind: 'none' };
	}
}

module.exports = { TokenBucket, FaultInjector };
