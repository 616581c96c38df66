// @ts-check
'use strict';

/** Every endpoint family of the double: a new endpoint is a new file and one line here. */

const { registerBalance } = require('./balance');
const { registerCustomers } = require('./customers');
const { registerCustomerSearch } = require('./customerSearch');
const { registerTaxIds } = require('./taxIds');
const { registerPaymentMethods } = require('./paymentMethods');
const { registerCustomerBalanceTransactions } = require('./customerBalanceTransactions');
const { registerWebhookEndpoints } = require('./webhookEndpoints');
const { registerEvents } = require('./events');
const { registerBillingPortal } = require('./billingPortal');

/** @type {readonly import('../core/double').EndpointFamily[]} */
const ENDPOINT_FAMILIES = Object.freeze([
	registerBalance,
	registerCustomers,
	registerCustomerSearch,
	registerTaxIds,
	registerPaymentMethods,
	registerCustomerBalanceTransactions,
	registerWebhookEndpoints,
	registerEvents,
	registerBillingPortal,
]);

module.exports = { ENDPOINT_FAMILIES };
