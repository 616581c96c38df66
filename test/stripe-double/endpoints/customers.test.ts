import Stripe from 'stripe';

import { decodeForm } from '../index';
import { useDoubleUnderTest, KEY, failure, without } from '../selfTestSetup';

// POST/GET /v1/customers, GET/POST/DELETE /v1/customers/:id: validated, stored, listed and paged as Stripe does.

const { d, client } = useDoubleUnderTest();

describe('POST /v1/customers', () => {
	it('creates a customer from every kind of param and stores the decoded wire params', async () => {
		const stripe = client();
		const created = await stripe.customers.create({
			email: 'ada@example.com',
			name: 'Ada Lovelace',
			phone: '+44 20 7946 0000',
			description: 'first',
			balance: -500,
			business_name: 'Analytical Engines Ltd',
			address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y 4JH', country: 'GB' },
			shipping: { name: 'Ada', address: { line1: '1 Dock Rd', country: 'GB' }, phone: '123' },
			metadata: { plan: 'pro', seats: '5' },
			preferred_locales: ['en', 'de'],
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123456789' },
				{ type: 'gb_vat', value: 'GB123456789' },
			],
			tax_exempt: 'reverse',
			invoice_prefix: 'ADA01',
			next_invoice_sequence: 7,
			invoice_settings: { custom_fields: [{ name: 'PO', value: '42' }], footer: 'Thanks' },
			source: 'tok_visa',
			cash_balance: { settings: { reconciliation_mode: 'manual' } },
			tax: { validate_location: 'deferred' },
			validate: true,
			expand: ['tax_ids'],
		});

		expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
		expect(created).toMatchObject({
			object: 'customer',
			livemode: false,
			email: 'ada@example.com',
			balance: -500,
			metadata: { plan: 'pro', seats: '5' },
			preferred_locales: ['en', 'de'],
			tax_exempt: 'reverse',
			invoice_prefix: 'ADA01',
			next_invoice_sequence: 7,
			currency: null,
			address: {
				line1: '12 St James Sq',
				line2: null,
				city: 'London',
				postal_code: 'SW1Y 4JH',
				country: 'GB',
				state: null,
			},
			shipping: { name: 'Ada', phone: '123', address: { line1: '1 Dock Rd', country: 'GB' } },
			invoice_settings: {
				custom_fields: [{ name: 'PO', value: '42' }],
				footer: 'Thanks',
				default_payment_method: null,
			},
		});
		// the token became a card, and the card the default source
		expect(created.default_source).toMatch(/^card_[A-Za-z0-9]{24}$/);
		expect(created.tax_ids?.data.map((t) => [t.type, t.value])).toEqual([
			['eu_vat', 'DE123456789'],
			['gb_vat', 'GB123456789'],
		]);
		expect(created.lastResponse.requestId).toMatch(/^req_/);
		expect(created.lastResponse.headers['stripe-version']).toBe(Stripe.API_VERSION);

		expect(d.customers).toHaveLength(1);
		const stored = d.customers[0];
		expect(stored.id).toBe(created.id);
		expect(stored.account).toBeNull();
		expect(stored.apiVersion).toBe(Stripe.API_VERSION);
		expect(stored.idempotencyKey).toMatch(/^stripe-node-retry-/);
		expect(stored.params).toMatchObject({
			balance: '-500',
			next_invoice_sequence: '7',
			validate: 'true',
			shipping: { name: 'Ada', address: { line1: '1 Dock Rd', country: 'GB' }, phone: '123' },
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123456789' },
				{ type: 'gb_vat', value: 'GB123456789' },
			],
			preferred_locales: ['en', 'de'],
			metadata: { plan: 'pro', seats: '5' },
			invoice_settings: { custom_fields: [{ name: 'PO', value: '42' }], footer: 'Thanks' },
			expand: ['tax_ids'],
		});

		const fetched = await stripe.customers.retrieve(created.id);
		expect(without(fetched)).toEqual(without(created, 'tax_ids'));

		const req = d.requests[0];
		expect(req).toMatchObject({
			method: 'POST',
			path: '/v1/customers',
			status: 200,
			replayed: false,
		});
		expect(req.headers.authorization).toBe('redacted');
		expect(req.contentType).toBe('application/x-www-form-urlencoded');
		expect(decodeForm(req.rawBody)).toEqual(req.params);
		expect(JSON.stringify(d.requests)).not.toContain(KEY);
	});

	it('rejects unknown, removed and nested-unknown params without creating anything', async () => {
		const stripe = client();
		const cases: [Record<string, unknown>, string, string][] = [
			[{ account_balance: 100 }, 'account_balance', 'parameter_unknown'],
			[{ business_vat_id: 'DE1' }, 'business_vat_id', 'parameter_unknown'],
			[{ default_source: 'card_1' }, 'default_source', 'parameter_unknown'],
			[{ nickname: 'x' }, 'nickname', 'parameter_unknown'],
			[
				{ shipping: { name: 'A', address: { zip: '1' } } },
				'shipping[address][zip]',
				'parameter_unknown',
			],
			[{ shipping: { address: { line1: 'x' } } }, 'shipping[name]', 'parameter_missing'],
			[{ shipping: { name: 'A' } }, 'shipping[address]', 'parameter_missing'],
			[{ balance: 'abc' }, 'balance', 'parameter_invalid_integer'],
			[{ next_invoice_sequence: 1.5 }, 'next_invoice_sequence', 'parameter_invalid_integer'],
			[{ tax_id_data: [{ type: 'xx_vat', value: '1' }] }, 'tax_id_data[0][type]', ''],
			[{ tax_id_data: [{ type: 'eu_vat' }] }, 'tax_id_data[0][value]', 'parameter_missing'],
			[{ tax_exempt: 'sometimes' }, 'tax_exempt', ''],
			[{ email: 'a'.repeat(510) + '@x.io' }, 'email', ''],
			[{ invoice_prefix: 'abc' }, 'invoice_prefix', ''],
			[{ metadata: { ['k'.repeat(41)]: 'v' } }, `metadata[${'k'.repeat(41)}]`, ''],
			[{ metadata: { k: 'v'.repeat(501) } }, 'metadata[k]', ''],
			[
				{ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
				'metadata',
				'',
			],
			[
				{
					invoice_settings: {
						custom_fields: Array.from({ length: 5 }, () => ({ name: 'n', value: 'v' })),
					},
				},
				'invoice_settings[custom_fields]',
				'',
			],
			[
				{ invoice_settings: { custom_fields: [{ name: 'n'.repeat(41), value: 'v' }] } },
				'invoice_settings[custom_fields][0][name]',
				'',
			],
			[
				{ cash_balance: { settings: { reconciliation_mode: 'auto' } } },
				'cash_balance[settings][reconciliation_mode]',
				'',
			],
			[{ tax: { validate_location: 'later' } }, 'tax[validate_location]', ''],
		];
		for (const [params, param, code] of cases) {
			const err = await failure(stripe.customers.create(params as Stripe.CustomerCreateParams));
			expect({ param: err.param, type: err.type, status: err.statusCode }).toEqual({
				param,
				type: 'StripeInvalidRequestError',
				status: 400,
			});
			if (code) expect(err.code).toBe(code);
			if (code === 'parameter_unknown')
				expect(err.message).toBe(`Received unknown parameter: ${param}`);
		}
		expect(d.customers).toHaveLength(0);

		// a validation failure is not stored: the same key works afterwards with other params
		const bad = await failure(
			stripe.customers.create({ nickname: 'x' } as never, { idempotencyKey: 'k-val' }),
		);
		expect(bad.code).toBe('parameter_unknown');
		const ok = await stripe.customers.create({ name: 'ok' }, { idempotencyKey: 'k-val' });
		expect(ok.name).toBe('ok');
	});

	it('accepts coupon and promotion_code only with API version 2025-02-24.acacia or older', async () => {
		const stripe = client();
		const err = await failure(stripe.customers.create({ coupon: 'SPRING' } as never));
		expect(err.code).toBe('parameter_unknown');
		expect(err.param).toBe('coupon');
		const err2 = await failure(
			stripe.customers.create({ promotion_code: 'promo_1' } as never, {
				apiVersion: '2025-03-31.basil',
			}),
		);
		expect(err2.param).toBe('promotion_code');

		const c = await stripe.customers.create({ coupon: 'SPRING' } as never, {
			apiVersion: '2025-02-24.acacia',
		});
		expect(c.discount).toEqual({ coupon: { id: 'SPRING' } });
		expect(c.lastResponse.headers['stripe-version']).toBe('2025-02-24.acacia');
		expect(d.customers[0].apiVersion).toBe('2025-02-24.acacia');
		await stripe.customers.create({ coupon: 'OLD' } as never, { apiVersion: '2020-08-27' });
		expect(d.customers).toHaveLength(2);
	});
});

