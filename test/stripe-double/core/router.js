// @ts-check
'use strict';

/**
 * Route table: `METHOD /v1/things/:id/sub` patterns. A path matches the route with the most literal
 * segments first, so `/v1/customers/search` wins over `/v1/customers/:id` whatever the registration order.
 */

/**
 * @template R
 * @typedef {{ route: R, segments: string[], literals: number }} Entry
 */

/** @template {{ method: string, path: string }} R */
class Router {
	constructor() {
		/** @type {Entry<R>[]} */
		this.entries = [];
	}

	/** @param {R} route */
	add(route) {
		const segments = route.path.split('/').slice(1);
		const literals = segments.filter((s) => !s.startsWith(':')).length;
		const clash = this.entries.find(
			(e) => e.route.method === route.method && e.route.path === route.path,
		);
		if (clash) throw new Error(`route registered twice: ${route.method} ${route.path}`);
		this.entries.push({ route, segments, literals });
		this.entries.sort((a, b) => b.literals - a.literals);
	}

	/**
	 * @param {string} method
	 * @param {string} path
	 * @returns {{ route: R, pathParams: Record<string, string> } | null}
	 */
	match(method, path) {
		const parts = path.split('/').slice(1);
		for (const e of this.entries) {
			if (e.route.method !== method || e.segments.length !== parts.length) continue;
			/** @type {Record<string, string>} */
			const pathParams = {};
			let ok = true;
			for (let i = 0; i < parts.length && ok; i++) {
				const seg = e.segments[i];
				if (seg.startsWith(':')) {
					if (parts[i] === '') ok = false;
					else pathParams[seg.slice(1)] = safeDecode(parts[i]);
				} else ok = seg === parts[i];
			}
			if (ok) return { route: e.route, pathParams };
		}
		return null;
	}
}

/** @param {string} s */
function safeDecode(s) {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

module.exports = { Router };
