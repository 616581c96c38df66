// @ts-check
'use strict';

/**
 * Events: every write that Stripe reports as an event creates an `evt_…` (`GET /v1/events/:id`,
 * `GET /v1/events`) and hands it to webhookDelivery.js for each enabled endpoint whose enabled_events match.
 * Also the webhook controls: `double.webhooks.*` and `/_double/webhooks*`.
 */

const { validate, str, expand, pageLimit, bool } = require('../core/schema');
const { noSuch, asResult: fail } = require('../core/errors');
const { randomAlnum, nowSeconds, isHash, matchCreated } = require('../core/util');
const { pageNewestFirst } = require('../core/paging');
const { DEFAULT_API_VERSION, DEFAULT_ACCOUNT } = require('../core/double');
const { EVENT_TYPES } = require('./eventTypes');
const { useWebhookEndpoints } = require('./webhookEndpoints');
const { WebhookDelivery, signatureHeader } = require('./webhookDelivery');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */
/** @typedef {import('./webhookDelivery').Signing} Signing */
/** @typedef {import('./webhookDelivery').WebhookFault} WebhookFault */

const EVENT_TYPE_SET = new Set(EVENT_TYPES.filter((t) => t !== '*'));

/** `GET /v1/events` @type {import('../core/schema').Schema} */
const EVENT_LIST = {
	t: 'hash',
	exclusive: [
		['ending_before', 'starting_after'],
		['type', 'types'],
	],
	fields: {
		created: { t: 'range' },
		delivery_success: bool,
		ending_before: str,
		expand,
		limit: pageLimit,
		starting_after: str,
		type: str,
		types: { t: 'array', of: str, max: 20 },
	},
};

/**
 * Where an event comes from.
 * @typedef {object} EventOrigin
 * @property {string} accountKey       the account the event belongs to
 * @property {string} platformKey      the platform of that account (== accountKey on the platform itself)
 * @property {string | null} account  the connected account's id (the event's `account`), null on the platform
 * @property {string | null} requestId
 * @property {string | null} idempotencyKey
 */

/**
 * @typedef {object} StoredEvent
 * @property {string} id
 * @property {string | null} account   the connected account it happened on, or null (the platform)
 * @property {string} accountKey
 * @property {Record<string, any>} event   the event object, as delivered (pending_webhooks counts down)
 */

/**
 * The events of this double (made on first use) and their delivery.
 * @param {DoubleApi} api
 */
function useEvents(api) {
	return api.shared('events', () => {
		const endpoints = useWebhookEndpoints(api);
		const delivery = new WebhookDelivery({
			retryDelaysMs: api.options.webhookRetryDelaysMs,
			timeoutMs: api.options.webhookTimeoutMs,
		});
		/** @type {StoredEvent[]} */
		const all = [];
		/** @type {Map<string, StoredEvent>} */
		const byId = new Map();
		api.onReset(() => {
			all.length = 0;
			byId.clear();
			delivery.reset();
		});
		api.onClose(() => delivery.close());
		api.state('events', () => all);
		api.state('deliveries', () => delivery.attempts);

		/**
		 * Record an event and deliver it to the endpoints that want it.
		 * @param {EventOrigin} origin
		 * @param {string} type
		 * @param {Record<string, any>} object   copied: later changes to it do not show in the event
		 * @param {Record<string, any>} [previousAttributes]
		 */
		function emit(origin, type, object, previousAttributes) {
			const receivers = endpoints.receiving(origin.accountKey, origin.platformKey, type);
			/** @type {Record<string, any>} */
			const event = { id: 'evt_' + randomAlnum(24), object: 'event' };
			if (origin.account && origin.accountKey !== origin.platformKey)
				event.account = origin.account;
			Object.assign(event, {
				api_version: DEFAULT_API_VERSION,
				created: nowSeconds(),
				data: previousAttributes
					? {
							object: structuredClone(object),
							previous_attributes: structuredClone(previousAttributes),
						}
					: { object: structuredClone(object) },
				livemode: false,
				pending_webhooks: receivers.length,
				request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
				type,
			});
			/** @type {StoredEvent} */
			const stored = {
				id: event.id,
				account: event.account ?? null,
				accountKey: origin.accountKey,
				event,
			};
			all.push(stored);
			byId.set(stored.id, stored);
			delivery.deliver(event, receivers);
			return event;
		}

		/** The origin of an event caused by an API request. @param {Ctx} ctx @returns {EventOrigin} */
		const fromRequest = (ctx) => ({
			accountKey: ctx.accountKey,
			platformKey: ctx.platformKey,
			account: ctx.account,
			requestId: ctx.requestId,
			idempotencyKey: ctx.idempotencyKey,
		});

		return { all, byId, endpoints, delivery, emit, fromRequest };
	});
}

/** @param {string} pattern  an event type, or one with `*` wildcards (`customer.*`) */
function typeMatcher(pattern) {
	if (!pattern.includes('*')) return (/** @type {string} */ t) => t === pattern;
	const re = new RegExp(
		'^' +
			pattern
				.split('*')
				.map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
				.join('.*') +
			'$',
	);
	return (/** @type {string} */ t) => re.test(t);
}

