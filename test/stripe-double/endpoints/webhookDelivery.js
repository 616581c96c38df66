// @ts-check
'use strict';

/**
 * Delivering events to webhook endpoints, as Stripe does: a JSON POST signed with the endpoint's secret
 * (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`, plus a fake `v0` in test mode), at least once,
 * non-2xx answers (and no answer) retried with back-off. On request: duplicates, a wrong signature, an old
 * timestamp, pause/resume, and one-off sends. Every attempt is recorded with its answer.
 */

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const { randomAlnum, nowSeconds } = require('../core/util');

/** @typedef {import('./webhookEndpoints').StoredWebhookEndpoint} StoredWebhookEndpoint */

/** Back-off between attempts of one delivery (Stripe: hours, up to 3 days in live mode; here short for tests). */
const DEFAULT_RETRY_DELAYS_MS = Object.freeze([100, 200, 400, 800, 1600]);
const DEFAULT_TIMEOUT_MS = 10_000;
/** How old an `old-timestamp` delivery's signature is (Stripe's libraries accept 300 s). */
const OLD_TIMESTAMP_SECONDS = 600;
const KEEP_RESPONSE_CHARS = 2000;

/** @typedef {'valid' | 'wrong-secret' | 'old-timestamp' | 'missing' | 'tampered-body'} Signing */
/** @typedef {'duplicate' | 'wrong-signature' | 'old-timestamp'} WebhookFault */

/**
 * @typedef {object} DeliveryAttempt
 * @property {number} seq            order in which attempts started
 * @property {string} eventId
 * @property {string} type
 * @property {string} endpointId
 * @property {string} url
 * @property {number} attempt        1 = first attempt of this event to this endpoint, 2 = first retry…; 0 = a one-off send
 * @property {boolean} duplicate     a second delivery of an attempt (fault 'duplicate')
 * @property {Signing} signing
 * @property {number} at             ms since epoch
 * @property {string | null} signature   the Stripe-Signature header sent
 * @property {string} body           the raw body sent
 * @property {number} status         the receiver's HTTP status; 0 while pending or without an answer
 * @property {string} [error]        why there was no answer (connection refused, timeout…)
 * @property {string} response       the start of the receiver's answer
 * @property {number} ms             how long the receiver took
 */

/**
 * @typedef {object} Delivery      one event to one endpoint
 * @property {Record<string, any>} event
 * @property {StoredWebhookEndpoint} endpoint
 * @property {number} attempts
 * @property {'pending' | 'succeeded' | 'failed'} state
 */

/**
 * The Stripe-Signature header for a payload.
 * @param {string} body       the exact bytes sent
 * @param {string} secret     the endpoint's whsec_… secret
 * @param {number} [timestamp] Unix seconds (default: now)
 */
function signatureHeader(body, secret, timestamp = nowSeconds()) {
	const v1 = crypto
		.createHmac('sha256', secret)
		.update(`${timestamp}.${body}`, 'utf8')
		.digest('hex');
	return `t=${timestamp},v1=${v1}`;
}

