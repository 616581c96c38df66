// @ts-check
'use strict';

/**
 * The customer portal: `POST /v1/billing_portal/sessions`, and the portal configurations of each account as state.
 * A new account has none: Stripe makes the default configuration when its portal settings are first saved in the
 * Dashboard (`billingPortal.saveSettings()` here), and refuses sessions until then.
 */

const { validate, str, expand } = require('../core/schema');
const { noSuch, invalid, apiError, asResult: fail } = require('../core/errors');
const { randomAlnum, nowSeconds, isHash } = require('../core/util');
const { DEFAULT_ACCOUNT } = require('../core/double');
const { useCustomerStore } = require('./customerStore');
const { useEvents } = require('./events');

/** @typedef {import('../core/double').DoubleApi} DoubleApi */
/** @typedef {import('../core/double').Ctx} Ctx */
/** @typedef {import('../core/errors').ApiError} ApiError */

/** The languages of the portal (BillingPortal.SessionCreateParams.Locale of stripe@23.1.0). */
const PORTAL_LOCALES = Object.freeze(
	[
		'auto',
		'bg',
		'cs',
		'da',
		'de',
		'el',
		'en',
		'en-AU',
		'en-CA',
		'en-GB',
		'en-IE',
		'en-IN',
		'en-NZ',
		'en-SG',
		'es',
		'es-419',
		'et',
		'fi',
		'fil',
		'fr',
		'fr-CA',
		'hr',
		'hu',
		'id',
		'it',
		'ja',
		'ko',
		'lt',
		'lv',
		'ms',
		'mt',
		'nb',
		'nl',
		'pl',
		'pt',
		'pt-BR',
		'ro',
		'ru',
		'sk',
		'sl',
		'sv',
		'th',
		'tr',
		'vi',
		'zh',
		'zh-HK',
		'zh-TW',
	].sort(),
);

/** The flows whose hash names the subscription they are about. */
const SUBSCRIPTION_FLOWS = ['subscription_cancel', 'subscription_pause', 'subscription_update'];

/** @type {import('../core/schema').Schema} */
const subscriptionOnly = { t: 'hash', required: ['subscription'], fields: { subscription: str } };

/** `POST /v1/billing_portal/sessions` (the parameters of stripe@23.1.0 the double implements) @type {import('../core/schema').Schema} */
const SESSION_CREATE = {
	t: 'hash',
	required: ['customer'],
	fields: {
		customer: { t: 'string', notEmpty: true },
		configuration: { t: 'string', notEmpty: true },
		locale: { t: 'string', oneOf: PORTAL_LOCALES },
		return_url: { t: 'string', notEmpty: true },
		flow_data: {
			t: 'hash',
			required: ['type'],
			fields: {
				type: {
					t: 'string',
					oneOf: [
						'customer_update',
						'payment_method_update',
						'subscription_cancel',
						'subscription_pause',
						'subscription_update',
						'subscription_update_confirm',
					],
				},
				after_completion: {
					t: 'hash',
					required: ['type'],
					fields: {
						type: { t: 'string', oneOf: ['hosted_confirmation', 'portal_homepage', 'redirect'] },
						redirect: { t: 'hash', required: ['return_url'], fields: { return_url: str } },
						hosted_confirmation: {
							t: 'hash',
							fields: { custom_message: { t: 'string', max: 500 } },
						},
					},
				},
				subscription_cancel: subscriptionOnly,
				subscription_pause: subscriptionOnly,
				subscription_update: subscriptionOnly,
			},
		},
		expand,
	},
};

/**
 * Stripe's refusal of a session when no configuration is given and the account has no default one (its portal
 * settings were never saved, in this mode): mozilla/fxa#13245 and other reports quote it; it carries no code.
 */
const PORTAL_SETTINGS_NOT_SAVED = apiError(
	400,
	'invalid_request_error',
	undefined,
	'You can’t create a portal session in test mode until you save your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.',
);