describe('GET /v1/customers', () => {
	it('lists by exact, case-sensitive email, newest first, paginates and scopes per account', async () => {
		const stripe = client();
		const a1 = await stripe.customers.create({ email: 'alice@example.com', name: '1' });
		await stripe.customers.create({ email: 'Alice@example.com', name: 'upper' });
		await stripe.customers.create({ email: 'bob@example.com' });
		const a2 = await stripe.customers.create({ email: 'alice@example.com', name: '2' });
		const a3 = await stripe.customers.create({ email: 'alice@example.com', name: '3' });
		await stripe.customers.create({ email: 'alice@example.com' }, { stripeAccount: 'acct_other' });

		const list = await stripe.customers.list({ email: 'alice@example.com' });
		expect(list).toMatchObject({ object: 'list', has_more: false, url: '/v1/customers' });
		expect(list.data.map((c) => c.id)).toEqual([a3.id, a2.id, a1.id]);

		const upper = await stripe.customers.list({ email: 'Alice@example.com' });
		expect(upper.data.map((c) => c.name)).toEqual(['upper']);
		expect((await stripe.customers.list({ email: 'ALICE@example.com' })).data).toEqual([]);

		const page1 = await stripe.customers.list({ email: 'alice@example.com', limit: 2 });
		expect(page1.has_more).toBe(true);
		const page2 = await stripe.customers.list({
			email: 'alice@example.com',
			limit: 2,
			starting_after: page1.data[1].id,
		});
		expect(page2.data.map((c) => c.id)).toEqual([a1.id]);
		expect(page2.has_more).toBe(false);

		const all = await stripe.customers.list({ limit: 100 });
		expect(all.data).toHaveLength(5);
		const other = await stripe.customers.list(
			{ email: 'alice@example.com' },
			{ stripeAccount: 'acct_other' },
		);
		expect(other.data).toHaveLength(1);

		const auto = await stripe.customers.list({ limit: 1 }).autoPagingToArray({ limit: 10 });
		expect(auto).toHaveLength(5);

		const bad = await failure(stripe.customers.list({ limit: 101 }));
		expect([bad.statusCode, bad.param]).toEqual([400, 'limit']);
	});
});