class WebhookDelivery {
	/** @param {{ retryDelaysMs?: readonly number[], timeoutMs?: number }} options */
	constructor(options) {
		this.initialDelays = checkDelays(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
		this.retryDelaysMs = this.initialDelays;
		this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		/** @type {DeliveryAttempt[]} cleared in place by reset() */
		this.attempts = [];
		this.paused = false;
		/** @type {(() => void)[]} attempts waiting for resume() */
		this.held = [];
		/** @type {{ n: number, how: WebhookFault }[]} */
		this.faultQueue = [];
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		/** @type {Set<http.ClientRequest>} */
		this.inFlight = new Set();
		this.active = 0;
		/** @type {(() => void)[]} */
		this.idleWaiters = [];
		this.generation = 0;
		this.seq = 0;
	}

	/** @param {readonly number[]} ms */
	setRetryDelays(ms) {
		this.retryDelaysMs = checkDelays(ms);
	}

	/** @param {number} n @param {WebhookFault} how */
	failNext(n, how) {
		if (!['duplicate', 'wrong-signature', 'old-timestamp'].includes(how)) {
			throw new TypeError(
				`webhooks.failNext: how must be 'duplicate', 'wrong-signature' or 'old-timestamp', not ${JSON.stringify(how)}`,
			);
		}
		if (!Number.isInteger(n) || n < 0)
			throw new TypeError('webhooks.failNext: n must be an integer >= 0');
		if (n > 0) this.faultQueue.push({ n, how });
	}

	pause() {
		this.paused = true;
	}

	resume() {
		this.paused = false;
		const held = this.held.splice(0);
		for (const start of held) start();
	}

	/**
	 * Deliver an event to each endpoint (at least once, retried until a 2xx or out of retries).
	 * @param {Record<string, any>} event
	 * @param {StoredWebhookEndpoint[]} endpoints
	 */
	deliver(event, endpoints) {
		for (const endpoint of endpoints) {
			/** @type {Delivery} */
			const d = { event, endpoint, attempts: 0, state: 'pending' };
			this.later(0, () => this.attempt(d));
		}
	}

	/**
	 * One signed POST of a payload to an endpoint, recorded, not retried.
	 * @param {StoredWebhookEndpoint} endpoint
	 * @param {Record<string, any>} payload
	 * @param {{ signing?: Signing, timestamp?: number }} [how]
	 */
	async sendOnce(endpoint, payload, how = {}) {
		const gen = this.generation;
		this.active++;
		try {
			return await this.post(endpoint, payload, {
				attempt: 0,
				duplicate: false,
				signing: how.signing || 'valid',
				timestamp: how.timestamp,
			});
		} finally {
			if (gen === this.generation) {
				this.active--;
				this.settle();
			}
		}
	}

	/** Resolves once no attempt is running or waiting for its back-off (held attempts of a paused double excluded). */
	idle() {
		if (this.active === 0) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(() => resolve(undefined)));
	}

	reset() {
		this.generation++;
		this.cancelAll();
		this.attempts.length = 0;
		this.paused = false;
		this.held = [];
		this.faultQueue = [];
		this.retryDelaysMs = this.initialDelays;
	}

	close() {
		this.generation++;
		this.cancelAll();
	}

	// ---------------------------------------------------------------------------