/** @param {string} param Stripe's answer to a return URL that is not an http(s) URL (AntonioErdeljac/next13-ai-saas#41). */
const notAValidUrl = (param) => invalid('Not a valid URL', param, 'url_invalid');

/** Stripe's answer when neither the session nor its configuration gives a return URL (fjordllc/bootcamp#4623). */
const NO_RETURN_URL = invalid(
	'Your PortalConfiguration does not have a `default_return_url`, and you did not provide a `return_url`.',
);

/** @param {unknown} s */
function isHttpUrl(s) {
	if (typeof s !== 'string') return false;
	try {
		const u = new URL(s);
		return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
	} catch {
		return false;
	}
}

/**
 * @typedef {object} PortalConfiguration
 * @property {string} id
 * @property {string} account
 * @property {boolean} is_default
 * @property {boolean} active
 * @property {string | null} default_return_url
 */

/** @param {DoubleApi} api */
function registerBillingPortal(api) {
	const store = useCustomerStore(api);
	const events = useEvents(api);
	/** @type {PortalConfiguration[]} */
	const configurations = [];
	/** @type {Record<string, any>[]} */
	const sessions = [];
	api.onReset(() => {
		configurations.length = 0;
		sessions.length = 0;
	});

	/**
	 * A configuration of an account. `isDefault`: the one saving the portal settings in the Dashboard makes (it
	 * replaces an earlier default); otherwise one made with the API.
	 * @param {{ account?: string, isDefault?: boolean, defaultReturnUrl?: string | null, active?: boolean }} [spec]
	 */
	function addConfiguration(spec = {}) {
		const account = spec.account ?? DEFAULT_ACCOUNT;
		if (spec.isDefault)
			for (const c of configurations) if (c.account === account) c.is_default = false;
		/** @type {PortalConfiguration} */
		const configuration = {
			id: 'bpc_' + randomAlnum(24),
			account,
			is_default: !!spec.isDefault,
			active: spec.active ?? true,
			default_return_url: spec.defaultReturnUrl ?? null,
		};
		configurations.push(configuration);
		return configuration;
	}

	const billingPortal = {
		configurations,
		sessions,
		/** @param {{ account?: string, defaultReturnUrl?: string | null }} [spec] */
		saveSettings: (spec = {}) => addConfiguration({ ...spec, isDefault: true }),
		/** @param {{ account?: string, defaultReturnUrl?: string | null, active?: boolean }} [spec] */
		createConfiguration: (spec = {}) => addConfiguration({ ...spec, isDefault: false }),
	};
	api.expose({ billingPortal });
	api.control('GET', '/_double/billing-portal', () => ({
		status: 200,
		body: { configurations, sessions },
	}));
	api.control('POST', '/_double/billing-portal', (b) => {
		const spec = {
			account: typeof b.account === 'string' ? b.account : undefined,
			defaultReturnUrl: typeof b.defaultReturnUrl === 'string' ? b.defaultReturnUrl : null,
		};
		const made = b.isDefault === false ? addConfiguration(spec) : billingPortal.saveSettings(spec);
		return { status: 200, body: made };
	});

	/**
	 * The configuration a session uses, or Stripe's refusal.
	 * @param {Ctx} ctx
	 * @returns {PortalConfiguration | ApiError}
	 */
	function configurationOf(ctx) {
		const wanted = ctx.params.configuration;
		if (typeof wanted === 'string') {
			const found = configurations.find((c) => c.id === wanted && c.account === ctx.accountKey);
			if (!found) return noSuch('configuration', wanted, 'configuration');
			if (!found.active)
				return invalid('This configuration is inactive and cannot be used.', 'configuration');
			return found;
		}
		return (
			configurations.find((c) => c.is_default && c.account === ctx.accountKey) ??
			PORTAL_SETTINGS_NOT_SAVED
		);
	}

	/** @param {Ctx} ctx @returns {ApiError | null} */
	function check(ctx) {
		const p = ctx.params;
		const invalidParams = validate(SESSION_CREATE, p);
		if (invalidParams) return invalidParams;
		if (!store.find(ctx.accountKey, String(p.customer)))
			return noSuch('customer', String(p.customer), 'customer');
		const configuration = configurationOf(ctx);
		if ('error' in configuration) return configuration;
		if (p.return_url !== undefined && !isHttpUrl(p.return_url)) return notAValidUrl('return_url');
		if (p.return_url === undefined && configuration.default_return_url === null)
			return NO_RETURN_URL;
		const flow = /** @type {Record<string, any> | undefined} */ (
			isHash(p.flow_data) ? p.flow_data : undefined
		);
		if (flow) {
			const type = String(flow.type);
			if (SUBSCRIPTION_FLOWS.includes(type) && !isHash(flow[type]))
				return invalid(`Missing required param: flow_data[${type}].`, `flow_data[${type}]`);
			const sub = isHash(flow[type]) ? flow[type].subscription : undefined;
			// The double keeps no subscriptions: every one is unknown.
			if (typeof sub === 'string')
				return noSuch('subscription', sub, `flow_data[${type}][subscription]`);
			const after = isHash(flow.after_completion) ? flow.after_completion : undefined;
			if (after && after.type === 'redirect') {
				const target = isHash(after.redirect) ? after.redirect.return_url : undefined;
				if (target === undefined)
					return invalid(
						'Missing required param: flow_data[after_completion][redirect].',
						'flow_data[after_completion][redirect]',
					);
				if (!isHttpUrl(target))
					return notAValidUrl('flow_data[after_completion][redirect][return_url]');
			}
		}
		return null;
	}

	api.route({
		method: 'POST',
		path: '/v1/billing_portal/sessions',
		faults: true,
		validate: check,
		execute(ctx) {
			const invalidNow = check(ctx);
			if (invalidNow) return fail(invalidNow);
			const p = ctx.params;
			const configuration = /** @type {PortalConfiguration} */ (configurationOf(ctx));
			const flow = isHash(p.flow_data) ? p.flow_data : undefined;
			const session = {
				id: 'bps_' + randomAlnum(24),
				object: 'billing_portal.session',
				configuration: configuration.id,
				created: nowSeconds(),
				customer: String(p.customer),
				customer_account: null,
				flow: flow ? presentFlow(flow) : null,
				livemode: false,
				locale: typeof p.locale === 'string' ? p.locale : null,
				on_behalf_of: null,
				return_url:
					typeof p.return_url === 'string' ? p.return_url : configuration.default_return_url,
				url: 'https://billing.stripe.com/p/session/test_' + randomAlnum(48),
			};
			sessions.push({ ...session, account: ctx.accountKey });
			events.emit(events.fromRequest(ctx), 'billing_portal.session.created', session);
			return { status: 200, body: session };
		},
	});
}

/** The session's `flow` as Stripe presents it: every flow hash named, null but the one of its type. @param {Record<string, any>} flow */
function presentFlow(flow) {
	const after = isHash(flow.after_completion) ? flow.after_completion : { type: 'portal_homepage' };
	return {
		type: flow.type,
		after_completion: {
			type: after.type,
			redirect: isHash(after.redirect) ? { return_url: after.redirect.return_url } : null,
			hosted_confirmation: isHash(after.hosted_confirmation)
				? { custom_message: after.hosted_confirmation.custom_message ?? null }
				: null,
		},
		customer_update: flow.type === 'customer_update' ? {} : null,
		subscription_cancel: isHash(flow.subscription_cancel)
			? { subscription: flow.subscription_cancel.subscription, retention: null }
			: null,
		subscription_pause: isHash(flow.subscription_pause)
			? { subscription: flow.subscription_pause.subscription }
			: null,
		subscription_update: isHash(flow.subscription_update)
			? { subscription: flow.subscription_update.subscription }
			: null,
		subscription_update_confirm: null,
	};
}

module.exports = { registerBillingPortal, PORTAL_LOCALES, PORTAL_SETTINGS_NOT_SAVED };