describe('customer by id', () => {
	it('retrieves, 404s on unknown ids and other accounts', async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'r' });
		expect((await stripe.customers.retrieve(c.id)).id).toBe(c.id);
		const missing = await failure(stripe.customers.retrieve('cus_missing'));
		expect([missing.statusCode, missing.code, missing.param]).toEqual([
			404,
			'resource_missing',
			'id',
		]);
		const scoped = await failure(stripe.customers.retrieve(c.id, {}, { stripeAccount: 'acct_x' }));
		expect(scoped.statusCode).toBe(404);
	});

	it('updates: merges fields and metadata, re-indexes email, validates like Stripe', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			email: 'old@example.com',
			name: 'Old',
			metadata: { a: '1', b: '2' },
		});
		const u = await stripe.customers.update(c.id, {
			email: 'new@example.com',
			metadata: { a: '', c: '3' },
			default_source: 'card_123',
			address: { line1: 'x', country: 'DE' },
			balance: 250,
		});
		expect(u).toMatchObject({
			id: c.id,
			name: 'Old',
			email: 'new@example.com',
			metadata: { b: '2', c: '3' },
			default_source: 'card_123',
			balance: 250,
			address: { line1: 'x', country: 'DE' },
		});
		expect(d.customers[0].customer.email).toBe('new@example.com');
		expect((await stripe.customers.list({ email: 'old@example.com' })).data).toEqual([]);
		expect(
			(await stripe.customers.list({ email: 'new@example.com' })).data.map((x) => x.id),
		).toEqual([c.id]);

		const taxErr = await failure(
			stripe.customers.update(c.id, { tax_id_data: [{ type: 'eu_vat', value: 'DE1' }] } as never),
		);
		expect([taxErr.code, taxErr.param]).toEqual(['parameter_unknown', 'tax_id_data']);
		const missing = await failure(stripe.customers.update('cus_nope', { name: 'x' }));
		expect(missing.statusCode).toBe(404);

		const cleared = await stripe.customers.update(c.id, { metadata: '' });
		expect(cleared.metadata).toEqual({});

		const txi = await stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'DE123456789' });
		expect(txi).toMatchObject({
			object: 'tax_id',
			type: 'eu_vat',
			value: 'DE123456789',
			customer: c.id,
		});
		expect(txi.id).toMatch(/^txi_/);
		const badTx = await failure(
			stripe.customers.createTaxId(c.id, { type: 'zz_vat' as never, value: '1' }),
		);
		expect(badTx.param).toBe('type');
	});
});

