// @ts-check
'use strict';

/** The Stripe error bodies the double answers with: `{error: {type, code?, message, param?, doc_url?, decline_code?}}`. */

/**
 * @typedef {object} StripeErrorBody
 * @property {string} type
 * @property {string} [code]
 * @property {string} message
 * @property {string} [param]
 * @property {string} [doc_url]
 * @property {string} [decline_code]
 */
/** @typedef {{ status: number, error: StripeErrorBody }} ApiError */

/** @param {string} code */
function docUrl(code) {
	return 'https://stripe.com/docs/error-codes/' + code.replace(/_/g, '-');
}

/**
 * @param {number} status
 * @param {string} type
 * @param {string | undefined} code
 * @param {string} message
 * @param {string} [param]
 * @returns {ApiError}
 */
function apiError(status, type, code, message, param) {
	/** @type {StripeErrorBody} */
	const error = { type, message };
	if (code) {
		error.code = code;
		error.doc_url = docUrl(code);
	}
	if (param !== undefined) error.param = param;
	return { status, error };
}

/**
 * @param {string} message
 * @param {string} [param]
 * @param {string} [code]
 */
function invalid(message, param, code) {
	return apiError(400, 'invalid_request_error', code, message, param);
}

/** @param {string} param */
function unknownParam(param) {
	return invalid(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

/** @param {string} param */
function missingParam(param) {
	return invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/** @param {string} param */
function emptyNotAllowed(param) {
	return invalid(
		`You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
			`however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
		param,
		'parameter_invalid_empty',
	);
}

/** @param {string} what e.g. 'customer' @param {string} id @param {string} [param] */
function noSuch(what, id, param = 'id') {
	return apiError(
		404,
		'invalid_request_error',
		'resource_missing',
		`No such ${what}: '${id}'`,
		param,
	);
}

/** @param {string} method @param {string} path */
function unrecognizedUrl(method, path) {
	return apiError(
		404,
		'invalid_request_error',
		undefined,
		`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
	);
}

/**
 * Mask an API key the way Stripe does in error messages.
 * @param {string} key
 */
function maskKey(key) {
	const m = /^([a-z]{2,4}_(?:test|live)_)/.exec(key);
	const prefix = m ? m[1] : '';
	const rest = key.length - prefix.length;
	const last4 = rest >= 8 ? key.slice(-4) : '';
	return `${prefix}****${last4}`;
}

/** @param {string} key */
const invalidApiKey = (key) =>
	apiError(401, 'invalid_request_error', undefined, `Invalid API Key provided: ${maskKey(key)}`);

const NO_API_KEY = apiError(
	401,
	'invalid_request_error',
	undefined,
	"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
);

const PUBLISHABLE_KEY = apiError(
	401,
	'invalid_request_error',
	'secret_key_required',
	'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
);

const RATE_LIMITED = apiError(
	429,
	'invalid_request_error',
	'rate_limit',
	'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
);

const DECLINE_MESSAGES = /** @type {Record<string, string>} */ ({
	generic_decline: 'Your card was declined.',
	insufficient_funds: 'Your card has insufficient funds.',
	card_declined: 'Your card was declined.',
	lost_card: 'Your card was declined.',
	stolen_card: 'Your card was declined.',
	expired_card: 'Your card has expired.',
});

const LOCK_TIMEOUT = apiError(
	429,
	'invalid_request_error',
	'lock_timeout',
	'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. ' +
		'If you see this error intermittently, retry the request. If you see this error frequently and are making multiple ' +
		'concurrent requests to a single object, make your requests serially or at a lower rate.',
);

/** @param {string} key */
const idempotencyKeyInUse = (key) =>
	apiError(
		409,
		'idempotency_error',
		'idempotency_key_in_use',
		'There is currently another in-progress request using this Stripe-Idempotency-Key (that probably means ' +
			`you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
	);

/**
 * The error a fault injects (failNext / burst / random 500).
 * @param {import('./faults').FailStatus} how
 * @param {{ key: string, account: string, idempotencyKey: string | null }} ctx   the API key is only ever shown masked
 * @returns {ApiError}
 */
function faultError(how, ctx) {
	switch (how.status) {
		case 429:
			return how.code === 'lock_timeout' ? LOCK_TIMEOUT : RATE_LIMITED;
		case 500:
			return apiError(
				500,
				'api_error',
				undefined,
				"Sorry, something went wrong. We've already been notified of the problem (fault injected by the Stripe double).",
			);
		case 409:
			return idempotencyKeyInUse(ctx.idempotencyKey || '(none)');
		case 403:
			// What Stripe answers a restricted key without the permission (stripe-node: StripePermissionError).
			return apiError(
				403,
				'invalid_request_error',
				undefined,
				`The provided key '${maskKey(ctx.key)}' does not have the required permissions for this endpoint on account ` +
					`'${ctx.account}'. Having the 'rak_customer_write' permission would allow this request to continue.`,
			);
		case 402:
			return cardDeclined(how.decline_code || 'generic_decline');
		case 401:
			return invalidApiKey(ctx.key);
		case 400:
		default:
			return apiError(
				how.status,
				'invalid_request_error',
				undefined,
				'Invalid request (fault injected by the Stripe double).',
			);
	}
}

/**
 * A 402 card error as Stripe answers a declined card (docs "Testing": declined payments).
 * @param {string} declineCode   generic_decline, insufficient_funds, lost_card, stolen_card, fraudulent, expired_card,
 *   incorrect_cvc, processing_error
 * @returns {ApiError}
 */
function cardDeclined(declineCode) {
	/** @type {Record<string, [code: string, message: string, param?: string]>} */
	const special = {
		expired_card: ['expired_card', 'Your card has expired.', 'exp_month'],
		incorrect_cvc: ['incorrect_cvc', "Your card's security code is incorrect.", 'cvc'],
		processing_error: [
			'processing_error',
			'An error occurred while processing your card. Try again in a little bit.',
		],
	};
	const [code, message, param] = special[declineCode] || [
		'card_declined',
		DECLINE_MESSAGES[declineCode] || 'Your card was declined.',
	];
	/** @type {StripeErrorBody} */
	const error = {
		type: 'card_error',
		code,
		decline_code: declineCode,
		message,
		doc_url: docUrl(code),
	};
	if (param) error.param = param;
	return { status: 402, error };
}

/** An error as a route's result. @param {ApiError} e @returns {{ status: number, body: { error: StripeErrorBody } }} */
function asResult(e) {
	return { status: e.status, body: { error: e.error } };
}

module.exports = {
	asResult,
	docUrl,
	apiError,
	invalid,
	unknownParam,
	missingParam,
	emptyNotAllowed,
	noSuch,
	unrecognizedUrl,
	maskKey,
	invalidApiKey,
	NO_API_KEY,
	PUBLISHABLE_KEY,
	RATE_LIMITED,
	LOCK_TIMEOUT,
	idempotencyKeyInUse,
	faultError,
	cardDeclined,
};
