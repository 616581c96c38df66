// @ts-check
'use strict';

/**
 * The core of the double: request parsing and recording, rate limits, authentication, routing, injected
 * faults, idempotency, latency, responses, and the /_double/* control endpoints. Endpoint families (see
 * ../endpoints/index.js) register their routes, state and settings through the `DoubleApi` handed to them.
 */

const { decodeForm } = require('./formDecode');
const { FaultInjector, TokenBucket } = require('./faults');
const { Router } = require('./router');
const { Recorder } = require('./recorder');
const { IdempotencyStore, DAY_MS } = require('./idempotency');
const { startServers, sendJson } = require('./server');
const { randomAlnum, stableStringify, isHash, checkNonNegative } = require('./util');
const {
	apiError,
	unrecognizedUrl,
	faultError,
	idempotencyKeyInUse,
	invalidApiKey,
	NO_API_KEY,
	PUBLISHABLE_KEY,
	RATE_LIMITED,
} = require('./errors');

/** @typedef {import('./formDecode').FormParams} FormParams */
/** @typedef {import('./errors').ApiError} ApiError */
/** @typedef {import('./faults').FaultOptions} FaultOptions */
/** @typedef {import('./faults').FailHow} FailHow */
/** @typedef {import('./faults').FaultDecision} FaultDecision */
/** @typedef {import('./recorder').RecordedRequest} RecordedRequest */
/** @typedef {import('./recorder').SecondCounters} SecondCounters */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

const DEFAULT_API_VERSION = '2026-10-28.endive';
/** Stripe's versions: a date, and since 2024-09-30 a release name (`2026-10-28.endive`); anything else is refused. */
const API_VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
const DEFAULT_SECRET_KEYS = Object.freeze(['sk_test_double_123']);
/** The account of the `secretKeys` (the platform when a request names no Stripe-Account). */
const DEFAULT_ACCOUNT = 'acct_double';

/**
 * @typedef {object} StartOptions
 * @property {number} [port]
 * @property {string[]} [secretKeys]
 * @property {Record<string, string[]>} [accounts]
 * @property {number} [concurrencyLimit]
 * @property {number} [idempotencyTtlMs]
 * @property {number} [latencyMs]
 * @property {number} [rateLimitPerSecond]
 * @property {number} [retryAfterSeconds]
 * @property {number} [searchLagMs]
 * @property {boolean} [https]
 * @property {FaultOptions} [faults]
 * @property {number} [seed]
 * @property {readonly number[]} [webhookRetryDelaysMs]
 * @property {number} [webhookTimeoutMs]
 * @property {boolean} [localWebhookUrls]
 */

/**
 * One request as the endpoint code sees it.
 * @typedef {object} Ctx
 * @property {IncomingMessage} req
 * @property {ServerResponse} res
 * @property {string} method
 * @property {string} path
 * @property {FormParams} query
 * @property {FormParams} params          decoded body (POST) or query (GET, DELETE)
 * @property {Record<string, string>} pathParams   `:id` segments of the route, decoded
 * @property {string | null} apiVersion
 * @property {string | null} account       the Stripe-Account header, or null
 * @property {string} accountKey           the account acted on: the Stripe-Account header, else the key's account
 * @property {string} platformKey          the account the API key belongs to
 * @property {string | null} idempotencyKey
 * @property {string} requestId
 * @property {RecordedRequest} record
 * @property {SecondCounters} counters
 * @property {boolean} delayed
 * @property {string} apiKey
 */

/** @typedef {{ status: number, body: unknown }} Result */

/**
 * @typedef {object} Route
 * @property {'GET' | 'POST' | 'DELETE'} method
 * @property {string} path                 e.g. '/v1/customers/:id'
 * @property {(ctx: Ctx) => ApiError | null} [validate]
 *   parameter validation: a request refused here was never executed (nothing stored for its idempotency key)
 * @property {(ctx: Ctx) => Result} execute
 *   the work; for POST and DELETE it runs after the latency, so it checks again what may have changed meanwhile
 * @property {boolean} [faults]            failNext, bursts and random faults apply
 * @property {boolean} [countsAsCreate]    counted in stats().createRequests
 */

