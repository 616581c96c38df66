// @ts-check
'use strict';

/** Stripe's cursor pagination over a list kept newest first: `limit`, `starting_after`, `ending_before`. */

const { noSuch } = require('./errors');

/**
 * One page of `newestFirst` (items with an `id`), after the cursor of the request's query; `keep` filters.
 * @template {{ id: string } | Record<string, any>} T
 * @param {T[]} newestFirst
 * @param {import('./formDecode').FormParams} q   the validated query (`limit` 1–100, default 10; cursors exclusive)
 * @param {string} what                           how a 404 for an unknown cursor names the object
 * @param {(item: T) => boolean} [keep]
 * @returns {{ page: T[], hasMore: boolean } | import('./errors').ApiError}
 */
function pageNewestFirst(newestFirst, q, what, keep = () => true) {
	const limit = q.limit === undefined ? 10 : Number(q.limit);
	let from = 0;
	let to = newestFirst.length;
	if (typeof q.starting_after === 'string') {
		const cursor = q.starting_after;
		from = newestFirst.findIndex((x) => x.id === cursor) + 1;
		if (from === 0) return noSuch(what, cursor, 'starting_after');
	}
	if (typeof q.ending_before === 'string') {
		const cursor = q.ending_before;
		to = newestFirst.findIndex((x) => x.id === cursor);
		if (to < 0) return noSuch(what, cursor, 'ending_before');
	}
	const candidates = newestFirst.slice(from, to).filter(keep);
	// ending_before: the `limit` items just newer than the cursor, still newest first
	const page =
		typeof q.ending_before === 'string' ? candidates.slice(-limit) : candidates.slice(0, limit);
	return { page, hasMore: candidates.length > limit };
}

module.exports = { pageNewestFirst };
