// @ts-check
'use strict';

/** What the double saw: every /v1 request in arrival order, and the counters behind `stats()`. */

/**
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {import('./formDecode').FormParams} query
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {import('./formDecode').FormParams} params
 * @property {string} rawBody
 * @property {string | null} contentType
 * @property {number} connectionId
 * @property {number} status         0 while pending, or when the connection was dropped
 * @property {string | null} idempotencyKey
 * @property {string | null} apiVersion
 * @property {string | null} account
 * @property {boolean} replayed
 * @property {number} at
 * @property {string} requestId
 * @property {'before' | 'after-create'} [dropped]
 * @property {string} [fault]
 */

/** @typedef {{ second: number, requests: number, createRequests: number, status429: number }} SecondCounters */

/** The counters `stats()` reports, from zero. */
function freshCounts() {
	return {
		/** @type {Record<number, number>} responses by HTTP status */
		status: {},
		replays: 0,
		dropped: 0,
		createRequests: 0,
		connections: 0,
		tlsHandshakes: 0,
		tlsResumed: 0,
	};
}

class Recorder {
	constructor() {
		/** @type {RecordedRequest[]} cleared in place by reset() */
		this.requests = [];
		/** @type {WeakMap<object, number>} */
		this.connectionIds = new WeakMap();
		this.lastConnectionId = 0;
		this.count = freshCounts();
		/** @type {SecondCounters[]} */
		this.perSecond = [];
		this.resetAt = performance.now();
	}

	reset() {
		this.requests.length = 0;
		this.count = freshCounts();
		this.perSecond = [];
		this.resetAt = performance.now();
	}

	/** The counters of the current second (since start / reset). */
	currentSecond() {
		const second = Math.floor((performance.now() - this.resetAt) / 1000);
		while (this.perSecond.length <= second) {
			this.perSecond.push({
				second: this.perSecond.length,
				requests: 0,
				createRequests: 0,
				status429: 0,
			});
		}
		return this.perSecond[second];
	}

	/** @param {object} socket */
	connectionId(socket) {
		let id = this.connectionIds.get(socket);
		if (id === undefined) this.connectionIds.set(socket, (id = ++this.lastConnectionId));
		return id;
	}

	/**
	 * @param {RecordedRequest} record
	 * @param {SecondCounters} counters
	 * @param {boolean} isCreate   a customer create (counted in createRequests)
	 */
	arrived(record, counters, isCreate) {
		this.requests.push(record);
		counters.requests++;
		if (isCreate) {
			this.count.createRequests++;
			counters.createRequests++;
		}
	}

	/** @param {number} status @param {SecondCounters} counters */
	answered(status, counters) {
		this.count.status[status] = (this.count.status[status] || 0) + 1;
		if (status === 429) counters.status429++;
	}

	stats() {
		return {
			...this.count,
			status: { ...this.count.status },
			perSecond: this.perSecond.map((x) => ({ ...x })),
		};
	}
}

module.exports = { Recorder };