/**
 * A value set through /_double/faults (`{[name]: value}`) and restored by reset().
 * @typedef {{ get: () => unknown, set: (value: unknown) => void, reset: () => void }} Setting
 */

/**
 * An extra /_double/* endpoint: gets the parsed JSON body, answers `{status, body}`; may throw (→ 400).
 * @typedef {(body: Record<string, any>) => Result | Promise<Result>} ControlHandler
 */

/**
 * What an endpoint family registers itself with.
 * @typedef {object} DoubleApi
 * @property {StartOptions} options
 * @property {(route: Route) => void} route
 * @property {(method: string, path: string, handler: ControlHandler) => void} control
 * @property {(name: string, setting: Setting) => void} setting
 * @property {(fn: () => void) => void} onReset
 * @property {(name: string, get: () => unknown) => void} state   one part of GET /_double/state
 * @property {(get: () => Record<string, unknown>) => void} stats counters merged into stats()
 * @property {(members: Record<string, unknown>) => void} expose  properties and methods of the double object
 * @property {(ms: number) => Promise<void>} sleep                ends early on close()
 * @property {() => boolean} isClosed
 * @property {(fn: () => void) => void} onClose
 * @property {<T>(name: string, create: () => T) => T} shared
 *   one instance per double of state several families use (made by whichever family asks first)
 */

/** @typedef {(api: DoubleApi) => void} EndpointFamily */

/**
 * Stripe-Should-Retry as Stripe sends it when nothing else is known: retry a 5xx that stored nothing, a 409 (a
 * concurrent request with the same key) and a lock timeout; do not retry what a repeat would only replay (400,
 * 402, 404).
 * @param {number} status
 * @param {string} [code]   the error's code
 */
function shouldRetry(status, code) {
	if (status >= 500 || status === 409 || code === 'lock_timeout') return 'true';
	if (status === 400 || status === 402 || status === 404) return 'false';
	return undefined;
}

/**
 * Start a Stripe double listening on 127.0.0.1 with the given endpoint families.
 * @param {StartOptions} options
 * @param {readonly EndpointFamily[]} families
 */