	cancelAll() {
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const req of this.inFlight) req.destroy();
		this.inFlight.clear();
		this.active = 0;
		this.settle();
	}

	/** Run `fn` after `ms` (counted as activity; held while paused). @param {number} ms @param {() => Promise<void>} fn */
	later(ms, fn) {
		const gen = this.generation;
		this.active++;
		const run = () => {
			if (gen !== this.generation) return;
			if (this.paused) {
				this.active--;
				this.held.push(() => this.later(0, fn));
				this.settle();
				return;
			}
			fn().finally(() => {
				if (gen !== this.generation) return;
				this.active--;
				this.settle();
			});
		};
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			run();
		}, ms);
		this.timers.add(timer);
	}

	settle() {
		if (this.active > 0) return;
		for (const w of this.idleWaiters.splice(0)) w();
	}

	/** @returns {WebhookFault | null} */
	takeFault() {
		const head = this.faultQueue[0];
		if (!head) return null;
		if (--head.n <= 0) this.faultQueue.shift();
		return head.how;
	}

	/** @param {Delivery} d */
	async attempt(d) {
		// Stripe stops retrying an event for an endpoint that is disabled or deleted when the retry comes due.
		if (d.attempts > 0 && (d.endpoint.deleted || d.endpoint.endpoint.status !== 'enabled')) {
			d.state = 'failed';
			return;
		}
		d.attempts++;
		const fault = this.takeFault();
		/** @type {Signing} */
		const signing =
			fault === 'wrong-signature'
				? 'wrong-secret'
				: fault === 'old-timestamp'
					? 'old-timestamp'
					: 'valid';
		const gen = this.generation;
		const first = await this.post(d.endpoint, d.event, {
			attempt: d.attempts,
			duplicate: false,
			signing,
		});
		if (gen !== this.generation) return;
		if (fault === 'duplicate')
			await this.post(d.endpoint, d.event, { attempt: d.attempts, duplicate: true, signing });
		if (gen !== this.generation) return;
		if (first.status >= 200 && first.status < 300) {
			d.state = 'succeeded';
			d.event.pending_webhooks = Math.max(0, d.event.pending_webhooks - 1);
			return;
		}
		const wait = this.retryDelaysMs[d.attempts - 1];
		if (wait === undefined) {
			d.state = 'failed';
			return;
		}
		this.later(wait, () => this.attempt(d));
	}

	/**
	 * @param {StoredWebhookEndpoint} endpoint
	 * @param {Record<string, any>} event
	 * @param {{ attempt: number, duplicate: boolean, signing: Signing, timestamp?: number }} how
	 * @returns {Promise<DeliveryAttempt>}
	 */
	post(endpoint, event, how) {
		const payload = endpoint.endpoint.api_version
			? { ...event, api_version: endpoint.endpoint.api_version }
			: event;
		const body = JSON.stringify(payload, null, 2);
		const timestamp =
			how.timestamp ??
			(how.signing === 'old-timestamp' ? nowSeconds() - OLD_TIMESTAMP_SECONDS : nowSeconds());
		const secret = how.signing === 'wrong-secret' ? 'whsec_' + randomAlnum(32) : endpoint.secret;
		const signature =
			how.signing === 'missing'
				? null
				: `${signatureHeader(body, secret, timestamp)},v0=${randomAlnum(32).toLowerCase()}`;
		const sent =
			how.signing === 'tampered-body' ? body.replace(/\}\s*$/, ', "tampered": true\n}') : body;
		/** @type {DeliveryAttempt} */
		const record = {
			seq: ++this.seq,
			eventId: String(event.id),
			type: String(event.type),
			endpointId: endpoint.id,
			url: endpoint.endpoint.url,
			attempt: how.attempt,
			duplicate: how.duplicate,
			signing: how.signing,
			at: Date.now(),
			signature,
			body: sent,
			status: 0,
			response: '',
			ms: 0,
		};
		this.attempts.push(record);
		return new Promise((resolve) => {
			const started = performance.now();
			/** @param {number} status @param {string} response @param {string} [error] */
			const done = (status, response, error) => {
				record.status = status;
				record.response = response.slice(0, KEEP_RESPONSE_CHARS);
				if (error) record.error = error;
				record.ms = Math.round(performance.now() - started);
				resolve(record);
			};
			let target;
			try {
				target = new URL(record.url);
			} catch {
				done(0, '', `invalid URL ${record.url}`);
				return;
			}
			/** @type {Record<string, string | number>} */
			const headers = {
				'Content-Type': 'application/json; charset=utf-8',
				'Content-Length': Buffer.byteLength(sent),
				'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
				'Cache-Control': 'no-cache',
				Accept: '*/*; q=0.5, application/xml',
			};
			if (signature) headers['Stripe-Signature'] = signature;
			const client = target.protocol === 'https:' ? https : http;
			const req = client.request(
				target,
				{ method: 'POST', headers, agent: false, timeout: this.timeoutMs },
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (c) => {
						if (text.length < KEEP_RESPONSE_CHARS) text += c;
					});
					res.on('end', () => {
						this.inFlight.delete(req);
						done(res.statusCode || 0, text);
					});
					res.on('error', (err) => {
						this.inFlight.delete(req);
						done(res.statusCode || 0, text, err.message);
					});
				},
			);
			this.inFlight.add(req);
			req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
			req.on('error', (err) => {
				this.inFlight.delete(req);
				if (record.status === 0 && !record.error)
					done(0, '', /** @type {NodeJS.ErrnoException} */ (err).code || err.message);
			});
			req.end(sent);
		});
	}
}

/** @param {unknown} ms @returns {readonly number[]} */
function checkDelays(ms) {
	if (
		!Array.isArray(ms) ||
		!ms.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)
	) {
		throw new TypeError('webhook retry delays must be an array of numbers >= 0 (ms)');
	}
	return Object.freeze([...ms]);
}

module.exports = {
	WebhookDelivery,
	signatureHeader,
	DEFAULT_RETRY_DELAYS_MS,
	OLD_TIMESTAMP_SECONDS,
};
