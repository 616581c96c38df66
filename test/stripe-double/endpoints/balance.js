// @ts-check
'use strict';

/** `GET /v1/balance`: what a credential test reads (an empty test-mode balance). */

/** @param {import('../core/double').DoubleApi} api */
function registerBalance(api) {
	api.route({
		method: 'GET',
		path: '/v1/balance',
		execute: () => ({
			status: 200,
			body: { object: 'balance', available: [], pending: [], livemode: false },
		}),
	});
}

module.exports = { registerBalance };