async function startDouble(options, families) {
	/** API key → the account it belongs to */
	const accountOfKey = new Map();
	for (const key of options.secretKeys && options.secretKeys.length
		? options.secretKeys
		: DEFAULT_SECRET_KEYS) {
		accountOfKey.set(key, DEFAULT_ACCOUNT);
	}
	for (const [account, keys] of Object.entries(options.accounts || {})) {
		if (!/^acct_\w+$/.test(account) || !Array.isArray(keys))
			throw new TypeError(`accounts: {acct_…: [keys]}, not ${account}`);
		for (const key of keys) accountOfKey.set(key, account);
	}
	const faults = new FaultInjector(options.seed, options.faults);
	const recorder = new Recorder();
	const idempotency = new IdempotencyStore(
		checkNonNegative(options.idempotencyTtlMs ?? DAY_MS, 'idempotencyTtlMs'),
	);
	/** @type {Router<Route>} */
	const router = new Router();
	/** @type {Map<string, ControlHandler>} */
	const controls = new Map();
	/** @type {Map<string, Setting>} */
	const settings = new Map();
	/** @type {(() => void)[]} */
	const resetHooks = [];
	/** @type {(() => void)[]} */
	const closeHooks = [];
	/** @type {Map<string, () => unknown>} */
	const stateParts = new Map();
	/** @type {(() => Record<string, unknown>)[]} */
	const statsParts = [];
	/** @type {Record<string, unknown>} */
	const exposed = {};
	/** @type {Map<string, unknown>} */
	const sharedState = new Map();
	let generation = 0;
	let closed = false;

	// ---- settings of the core: latency, the token bucket, Retry-After --------

	let latencyMs = checkNonNegative(options.latencyMs ?? 0, 'latencyMs');
	/** @type {TokenBucket | null} */
	let bucket = null;
	/** @type {number | undefined} */
	let retryAfterSeconds;
	/** @param {unknown} r */
	const applyRate = (r) => {
		if (r === undefined || r === null) {
			bucket = null;
			return;
		}
		if (typeof r !== 'number' || !(r > 0))
			throw new TypeError('rateLimitPerSecond must be a number > 0 (or undefined)');
		bucket = new TokenBucket(r);
	};
	/** @param {unknown} s */
	const applyRetryAfter = (s) => {
		retryAfterSeconds =
			s === undefined || s === null
				? undefined
				: Math.round(checkNonNegative(s, 'retryAfterSeconds'));
	};
	applyRate(options.rateLimitPerSecond);
	applyRetryAfter(options.retryAfterSeconds);

	settings.set('latencyMs', {
		get: () => latencyMs,
		set: (v) => (latencyMs = checkNonNegative(v, 'latencyMs')),
		reset: () => (latencyMs = checkNonNegative(options.latencyMs ?? 0, 'latencyMs')),
	});
	settings.set('rateLimitPerSecond', {
		get: () => (bucket ? bucket.rate : null),
		set: applyRate,
		reset: () => applyRate(options.rateLimitPerSecond),
	});
	/** @param {unknown} n */
	const checkLimit = (n) => {
		if (n === undefined || n === null) return undefined;
		if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
			throw new TypeError('concurrencyLimit must be an integer >= 1 (or undefined)');
		return n;
	};
	let concurrencyLimit = checkLimit(options.concurrencyLimit);
	/** account → requests in flight */
	const inFlight = new Map();
	/** the most requests one account had in flight at once since start / reset (stats().maxInFlight) */
	let maxInFlight = 0;
	statsParts.push(() => ({ maxInFlight }));
	resetHooks.push(() => (maxInFlight = 0));
	settings.set('concurrencyLimit', {
		get: () => concurrencyLimit ?? null,
		set: (v) => (concurrencyLimit = checkLimit(v)),
		reset: () => (concurrencyLimit = checkLimit(options.concurrencyLimit)),
	});
	settings.set('idempotencyTtlMs', {
		get: () => idempotency.ttlMs,
		set: (v) => (idempotency.ttlMs = checkNonNegative(v, 'idempotencyTtlMs')),
		reset: () =>
			(idempotency.ttlMs = checkNonNegative(
				options.idempotencyTtlMs ?? DAY_MS,
				'idempotencyTtlMs',
			)),
	});
	settings.set('retryAfterSeconds', {
		get: () => retryAfterSeconds ?? null,
		set: applyRetryAfter,
		reset: () => applyRetryAfter(options.retryAfterSeconds),
	});

	/** @type {Set<{ timer: NodeJS.Timeout, resolve: () => void }>} */
	const sleepers = new Set();
	/** @param {number} ms @returns {Promise<void>} */
	function sleep(ms) {
		if (ms <= 0 || closed) return Promise.resolve();
		return new Promise((resolve) => {
			const s = {
				timer: setTimeout(() => {
					sleepers.delete(s);
					resolve();
				}, ms),
				resolve,
			};
			sleepers.add(s);
		});
	}

	// ---- responses -----------------------------------------------------------

	/** @param {Ctx} ctx */
	async function delay(ctx) {
		if (ctx.delayed) return;
		ctx.delayed = true;
		await sleep(latencyMs);
	}

	/**
	 * @param {Ctx} ctx
	 * @param {number} status
	 * @param {unknown} body   object or pre-serialised JSON string
	 * @param {Record<string, string | null>} [extra]   headers to add or (null) to leave out
	 */
	async function send(ctx, status, body, extra) {
		await delay(ctx);
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		ctx.record.status = status;
		recorder.answered(status, ctx.counters);
		const res = ctx.res;
		if (res.destroyed || res.writableEnded) return;
		/** @type {Record<string, string | number>} */
		const headers = {
			'Content-Type': 'application/json',
			'Content-Length': Buffer.byteLength(text),
			'Request-Id': ctx.requestId,
			'Stripe-Version': ctx.apiVersion || DEFAULT_API_VERSION,
			'Cache-Control': 'no-cache, no-store',
		};
		if (ctx.idempotencyKey && ctx.method === 'POST')
			headers['Idempotency-Key'] = ctx.idempotencyKey;
		if (ctx.account) headers['Stripe-Account'] = ctx.account;
		const retry = shouldRetry(status, errorCode(body));
		if (retry) headers['Stripe-Should-Retry'] = retry;
		if (status === 429 && retryAfterSeconds !== undefined)
			headers['Retry-After'] = String(retryAfterSeconds);
		for (const [name, value] of Object.entries(extra || {})) {
			if (value === null) delete headers[name];
			else headers[name] = value;
		}
		res.writeHead(status, headers);
		res.end(text);
	}

	/** The `error.code` of a response body object, if any. @param {unknown} body */
	const errorCode = (body) => (isHash(body) && isHash(body.error) ? body.error.code : undefined);

	/** @param {Ctx} ctx @param {ApiError} e @param {Record<string, string | null>} [extra] */
	const sendError = (ctx, e, extra) => send(ctx, e.status, { error: e.error }, extra);

	/** @param {Ctx} ctx @param {'before' | 'after-create'} when */
	async function drop(ctx, when) {
		await delay(ctx);
		ctx.record.status = 0;
		ctx.record.dropped = when;
		recorder.count.dropped++;
		ctx.req.socket.destroy();
	}

	// ---- the request pipeline ------------------------------------------------

	/** @param {Record<string, string | string[] | undefined>} headers @returns {{ key: string, account: string } | ApiError} */
	function authenticate(headers) {
		const h = headers.authorization;
		const auth = Array.isArray(h) ? h[0] : h;
		let key = '';
		if (auth) {
			const bearer = /^Bearer\s+(.*)$/i.exec(auth);
			const basic = /^Basic\s+(.*)$/i.exec(auth);
			if (bearer) key = bearer[1].trim();
			else if (basic) key = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
		}
		if (!key) return NO_API_KEY;
		if (key.startsWith('pk_')) return PUBLISHABLE_KEY;
		const account = accountOfKey.get(key);
		if (!account) return invalidApiKey(key);
		return { key, account };
	}

	/** The limiters' 429 (refused before the idempotency layer: nothing stored). @param {Ctx} ctx @param {string} fault */
	function rateLimited(ctx, fault) {
		ctx.record.fault = fault;
		const retry = faults.faults.rateLimitShouldRetry;
		return sendError(
			ctx,
			RATE_LIMITED,
			retry === undefined ? {} : { 'Stripe-Should-Retry': String(retry) },
		);
	}

	/**
	 * @param {{ shouldRetry?: boolean | null }} how
	 * @returns {Record<string, string | null>}  a Stripe-Should-Retry override (null: send none), or nothing
	 */
	const retryOverride = (how) =>
		how.shouldRetry === undefined
			? {}
			: { 'Stripe-Should-Retry': how.shouldRetry === null ? null : String(how.shouldRetry) };

	/** @param {Ctx} ctx @param {Route | null} route */
	async function api(ctx, route) {
		if (faults.inRateLimitWindow()) return rateLimited(ctx, 'window:429');
		if (bucket && !bucket.take()) return rateLimited(ctx, 'bucket:429');
		const auth = authenticate(ctx.req.headers);
		if ('status' in auth) return sendError(ctx, auth);
		ctx.apiKey = auth.key;
		ctx.platformKey = auth.account;
		ctx.accountKey = ctx.account || auth.account;
		if (!route) return sendError(ctx, unrecognizedUrl(ctx.method, ctx.path));
		if (ctx.apiVersion !== null && !API_VERSION_FORMAT.test(ctx.apiVersion)) {
			return sendError(
				ctx,
				apiError(
					400,
					'invalid_request_error',
					undefined,
					`Invalid Stripe API version: ${ctx.apiVersion}`,
				),
			);
		}
		const busy = inFlight.get(ctx.accountKey) || 0;
		if (concurrencyLimit !== undefined && busy >= concurrencyLimit)
			return rateLimited(ctx, 'concurrency:429');
		inFlight.set(ctx.accountKey, busy + 1);
		maxInFlight = Math.max(maxInFlight, busy + 1);
		try {
			return await run(ctx, route);
		} finally {
			const left = (inFlight.get(ctx.accountKey) || 1) - 1;
			if (left > 0) inFlight.set(ctx.accountKey, left);
			else inFlight.delete(ctx.accountKey);
		}
	}

	/**
	 * Faults, idempotency (POST only: Stripe ignores Idempotency-Key on GET and DELETE), validation, latency, the
	 * work, the stored answer. Stripe stores the answer of every request that began executing, whatever its status;
	 * it stores nothing for a request refused by parameter validation, by a concurrent request with the same key
	 * (409) or by a limiter (429).
	 * @param {Ctx} ctx
	 * @param {Route} route
	 */
	async function run(ctx, route) {
		const key = ctx.method === 'POST' ? ctx.idempotencyKey : null;
		if (key !== null && key.length > 255) {
			return sendError(
				ctx,
				apiError(
					400,
					'invalid_request_error',
					undefined,
					'Idempotency-Key must be at most 255 characters long.',
					'Idempotency-Key',
				),
			);
		}
		const fault = faults.decide(`${route.method} ${route.path}`, !!route.faults);
		if (fault.kind !== 'none') {
			ctx.record.fault =
				fault.kind === 'status'
					? `${fault.source}:${fault.how.status}${fault.how.after ? `-after-${fault.how.after}` : ''}`
					: fault.kind === 'drop'
						? `${fault.source}:drop-${fault.when}`
						: `${fault.source}:delay-${fault.ms}`;
		}
		if (fault.kind === 'delay') await sleep(fault.ms);
		/** @param {import('./faults').FailStatus} how */
		const injected = (how) =>
			faultError(how, {
				key: ctx.apiKey,
				account: ctx.accountKey,
				idempotencyKey: ctx.idempotencyKey,
			});
		if (fault.kind === 'status' && !fault.how.after)
			return sendError(ctx, injected(fault.how), retryOverride(fault.how));
		if (fault.kind === 'drop' && fault.when === 'before') return drop(ctx, 'before');
		const dropAfter = fault.kind === 'drop' && fault.when === 'after-create';

		let scope = '';
		let fingerprint = '';
		if (key !== null) {
			scope = ctx.accountKey + '\u0000' + key;
			fingerprint = ctx.method + ' ' + ctx.path + ' ' + stableStringify(ctx.params);
			const prev = idempotency.get(scope);
			if (prev) {
				if (prev.inFlight) return sendError(ctx, idempotencyKeyInUse(key));
				if (prev.fingerprint !== fingerprint) {
					return sendError(
						ctx,
						apiError(
							400,
							'idempotency_error',
							undefined,
							'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
								`Try using a key other than '${key}' if you meant to execute a different request.`,
						),
					);
				}
				const answer = /** @type {import('./idempotency').StoredAnswer} */ (prev.answer);
				ctx.record.replayed = true;
				recorder.count.replays++;
				if (dropAfter) return drop(ctx, 'after-create');
				return send(ctx, answer.status, answer.body, {
					...answer.headers,
					'Idempotent-Replayed': 'true',
					'Original-Request': answer.requestId,
				});
			}
		}

		const verr = route.validate ? route.validate(ctx) : null;
		if (verr) return sendError(ctx, verr);

		const gen = generation;
		if (scope) idempotency.begin(scope, fingerprint);
		if (ctx.method !== 'GET') await delay(ctx);
		if (closed) return;
		/** @type {Result | undefined} */
		let executed;
		/** @type {Record<string, string | null>} */
		let headers = {};
		try {
			const after = fault.kind === 'status' ? fault.how.after : undefined;
			if (after !== 'rollback') executed = route.execute(ctx);
			if (fault.kind === 'status' && after) {
				const e = injected(fault.how);
				executed = { status: e.status, body: { error: e.error } };
				// a 500 whose answer is stored: a retry with the same key only replays it
				headers = {
					'Stripe-Should-Retry':
						e.status >= 500 ? 'false' : (shouldRetry(e.status, e.error.code) ?? null),
					...retryOverride(fault.how),
				};
			}
		} catch (err) {
			if (scope && gen === generation) idempotency.forget(scope);
			throw err;
		}
		const result = /** @type {Result} */ (executed);
		const text = JSON.stringify(result.body);
		if (scope && gen === generation) {
			/** @type {Record<string, string>} */
			const stored = {};
			const retry =
				'Stripe-Should-Retry' in headers
					? headers['Stripe-Should-Retry']
					: shouldRetry(result.status, errorCode(result.body));
			if (retry) stored['Stripe-Should-Retry'] = retry;
			idempotency.store(scope, fingerprint, {
				status: result.status,
				body: text,
				requestId: ctx.requestId,
				headers: stored,
			});
		}
		if (dropAfter) return drop(ctx, 'after-create');
		return send(ctx, result.status, text, headers);
	}

	/** @param {IncomingMessage} req @param {ServerResponse} res @param {string} body */
	async function handle(req, res, body) {
		const url = req.url || '/';
		const qi = url.indexOf('?');
		const path = qi === -1 ? url : url.slice(0, qi);
		const method = (req.method || 'GET').toUpperCase();
		if (path.startsWith('/_double/')) return control(res, method, path, body);

		const query = qi === -1 ? {} : decodeForm(url.slice(qi + 1));
		const params = method === 'GET' || method === 'DELETE' ? query : decodeForm(body);
		const h = req.headers;
		/** @param {string} name */
		const header = (name) => {
			const v = h[name];
			const s = Array.isArray(v) ? v[0] : v;
			return s === undefined || s === '' ? null : s;
		};
		/** @type {Record<string, string | string[] | undefined>} */
		const headers = { ...h };
		if (headers.authorization !== undefined) headers.authorization = 'redacted';
		const requestId = 'req_' + randomAlnum(14);
		/** @type {RecordedRequest} */
		const record = {
			method,
			path,
			query,
			headers,
			params,
			rawBody: body,
			contentType: header('content-type'),
			connectionId: recorder.connectionId(req.socket),
			status: 0,
			idempotencyKey: header('idempotency-key'),
			apiVersion: header('stripe-version'),
			account: header('stripe-account'),
			replayed: false,
			at: Date.now(),
			requestId,
		};
		const matched = router.match(method, path);
		/** @type {Ctx} */
		const ctx = {
			req,
			res,
			method,
			path,
			query,
			params,
			pathParams: matched ? matched.pathParams : {},
			apiVersion: record.apiVersion,
			account: record.account,
			accountKey: record.account || DEFAULT_ACCOUNT,
			platformKey: DEFAULT_ACCOUNT,
			idempotencyKey: method === 'POST' ? record.idempotencyKey : null,
			requestId,
			record,
			counters: recorder.currentSecond(),
			delayed: false,
			apiKey: '',
		};
		if (path === '/v1' || path.startsWith('/v1/')) {
			recorder.arrived(record, ctx.counters, !!(matched && matched.route.countsAsCreate));
			return api(ctx, matched ? matched.route : null);
		}
		return sendError(ctx, unrecognizedUrl(method, path));
	}

	// ---- control endpoints ---------------------------------------------------

	function stats() {
		/** @type {Record<string, unknown>} */
		const out = {};
		for (const part of statsParts) Object.assign(out, part());
		return Object.assign(out, recorder.stats());
	}

	function state() {
		/** @type {Record<string, unknown>} */
		const out = {};
		for (const [name, get] of stateParts) out[name] = get();
		out.requests = recorder.requests;
		out.stats = stats();
		return out;
	}

	function reset() {
		generation++;
		recorder.reset();
		idempotency.clear();
		faults.reset();
		for (const s of settings.values()) s.reset();
		for (const fn of resetHooks) fn();
	}

	/** @param {Record<string, any>} b */
	function applyFaults(b) {
		if (b.faults !== undefined) faults.setFaults(b.faults);
		for (const [name, s] of settings) if (b[name] !== undefined) s.set(b[name]);
		if (b.failNext !== undefined) {
			if (!isHash(b.failNext)) throw new TypeError('failNext must be {n, how, on?}');
			faults.failNext(b.failNext.n, b.failNext.how, b.failNext.on);
		}
		/** @type {Record<string, unknown>} */
		const out = { ok: true, faults: faults.faults };
		for (const [name, s] of settings) out[name] = s.get();
		out.failNextQueue = faults.queue;
		return out;
	}

	controls.set('GET /_double/state', () => ({ status: 200, body: state() }));
	controls.set('POST /_double/reset', () => {
		reset();
		return { status: 200, body: { ok: true } };
	});
	controls.set('POST /_double/faults', (b) => ({ status: 200, body: applyFaults(b) }));

	/** @param {ServerResponse} res @param {string} method @param {string} path @param {string} body */
	async function control(res, method, path, body) {
		const handler = controls.get(`${method} ${path}`);
		if (!handler)
			return sendJson(res, 404, {
				error: { message: `Unknown control endpoint ${method} ${path}` },
			});
		try {
			const b = body ? JSON.parse(body) : {};
			if (!isHash(b)) throw new TypeError('body must be a JSON object');
			const r = await handler(b);
			return sendJson(res, r.status, r.body);
		} catch (err) {
			return sendJson(res, 400, {
				error: { message: err instanceof Error ? err.message : String(err) },
			});
		}
	}

	// ---- registration --------------------------------------------------------

	/** @type {DoubleApi} */
	const registry = {
		options,
		route: (r) => router.add(r),
		control: (method, path, handler) => {
			if (!path.startsWith('/_double/'))
				throw new Error(`control paths start with /_double/: ${path}`);
			controls.set(`${method} ${path}`, handler);
		},
		setting: (name, s) => settings.set(name, s),
		onReset: (fn) => resetHooks.push(fn),
		state: (name, get) => stateParts.set(name, get),
		stats: (get) => statsParts.push(get),
		expose: (members) => Object.assign(exposed, members),
		sleep,
		isClosed: () => closed,
		onClose: (fn) => closeHooks.push(fn),
		shared: (name, create) => {
			if (!sharedState.has(name)) sharedState.set(name, create());
			return /** @type {any} */ (sharedState.get(name));
		},
	};
	for (const register of families) register(registry);

	const servers = await startServers({
		port: options.port || 0,
		https: !!options.https,
		onRequest: handle,
		onControlRequest: (req, res, body) => {
			const path = (req.url || '/').split('?')[0];
			const method = (req.method || 'GET').toUpperCase();
			if (path.startsWith('/_double/')) return control(res, method, path, body);
			return sendJson(res, 404, {
				error: { message: `This port serves only /_double/* (the API is at ${servers.url}).` },
			});
		},
		count: () => recorder.count,
	});

	const double = {
		url: servers.url,
		port: servers.port,
		/** Where the /_double/* endpoints answer over plain HTTP (the API's own url when it is HTTP). */
		controlUrl: servers.controlUrl,
		/** PEM of the self-signed certificate (HTTPS only): trust it with `ca`. */
		caPem: servers.caPem,
		/** The same certificate as a file, e.g. for NODE_EXTRA_CA_CERTS (HTTPS only; removed by close()). */
		caFile: servers.caFile,
		requests: recorder.requests,
		stats,
		/** @param {number} n @param {FailHow} how @param {import('./faults').RouteSelector} [on] */
		failNext(n, how, on) {
			faults.failNext(n, how, on);
		},
		/** @param {FaultOptions} f */
		setFaults(f) {
			faults.setFaults(f);
		},
		/** @param {number} ms */
		setLatency(ms) {
			latencyMs = checkNonNegative(ms, 'latencyMs');
		},
		/** @param {number | undefined} perSecond */
		setRateLimit(perSecond) {
			applyRate(perSecond);
		},
		/** @param {number | undefined} seconds */
		setRetryAfter(seconds) {
			applyRetryAfter(seconds);
		},
		/** @param {number | undefined} n */
		setConcurrencyLimit(n) {
			concurrencyLimit = checkLimit(n);
		},
		/** @param {number} ms */
		setIdempotencyTtl(ms) {
			idempotency.ttlMs = checkNonNegative(ms, 'idempotencyTtlMs');
		},
		reset,
		/** @returns {Promise<void>} */
		close() {
			if (closed) return Promise.resolve();
			closed = true;
			for (const s of sleepers) {
				clearTimeout(s.timer);
				s.resolve();
			}
			sleepers.clear();
			for (const fn of closeHooks) fn();
			return servers.close();
		},
		...exposed,
	};
	return double;
}

module.exports = { startDouble, DEFAULT_API_VERSION, DEFAULT_SECRET_KEYS, DEFAULT_ACCOUNT };