describe('DELETE /v1/customers/:id', () => {
	it('deletes; the deleted customer answers {deleted: true}, is gone from list and search, and cannot be deleted or updated again', async () => {
		d.setSearchLag(0);
		const stripe = client();
		const gone = await stripe.customers.create({ email: 'gone@example.com', name: 'Gone' });
		const kept = await stripe.customers.create({ email: 'kept@example.com', name: 'Kept' });

		const deleted = await stripe.customers.del(gone.id);
		expect({ ...deleted, lastResponse: undefined }).toEqual({
			id: gone.id,
			object: 'customer',
			deleted: true,
			lastResponse: undefined,
		});
		const fetched = await stripe.customers.retrieve(gone.id);
		expect(fetched).toMatchObject({ id: gone.id, object: 'customer', deleted: true });
		expect(
			Object.keys(fetched)
				.filter((k) => k !== 'lastResponse')
				.sort(),
		).toEqual(['deleted', 'id', 'object']);

		const again = await failure(stripe.customers.del(gone.id));
		expect([again.statusCode, again.code, again.param, again.message]).toEqual([
			404,
			'resource_missing',
			'id',
			`No such customer: '${gone.id}'`,
		]);
		expect(again.headers?.['stripe-should-retry']).toBe('false');
		const update = await failure(stripe.customers.update(gone.id, { name: 'back' }));
		expect([update.statusCode, update.code, update.param]).toEqual([404, 'resource_missing', 'id']);
		const taxId = await failure(
			stripe.customers.createTaxId(gone.id, { type: 'eu_vat', value: 'DE123456789' }),
		);
		expect(taxId.statusCode).toBe(404);

		expect((await stripe.customers.list()).data.map((c) => c.id)).toEqual([kept.id]);
		expect((await stripe.customers.list({ email: 'gone@example.com' })).data).toEqual([]);
		expect(
			(await stripe.customers.search({ query: "name~'Gon' OR name:'Kept'" })).data.map((c) => c.id),
		).toEqual([kept.id]);
		expect(d.stats()).toMatchObject({ created: 2, deleted: 1 });
		expect(d.customers.map((c) => c.deleted)).toEqual([true, undefined]);
		expect(d.requests.find((r) => r.method === 'DELETE')).toMatchObject({
			path: `/v1/customers/${gone.id}`,
			status: 200,
			rawBody: '',
		});
	});

	it('faults apply to deletes too: an injected 500 deletes nothing', async () => {
		const stripe = client();
		const c = await stripe.customers.create({ name: 'x' });
		d.failNext(1, { status: 500 });
		expect((await failure(stripe.customers.del(c.id))).statusCode).toBe(500);
		expect((await stripe.customers.retrieve(c.id)).deleted).toBeUndefined();
	});
});

