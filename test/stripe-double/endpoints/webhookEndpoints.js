// @ts-check
'use strict';

/**
 * Webhook endpoints: `POST/GET /v1/webhook_endpoints`, `GET/POST/DELETE /v1/webhook_endpoints/:id`.
 * Per account, at most 16 per account, the signing secret returned by create only. Events reach them
 * through webhookDelivery.js.
 */

const { validate, str, expand, metadata, bool, pageLimit } = require('../core/schema');
const { invalid, noSuch, asResult: fail } = require('../core/errors');
const { randomAlnum, nowSeconds, strOrNull, mergeMetadata } = require('../core/util');
const { pageNewestFirst } = require('../core/paging');
const { EVENT_TYPES } = require('./eventTypes');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */
/** @typedef {import('../core/double').Result} Result */
/** @typedef {import('../core/schema').Schema} Schema */

/** Stripe's limit of webhook endpoints per account. */
const MAX_ENDPOINTS_PER_ACCOUNT = 16;

/** @type {Schema} */
const enabledEvents = {
	t: 'array',
	of: {
		t: 'string',
		oneOf: new Set(EVENT_TYPES),
		oneOfName: "'*' or an event type of stripe@23.1.0",
	},
};
/** @type {Schema} */
const url = { t: 'string', notEmpty: true, max: 5000 };

/** `POST /v1/webhook_endpoints` @type {Schema} */
const ENDPOINT_CREATE = {
	t: 'hash',
	required: ['url', 'enabled_events'],
	fields: {
		url,
		enabled_events: enabledEvents,
		api_version: {
			t: 'string',
			pattern: /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/,
			patternMessage: 'Invalid api_version: not a Stripe API version.',
		},
		connect: bool,
		description: { t: 'string', emptyable: true, max: 5000 },
		metadata,
		expand,
	},
};

/** `POST /v1/webhook_endpoints/:id` (api_version and connect cannot change) @type {Schema} */
const ENDPOINT_UPDATE = {
	t: 'hash',
	fields: {
		url,
		enabled_events: enabledEvents,
		description: { t: 'string', emptyable: true, max: 5000 },
		disabled: bool,
		metadata,
		expand,
	},
};

/** `GET /v1/webhook_endpoints` @type {Schema} */
const ENDPOINT_LIST = {
	t: 'hash',
	exclusive: [['ending_before', 'starting_after']],
	fields: { ending_before: str, starting_after: str, limit: pageLimit, expand },
};

/**
 * @typedef {object} StoredWebhookEndpoint
 * @property {string} id
 * @property {string | null} account   the Stripe-Account header of the create request, or null
 * @property {string} accountKey       the account it belongs to
 * @property {boolean} connect         receives the events of connected accounts (with `account`)
 * @property {string} secret           the signing secret (whsec_…)
 * @property {Record<string, any>} endpoint   the webhook_endpoint object (without the secret)
 * @property {true} [deleted]
 */

class WebhookEndpointStore {
	constructor() {
		/** @type {StoredWebhookEndpoint[]} in creation order, deleted ones included; cleared in place by reset() */
		this.all = [];
		/** @type {Map<string, StoredWebhookEndpoint>} */
		this.byId = new Map();
	}

	reset() {
		this.all.length = 0;
		this.byId.clear();
	}

	/** A live endpoint of the account. @param {string} acct @param {string} id */
	find(acct, id) {
		const w = this.byId.get(id);
		return w && !w.deleted && w.accountKey === acct ? w : null;
	}

	/** Live endpoints of the account, oldest first. @param {string} acct */
	ofAccount(acct) {
		return this.all.filter((w) => !w.deleted && w.accountKey === acct);
	}

	/**
	 * The enabled endpoints an event of `acct` goes to: the account's own endpoints and, when `acct` is a connected
	 * account of `platform`, the platform's Connect endpoints.
	 * @param {string} acct
	 * @param {string} platform
	 * @param {string} type
	 * @returns {StoredWebhookEndpoint[]}
	 */
	receiving(acct, platform, type) {
		return this.all.filter(
			(w) =>
				!w.deleted &&
				w.endpoint.status === 'enabled' &&
				(w.endpoint.enabled_events.includes('*') || w.endpoint.enabled_events.includes(type)) &&
				(w.connect ? acct !== platform && w.accountKey === platform : w.accountKey === acct),
		);
	}
}

/**
 * The webhook endpoints of this double (made on first use): `webhookEndpoints` on the double, their part of
 * /_double/state.
 * @param {DoubleApi} api
 * @returns {WebhookEndpointStore}
 */
function useWebhookEndpoints(api) {
	return api.shared('webhookEndpoints', () => {
		const store = new WebhookEndpointStore();
		api.onReset(() => store.reset());
		api.state('webhookEndpoints', () => store.all);
		api.expose({ webhookEndpoints: store.all });
		return store;
	});
}

/** @param {string} s */
function isHttpUrl(s) {
	try {
		const u = new URL(s);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
	} catch {
		return false;
	}
}

/**
 * Whether a URL's host is one only this machine or its network reaches: `localhost` names, loopback, private,
 * link-local and unspecified addresses, names without a domain.
 * @param {string} s
 */
function isLocalUrl(s) {
	const host = new URL(s).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
	const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		return (
			a === 127 ||
			a === 10 ||
			a === 0 ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 169 && b === 254) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (host.includes(':')) return host === '::1' || host === '::' || /^(f[cd]|fe[89ab])/.test(host);
	return !host.includes('.');
}

