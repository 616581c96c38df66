// @ts-check
'use strict';

/**
 * A Stripe API test double: a real HTTP(S) server on 127.0.0.1 that the official `stripe` SDK and n8n's HTTP
 * helpers can talk to. See README.md next to this file. The core (core/) serves the endpoint families listed
 * in endpoints/index.js.
 */

const {
	startDouble,
	DEFAULT_API_VERSION,
	DEFAULT_SECRET_KEYS,
	DEFAULT_ACCOUNT,
} = require('./core/double');
const { decodeForm } = require('./core/formDecode');
const { ENDPOINT_FAMILIES } = require('./endpoints');
const {
	TAX_ID_TYPES,
	CREATE_PARAMS,
	UPDATE_PARAMS,
	LEGACY_PARAMS,
	isLegacyCouponVersion,
} = require('./endpoints/customerFields');
const { EVENT_TYPES } = require('./endpoints/eventTypes');
const { signatureHeader } = require('./endpoints/webhookDelivery');
const { DEFAULT_SEARCH_LAG_MS } = require('./endpoints/customerStore');
const { PAYMENT_METHOD_TYPES } = require('./endpoints/paymentMethods');

/**
 * Start a Stripe double listening on 127.0.0.1.
 * @param {import('./core/double').StartOptions} [options]
 */
function startStripeDouble(options = {}) {
	return startDouble(options, ENDPOINT_FAMILIES);
}

module.exports = {
	startStripeDouble,
	CREATE_PARAMS,
	UPDATE_PARAMS,
	LEGACY_PARAMS,
	TAX_ID_TYPES,
	PAYMENT_METHOD_TYPES,
	DEFAULT_API_VERSION,
	DEFAULT_SECRET_KEYS,
	DEFAULT_ACCOUNT,
	isLegacyCouponVersion,
	decodeForm,
	EVENT_TYPES,
	DEFAULT_SEARCH_LAG_MS,
	webhookSignatureHeader: signatureHeader,
};