describe('GET /v1/customers filters', () => {
	it('created[gt|gte|lt|lte], ending_before and has_more behave as at Stripe', async () => {
		const stripe = client();
		const made: Stripe.Customer[] = [];
		for (let i = 0; i < 5; i++) made.push(await stripe.customers.create({ name: `c${i}` }));
		const t = made[0].created;
		const names = (l: Stripe.ApiList<Stripe.Customer>) => l.data.map((c) => c.name);
		const list = (p: Stripe.CustomerListParams) => stripe.customers.list(p);

		expect(names(await list({ created: { gte: t } }))).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
		expect(names(await list({ created: { gt: t - 1, lte: made[4].created } }))).toHaveLength(5);
		expect(names(await list({ created: t }))).toEqual(
			made
				.filter((c) => c.created === t)
				.map((c) => c.name)
				.reverse(),
		);
		expect(names(await list({ created: { gt: made[4].created } }))).toEqual([]);
		expect(names(await list({ created: { lt: t } }))).toEqual([]);

		// ending_before: the customers just newer than the cursor, newest first
		const before = await list({ ending_before: made[0].id, limit: 2 });
		expect(names(before)).toEqual(['c2', 'c1']);
		expect(before.has_more).toBe(true);
		expect((await list({ ending_before: made[2].id, limit: 2 })).has_more).toBe(false);
		const after = await list({ starting_after: made[3].id, limit: 3 });
		expect([names(after), after.has_more]).toEqual([['c2', 'c1', 'c0'], false]);

		const both = await failure(list({ starting_after: made[1].id, ending_before: made[3].id }));
		expect([both.statusCode, both.code]).toEqual([400, 'parameters_exclusive']);
		const badOp = await failure(list({ created: { after: t } as never }));
		expect([badOp.code, badOp.param]).toEqual(['parameter_unknown', 'created[after]']);
		const badInt = await failure(list({ created: { gte: 'soon' as never } }));
		expect([badInt.code, badInt.param]).toEqual(['parameter_invalid_integer', 'created[gte]']);
		const unknownCursor = await failure(list({ starting_after: 'cus_nope' }));
		expect([unknownCursor.statusCode, unknownCursor.param]).toEqual([404, 'starting_after']);
	});
});

describe('as strict as Stripe', () => {
	it('an address or shipping sent on update replaces the whole hash; shipping without name and address is refused', async () => {
		const stripe = client();
		const c = await stripe.customers.create({
			address: {
				line1: 'Unter den Linden 1',
				line2: 'Hof',
				city: 'Berlin',
				postal_code: '10117',
				state: 'BE',
				country: 'DE',
			},
			shipping: {
				name: 'Ada',
				phone: '+49 30 1',
				address: { line1: 'Dock 1', city: 'Hamburg', country: 'DE' },
			},
			invoice_settings: { footer: 'Danke', custom_fields: [{ name: 'PO', value: '1' }] },
			metadata: { a: '1' },
		});
		const u = await stripe.customers.update(c.id, {
			address: { country: 'AT' },
			metadata: { b: '2' },
		});
		expect(u.address).toEqual({
			line1: null,
			line2: null,
			city: null,
			postal_code: null,
			state: null,
			country: 'AT',
		});
		expect(u.metadata).toEqual({ a: '1', b: '2' }); // metadata merges: Stripe documents it
		const noName = await failure(
			stripe.customers.update(c.id, { shipping: { address: { city: 'Bremen' } } } as never),
		);
		expect([noName.statusCode, noName.code, noName.param]).toEqual([
			400,
			'parameter_missing',
			'shipping[name]',
		]);
		const noAddress = await failure(
			stripe.customers.update(c.id, { shipping: { name: 'Ada' } } as never),
		);
		expect([noAddress.code, noAddress.param]).toEqual(['parameter_missing', 'shipping[address]']);
		const shipped = await stripe.customers.update(c.id, {
			shipping: { name: 'Ada L.', address: { city: 'Bremen' } },
		});
		expect(shipped.shipping).toEqual({
			name: 'Ada L.',
			phone: null,
			address: {
				line1: null,
				line2: null,
				city: 'Bremen',
				postal_code: null,
				state: null,
				country: null,
			},
		});
		// invoice_settings: the sub-fields sent change, the others stay
		const inv = await stripe.customers.update(c.id, { invoice_settings: { footer: 'Thanks' } });
		expect(inv.invoice_settings).toMatchObject({
			footer: 'Thanks',
			custom_fields: [{ name: 'PO', value: '1' }],
		});
		const cleared = await stripe.customers.update(c.id, { address: '', shipping: '' });
		expect([cleared.address, cleared.shipping]).toEqual([null, null]);
	});
});