/** @param {DoubleApi} api */
function registerEvents(api) {
	const events = useEvents(api);
	const { delivery, endpoints } = events;

	api.route({
		method: 'GET',
		path: '/v1/events/:id',
		execute(ctx) {
			const e = events.byId.get(ctx.pathParams.id);
			return e && e.accountKey === ctx.accountKey
				? { status: 200, body: e.event }
				: fail(noSuch('event', ctx.pathParams.id));
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/events',
		validate: (ctx) => validate(EVENT_LIST, ctx.query),
		execute(ctx) {
			const q = ctx.query;
			/** @type {((e: Record<string, any>) => boolean)[]} */
			const filters = [matchCreated(q.created)];
			if (typeof q.type === 'string') {
				const m = typeMatcher(q.type);
				filters.push((e) => m(e.type));
			}
			if (Array.isArray(q.types)) {
				const ms = q.types.map((t) => typeMatcher(String(t)));
				filters.push((e) => ms.some((m) => m(e.type)));
			}
			if (q.delivery_success !== undefined)
				filters.push((e) => (e.pending_webhooks === 0) === (q.delivery_success === 'true'));
			const newestFirst = events.all
				.filter((s) => s.accountKey === ctx.accountKey)
				.map((s) => s.event)
				.reverse();
			const r = pageNewestFirst(newestFirst, q, 'event', (e) => filters.every((f) => f(e)));
			if ('error' in r) return fail(r);
			return {
				status: 200,
				body: { object: 'list', data: r.page, has_more: r.hasMore, url: '/v1/events' },
			};
		},
	});

	/**
	 * Fire an arbitrary event, as if something at Stripe had happened: stored and delivered like any other.
	 * @param {{ type: string, object?: Record<string, any>, account?: string | null, platform?: string,
	 *   previousAttributes?: Record<string, any> }} spec   account: a connected account of `platform` (default the keys' account)
	 */
	function fire(spec) {
		if (!spec || typeof spec.type !== 'string' || !EVENT_TYPE_SET.has(spec.type)) {
			throw new TypeError(
				`webhooks.fire: type must be an event type of stripe@23.1.0, not ${JSON.stringify(spec && spec.type)}`,
			);
		}
		const object = spec.object ?? { id: `obj_${randomAlnum(14)}`, object: spec.type.split('.')[0] };
		const account = spec.account ?? null;
		const platform = spec.platform ?? DEFAULT_ACCOUNT;
		return events.emit(
			{
				accountKey: account || platform,
				platformKey: platform,
				account,
				requestId: null,
				idempotencyKey: null,
			},
			spec.type,
			object,
			spec.previousAttributes,
		);
	}

	/**
	 * One signed POST to an endpoint (not retried): an existing event (`event`: its id) or any `payload`.
	 * @param {string} endpointId
	 * @param {{ event?: string, payload?: Record<string, any>, signing?: Signing, timestamp?: number }} [how]
	 */
	function send(endpointId, how = {}) {
		const endpoint = endpoints.byId.get(endpointId);
		if (!endpoint) throw new TypeError(`webhooks.send: no webhook endpoint ${endpointId}`);
		const stored = how.event ? events.byId.get(how.event) : undefined;
		if (how.event && !stored) throw new TypeError(`webhooks.send: no event ${how.event}`);
		const payload = stored ? stored.event : how.payload;
		if (!isHash(payload))
			throw new TypeError('webhooks.send: give an event id or a payload object');
		return delivery.sendOnce(endpoint, payload, { signing: how.signing, timestamp: how.timestamp });
	}

	/** Resolves when every delivery is done (true), or after timeoutMs (false). @param {number} [timeoutMs] */
	function idle(timeoutMs = 10_000) {
		return Promise.race([delivery.idle().then(() => true), api.sleep(timeoutMs).then(() => false)]);
	}

	const webhooks = {
		pause: () => delivery.pause(),
		resume: () => delivery.resume(),
		/** @param {number} n @param {WebhookFault} how */
		failNext: (n, how) => delivery.failNext(n, how),
		/** @param {readonly number[]} ms */
		setRetryDelays: (ms) => delivery.setRetryDelays(ms),
		fire,
		send,
		idle,
		signatureHeader,
	};
	api.expose({ events: events.all, deliveries: delivery.attempts, webhooks });

	const view = () => ({
		paused: delivery.paused,
		retryDelaysMs: delivery.retryDelaysMs,
		failNextQueue: delivery.faultQueue,
		endpoints: endpoints.all,
		events: events.all,
		deliveries: delivery.attempts,
	});
	api.control('GET', '/_double/webhooks', () => ({ status: 200, body: view() }));
	api.control('POST', '/_double/webhooks', (b) => {
		if (b.retryDelaysMs !== undefined) delivery.setRetryDelays(b.retryDelaysMs);
		if (b.failNext !== undefined) {
			if (!isHash(b.failNext)) throw new TypeError('failNext must be {n, how}');
			delivery.failNext(b.failNext.n, b.failNext.how);
		}
		if (b.paused === true) delivery.pause();
		if (b.paused === false) delivery.resume();
		return { status: 200, body: view() };
	});
	api.control('POST', '/_double/webhooks/fire', (b) => ({
		status: 200,
		body: fire({
			type: b.type,
			object: b.object,
			account: b.account,
			platform: b.platform,
			previousAttributes: b.previousAttributes,
		}),
	}));
	api.control('POST', '/_double/webhooks/send', async (b) => ({
		status: 200,
		body: await send(b.endpoint, {
			event: b.event,
			payload: b.payload,
			signing: b.signing,
			timestamp: b.timestamp,
		}),
	}));
	api.control('POST', '/_double/webhooks/idle', async (b) => ({
		status: 200,
		body: { idle: await idle(b.timeoutMs) },
	}));
}

module.exports = { registerEvents, useEvents };