/** A live-mode key (Stripe delivers live events over HTTPS only). @param {string} apiKey */
const isLiveKey = (apiKey) => /^(sk|rk)_live_/.test(apiKey);

/** @param {unknown} events @returns {string[]} */
const eventList = (events) => (Array.isArray(events) ? [...new Set(events.map(String))] : []);

/** @param {DoubleApi} api */
function registerWebhookEndpoints(api) {
	const store = useWebhookEndpoints(api);
	/** @param {Ctx} ctx */
	const missing = (ctx) => noSuch('webhook endpoint', ctx.pathParams.id);
	/** @param {Ctx} ctx @returns {import('../core/errors').ApiError | null} */
	const checkUrl = (ctx) => {
		const url = ctx.params.url;
		if (typeof url !== 'string') return null;
		if (!isHttpUrl(url))
			return invalid(
				`Invalid URL: ${url}. URLs must begin with http:// or https://.`,
				'url',
				'url_invalid',
			);
		if (!api.options.localWebhookUrls && isLocalUrl(url))
			return invalid(
				'Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally.',
				'url',
				'url_invalid',
			);
		if (isLiveKey(ctx.apiKey) && new URL(url).protocol !== 'https:')
			return invalid(
				'Invalid URL: live mode webhook endpoints must use HTTPS.',
				'url',
				'url_invalid',
			);
		return null;
	};

	api.route({
		method: 'POST',
		path: '/v1/webhook_endpoints',
		validate: (ctx) => validate(ENDPOINT_CREATE, ctx.params) || checkUrl(ctx),
		execute(ctx) {
			const p = ctx.params;
			if (store.ofAccount(ctx.accountKey).length >= MAX_ENDPOINTS_PER_ACCOUNT) {
				return fail(
					invalid(
						`You have reached the maximum of ${MAX_ENDPOINTS_PER_ACCOUNT} test webhook endpoints.`,
					),
				);
			}
			let id;
			do id = 'we_' + randomAlnum(24);
			while (store.byId.has(id));
			const secret = 'whsec_' + randomAlnum(32);
			const endpoint = {
				id,
				object: 'webhook_endpoint',
				api_version: strOrNull(p.api_version),
				application: null,
				created: nowSeconds(),
				description: strOrNull(p.description),
				enabled_events: eventList(p.enabled_events),
				livemode: false,
				metadata: mergeMetadata(p.metadata),
				status: 'enabled',
				url: String(p.url),
			};
			/** @type {StoredWebhookEndpoint} */
			const stored = {
				id,
				account: ctx.account,
				accountKey: ctx.accountKey,
				connect: p.connect === 'true',
				secret,
				endpoint,
			};
			store.all.push(stored);
			store.byId.set(id, stored);
			return { status: 200, body: { ...endpoint, secret } };
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/webhook_endpoints',
		validate: (ctx) => validate(ENDPOINT_LIST, ctx.query),
		execute(ctx) {
			const r = pageNewestFirst(
				store.ofAccount(ctx.accountKey).reverse(),
				ctx.query,
				'webhook endpoint',
			);
			if ('error' in r) return fail(r);
			return {
				status: 200,
				body: {
					object: 'list',
					data: r.page.map((w) => w.endpoint),
					has_more: r.hasMore,
					url: '/v1/webhook_endpoints',
				},
			};
		},
	});

	api.route({
		method: 'GET',
		path: '/v1/webhook_endpoints/:id',
		execute(ctx) {
			const w = store.find(ctx.accountKey, ctx.pathParams.id);
			return w ? { status: 200, body: w.endpoint } : fail(missing(ctx));
		},
	});

	api.route({
		method: 'POST',
		path: '/v1/webhook_endpoints/:id',
		validate: (ctx) =>
			store.find(ctx.accountKey, ctx.pathParams.id)
				? validate(ENDPOINT_UPDATE, ctx.params) || checkUrl(ctx)
				: missing(ctx),
		execute(ctx) {
			const w = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!w) return fail(missing(ctx));
			const p = ctx.params;
			const e = w.endpoint;
			if (p.url !== undefined) e.url = String(p.url);
			if (p.enabled_events !== undefined) e.enabled_events = eventList(p.enabled_events);
			if (p.description !== undefined) e.description = strOrNull(p.description);
			if (p.disabled !== undefined) e.status = p.disabled === 'true' ? 'disabled' : 'enabled';
			if (p.metadata !== undefined)
				e.metadata = mergeMetadata(p.metadata, p.metadata === '' ? {} : { ...e.metadata });
			return { status: 200, body: e };
		},
	});

	api.route({
		method: 'DELETE',
		path: '/v1/webhook_endpoints/:id',
		validate: (ctx) => (store.find(ctx.accountKey, ctx.pathParams.id) ? null : missing(ctx)),
		execute(ctx) {
			const w = store.find(ctx.accountKey, ctx.pathParams.id);
			if (!w) return fail(missing(ctx));
			w.deleted = true;
			return { status: 200, body: { id: w.id, object: 'webhook_endpoint', deleted: true } };
		},
	});
}

module.exports = { registerWebhookEndpoints, useWebhookEndpoints, MAX_ENDPOINTS_PER_ACCOUNT };
