// @ts-check
'use strict';

const { invalid } = require('../core/errors');

/**
 * The currencies a `currency` parameter may name ("Must be a supported currency"): the list in Stripe's own answer
 * to an unsupported currency, "Invalid currency: euro. Stripe currently supports these currencies: usd, aed, …", in
 * its order (as a user quoted it in 2022).
 */
const CURRENCIES = Object.freeze(
	(
		'usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn ' +
		'bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf ' +
		'gtq gyd hkd hnl hrk htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt lak lbp ' +
		'lkr lrd lsl mad mdl mga mkd mmk mnt mop mro mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr ' +
		'pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sll sos srd std szl thb ' +
		'tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer zar zmw usdc ghs ' +
		'eek lvl svc vef ltl'
	).split(' '),
);
const SUPPORTED = new Set(CURRENCIES);

/**
 * The currency as Stripe keeps it (lower case: Stripe's message shows "EURO" as "euro"), or Stripe's answer to one
 * it does not support (validation: nothing is stored for the idempotency key).
 * @param {string} given
 * @param {string} param
 * @returns {{ currency: string } | import('../core/errors').ApiError}
 */
function supportedCurrency(given, param) {
	const currency = given.toLowerCase();
	if (SUPPORTED.has(currency)) return { currency };
	return invalid(
		`Invalid currency: ${currency}. Stripe currently supports these currencies: ${CURRENCIES.join(', ')}`,
		param,
	);
}

module.exports = { CURRENCIES, supportedCurrency };
