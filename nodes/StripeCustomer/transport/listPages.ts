import type { StripeRequest } from './sendRequest';

// Stripe's list protocol: a page at a time (at most 100), continued with `starting_after` (lists) or `page` (search).

interface Page<T> {
	data: T[];
	has_more: boolean;
	next_page?: string | null;
}

/** Sends one GET of a list; the client's, so every page goes through its limiter and retries. */
interface ListClient {
	request<R>(request: StripeRequest): Promise<R>;
}

/** GET a list endpoint page by page (`starting_after` or search's `page`) until `limit` objects or the end. */
export async function* listPages<T extends { id: string }>(
	client: ListClient,
	request: StripeRequest,
	limit: number | undefined,
): AsyncGenerator<T[]> {
	let fetched = 0;
	let cursor: { starting_after?: string; page?: string } = {};
	for (;;) {
		const pageSize = Math.min(100, limit === undefined ? 100 : limit - fetched);
		if (pageSize <= 0) return;
		const page = await client.request<Page<T>>({
			...request,
			params: { ...request.params, ...cursor, limit: pageSize },
		});
		fetched += page.data.length;
		yield page.data;
		if (!page.has_more || page.data.length === 0) return;
		cursor = page.next_page
			? { page: page.next_page }
			: { starting_after: page.data[page.data.length - 1].id };
	}
}
