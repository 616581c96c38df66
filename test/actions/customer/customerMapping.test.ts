import {
	COUPON_API_VERSION,
	type CustomerValues,
} from '../../../nodes/StripeCustomer/actions/customer/customerFields';
import {
	completeUpdate,
	toCustomerCreateRequest,
	toCustomerUpdatePlan,
} from '../../../nodes/StripeCustomer/actions/customer/customerMapping';
import type { Checked } from '../../../nodes/StripeCustomer/helpers/checks';

// The pure mapping: one item's values -> the Stripe request. Problems name the field, all of them at once.

function valueOf<T>(mapped: Checked<T>): T {
	if (!mapped.ok) throw new Error(`expected no problems, got ${JSON.stringify(mapped.problems)}`);
	return mapped.value;
}

const someone = { email: 'someone@example.com' };

describe('toCustomerCreateRequest: values become Stripe parameters', () => {
	const cases: Array<[string, CustomerValues, object, string?]> = [
		[
			'empty strings are not sent',
			{ name: '', email: ' x@example.com ', coupon: '' },
			{ email: 'x@example.com' },
		],
		[
			'name, email, phone, description',
			{ name: ' Ada ', email: 'ada@example.com', phone: 12345, description: 'VIP' },
			{ name: 'Ada', email: 'ada@example.com', phone: '12345', description: 'VIP' },
		],
		['negative balance is a credit', { balance: -500 }, { balance: -500 }],
		['balance from an expression string', { balance: '250' }, { balance: 250 }],
		['balance 0 is sent when the field is added', { balance: 0 }, { balance: 0 }],
		[
			'business VAT ID defaults to eu_vat; several tax IDs',
			{ taxIds: { taxId: [{ value: 'DE123456789' }, { type: 'gb_vat', value: 'GB123' }] } },
			{
				tax_id_data: [
					{ type: 'eu_vat', value: 'DE123456789' },
					{ type: 'gb_vat', value: 'GB123' },
				],
			},
		],
		['source ID', { source: 'tok_visa' }, { source: 'tok_visa' }],
		[
			'default source as a token is the source',
			{ defaultSource: 'tok_visa' },
			{ source: 'tok_visa' },
		],
		[
			'default source equal to Source ID is sent once',
			{ source: 'src_1', defaultSource: 'src_1' },
			{ source: 'src_1' },
		],
		[
			'default source as a payment method',
			{ defaultSource: 'pm_card_visa' },
			{
				payment_method: 'pm_card_visa',
				invoice_settings: { default_payment_method: 'pm_card_visa' },
			},
		],
		[
			'shipping takes the customer name when no recipient name',
			{
				name: 'Ada',
				shipping: {
					line1: '1 Main St',
					line2: 'Apt 2',
					city: 'Berlin',
					state: 'BE',
					postalCode: '10115',
					country: 'de',
				},
			},
			{
				name: 'Ada',
				shipping: {
					name: 'Ada',
					address: {
						line1: '1 Main St',
						line2: 'Apt 2',
						city: 'Berlin',
						state: 'BE',
						postal_code: '10115',
						country: 'DE',
					},
				},
			},
		],
		[
			'shipping recipient name and phone',
			{ shipping: { recipientName: 'Bob', recipientPhone: '+49 1', city: 'Paris' } },
			{ shipping: { name: 'Bob', phone: '+49 1', address: { city: 'Paris' } } },
		],
		[
			'billing address',
			{ address: { line1: 'a', postalCode: '1', country: 'US' } },
			{ address: { line1: 'a', postal_code: '1', country: 'US' } },
		],
		[
			'coupon is sent with the acacia version',
			{ coupon: 'SUMMER' },
			{ coupon: 'SUMMER' },
			COUPON_API_VERSION,
		],
		[
			'promotion code too',
			{ promotionCode: 'promo_1' },
			{ promotion_code: 'promo_1' },
			COUPON_API_VERSION,
		],
		[
			'metadata',
			{
				metadata: {
					entry: [
						{ key: 'plan', value: 'pro' },
						{ key: 'n', value: 3 as unknown as string },
					],
				},
			},
			{ metadata: { plan: 'pro', n: '3' } },
		],
		[
			'business and individual name',
			{ businessName: 'ACME', individualName: 'Ada L' },
			{ business_name: 'ACME', individual_name: 'Ada L' },
		],
		[
			'preferred locales from a comma list',
			{ preferredLocales: 'de, en,' },
			{ preferred_locales: ['de', 'en'] },
		],
		[
			'preferred locales from an array',
			{ preferredLocales: ['fr'] },
			{ preferred_locales: ['fr'] },
		],
		['tax exempt', { taxExempt: 'reverse' }, { tax_exempt: 'reverse' }],
		[
			'tax IP and location validation',
			{ taxIpAddress: '1.2.3.4', taxValidateLocation: 'immediately' },
			{ tax: { ip_address: '1.2.3.4', validate_location: 'immediately' } },
		],
		['invoice prefix', { invoicePrefix: 'ACME1' }, { invoice_prefix: 'ACME1' }],
		[
			'invoice settings',
			{
				invoiceSettings: {
					customFields: { field: [{ name: 'PO', value: '42' }] },
					defaultPaymentMethod: 'pm_1',
					footer: 'Thanks',
					amountTaxDisplay: 'include_inclusive_tax',
					template: 'inrtem_1',
				},
			},
			{
				invoice_settings: {
					custom_fields: [{ name: 'PO', value: '42' }],
					default_payment_method: 'pm_1',
					footer: 'Thanks',
					rendering_options: { amount_tax_display: 'include_inclusive_tax', template: 'inrtem_1' },
				},
			},
		],
		['next invoice sequence', { nextInvoiceSequence: 7 }, { next_invoice_sequence: 7 }],
		['payment method', { paymentMethod: 'pm_2' }, { payment_method: 'pm_2' }],
		[
			'cash balance reconciliation',
			{ cashBalanceReconciliationMode: 'manual' },
			{ cash_balance: { settings: { reconciliation_mode: 'manual' } } },
		],
		['test clock', { testClock: 'clock_1' }, { test_clock: 'clock_1' }],
	];

	test.each(
		cases.map(([title, input, params, apiVersion]) => ({ title, input, params, apiVersion })),
	)('$title', ({ input, params, apiVersion }) => {
		// Fields that do not say who the customer is come with an email, as a real item would.
		const withEmail = 'email' in input || 'name' in input ? input : { ...input, ...someone };
		const expected = withEmail === input ? params : { ...params, ...someone };
		const request = valueOf(toCustomerCreateRequest(withEmail));
		expect(request.params).toEqual(expected);
		expect(request.apiVersion).toBe(apiVersion);
	});
});

describe('toCustomerCreateRequest: bad values are refused with the field named', () => {
	const cases: Array<[string, CustomerValues, string, RegExp]> = [
		[
			'fractional balance',
			{ balance: 12.5 },
			'Account Balance (Cents)',
			/whole number of cents.*12\.50 is 1250.*"12\.5"/,
		],
		[
			'balance typed with a decimal point',
			{ balance: '12.50' },
			'Account Balance (Cents)',
			/"12\.50"/,
		],
		['text balance', { balance: 'ten' }, 'Account Balance (Cents)', /"ten"/],
		[
			'source and a different default source',
			{ source: 'tok_a', defaultSource: 'tok_b' },
			'Default Source',
			/one source on create/,
		],
		[
			'payment method and a different pm default source',
			{ paymentMethod: 'pm_a', defaultSource: 'pm_b' },
			'Default Source',
			/one payment method/,
		],
		[
			'shipping with no name at all',
			{ shipping: { line1: 'x' } },
			'Shipping → Recipient Name',
			/recipient name/,
		],
		[
			'shipping without an address',
			{ name: 'A', shipping: { recipientName: 'B' } },
			'Shipping',
			/address/,
		],
		[
			'country neither a code nor a name',
			{ address: { country: 'Germny' } },
			'Billing Address → Country',
			/"Germny" is not a country: pick it from the list.*two-letter.*or its name/,
		],
		[
			'unknown tax ID type',
			{ taxIds: { taxId: [{ type: 'xx_vat', value: '1' }] } },
			'Business VAT IDs / Tax IDs #1 → Type',
			/one of/,
		],
		['email over 512 characters', { email: `${'a'.repeat(510)}@b.c` }, 'Email', /512/],
		[
			'an email with a space inside says where',
			{ email: 'ada lovelace@example.com' },
			'Email',
			/^"ada lovelace@example\.com" is not an email address: it has a space at position 3; an address has none$/,
		],
		['an email without @', { email: 'ada.example.com' }, 'Email', /: it has no @$/],
		['an email with two @', { email: 'ada@@example.com' }, 'Email', /: it has 2 @ signs/],
		['an email without a name', { email: '@example.com' }, 'Email', /nothing comes before the @$/],
		['an email without a domain', { email: 'ada@' }, 'Email', /nothing comes after the @$/],
		['lower-case invoice prefix', { invoicePrefix: 'acme' }, 'Invoice Prefix', /uppercase/],
		[
			'metadata key with a bracket',
			{ metadata: { entry: [{ key: 'a[b]', value: '1' }] } },
			'Metadata → "a[b]"',
			/\[ or \]/,
		],
		[
			'metadata value over 500',
			{ metadata: { entry: [{ key: 'k', value: 'v'.repeat(501) }] } },
			'Metadata → "k"',
			/500/,
		],
		['business name over 150', { businessName: 'b'.repeat(151) }, 'Business Name', /150/],
		[
			'five invoice custom fields',
			{
				invoiceSettings: {
					customFields: {
						field: Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: 'v' })),
					},
				},
			},
			'Invoice Settings → Custom Fields',
			/at most 4/,
		],
		['tax exempt not an option', { taxExempt: 'yes' }, 'Tax Exempt', /none, exempt, reverse/],
		['next invoice sequence 0', { nextInvoiceSequence: 0 }, 'Next Invoice Sequence', /1 or more/],
	];

	test.each(cases)('%s', (_title, input, field, message) => {
		const mapped = toCustomerCreateRequest({ ...someone, ...input });
		expect(mapped.ok).toBe(false);
		const problems = mapped.ok ? [] : mapped.problems;
		expect(problems).toHaveLength(1);
		expect(problems[0].field).toBe(field);
		expect(problems[0].message).toMatch(message);
	});

	test('every problem of an item is reported at once, in the order of the form', () => {
		const mapped = toCustomerCreateRequest({
			email: 'ada at example',
			address: { country: 'Germny' },
			balance: '12.50',
			invoicePrefix: 'acme',
		});
		expect(mapped.ok).toBe(false);
		expect(mapped.ok ? [] : mapped.problems.map((problem) => problem.field)).toEqual([
			'Email',
			'Billing Address → Country',
			'Account Balance (Cents)',
			'Invoice Prefix',
		]);
	});

	test('an item with no customer data is refused, naming the fields that would identify the customer', () => {
		for (const input of [
			{},
			{ name: '  ', taxExempt: 'none', preferredLocales: 'de' },
		] as CustomerValues[]) {
			const mapped = toCustomerCreateRequest(input);
			expect(mapped.ok).toBe(false);
			const [problem] = mapped.ok ? [] : mapped.problems;
			expect(problem.field).toBe('Customer');
			expect(problem.message).toMatch(
				/no customer data.*Name, Email, Phone, Description, Billing Address, Shipping, Account Balance \(Cents\), Business Name, Business VAT IDs \/ Tax IDs, Default Source, Individual Name, Metadata, Payment Method, Source ID$/,
			);
		}
	});

	test('a country given by its code or by the name the list shows, in any case, is accepted; anything else is not', () => {
		const countryOf = (country: string) =>
			valueOf(toCustomerCreateRequest({ address: { country } })).params.address;
		expect(countryOf('de')).toEqual({ country: 'DE' });
		expect(countryOf('Germany')).toEqual({ country: 'DE' });
		expect(countryOf('GERMANY')).toEqual({ country: 'DE' });
		expect(countryOf(' united  states ')).toEqual({ country: 'US' });
		expect(countryOf('Åland Islands')).toEqual({ country: 'AX' });
		const unknown = toCustomerCreateRequest({ address: { country: 'ZZ' } });
		expect(unknown.ok ? [] : unknown.problems[0].message).toMatch(/^"ZZ" is not a country/);
	});
});

describe('toCustomerUpdatePlan', () => {
	test('tax IDs and the payment method leave the update body; test clock cannot be set on update', () => {
		const plan = toCustomerUpdatePlan({
			name: 'Ada',
			taxIds: { taxId: [{ value: 'DE1' }] },
			defaultSource: 'pm_9',
		});
		expect(valueOf(plan)).toEqual({
			params: { name: 'Ada', invoice_settings: { default_payment_method: 'pm_9' } },
			taxIds: [{ type: 'eu_vat', value: 'DE1' }],
			paymentMethod: 'pm_9',
			apiVersion: undefined,
		});
		const testClock = toCustomerUpdatePlan({ name: 'Ada', testClock: 'clock_1' });
		expect(testClock.ok ? [] : testClock.problems.map((problem) => problem.field)).toEqual([
			'Test Clock',
		]);
	});

	test('a coupon on update is sent with the last API version that takes it', () => {
		expect(valueOf(toCustomerUpdatePlan({ coupon: 'SUMMER' })).apiVersion).toBe(COUPON_API_VERSION);
	});

	test('an update with every field empty is refused', () => {
		const empty = toCustomerUpdatePlan({ name: '' });
		expect(empty.ok ? '' : empty.problems[0].message).toMatch(/nothing to update/);
	});
});

describe('texts that cannot be sent and keys named like object methods', () => {
	// "Ada 🙂" cut by an expression such as .slice(0, 5): the first half of the emoji's surrogate pair stays.
	const cutEmoji = 'Ada 🙂'.slice(0, 5);

	test('half of an emoji is refused before sending, naming the field and the position', () => {
		const name = toCustomerCreateRequest({ ...someone, name: cutEmoji });
		expect(name.ok ? [] : name.problems).toEqual([
			{
				field: 'Name',
				message: expect.stringMatching(
					/^contains half of an emoji \(a lone UTF-16 surrogate\) at position 4, which cannot be sent/,
				),
			},
		]);
		const city = toCustomerCreateRequest({ ...someone, address: { city: `Köln ${cutEmoji}` } });
		expect(city.ok ? [] : city.problems).toEqual([
			{
				field: 'Billing Address',
				message: expect.stringMatching(
					/^address\[city\] contains half of an emoji .* at position 9,/,
				),
			},
		]);
		const key = toCustomerCreateRequest({
			...someone,
			metadata: { entry: [{ key: cutEmoji, value: 'x' }] },
		});
		expect(key.ok ? [] : key.problems[0].message).toMatch(
			/^metadata\[\(a key\) Ada .\] contains half of an emoji .* at position 4,/,
		);
		// A whole emoji is a text like any other.
		expect(valueOf(toCustomerCreateRequest({ ...someone, name: 'Ada 🙂' })).params.name).toBe(
			'Ada 🙂',
		);
	});

	test('metadata keys named like object methods are keys like any other', () => {
		const keys = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
		const request = valueOf(
			toCustomerCreateRequest({
				...someone,
				metadata: { entry: keys.map((key) => ({ key, value: `v-${key}` })) },
			}),
		);
		const metadata = request.params.metadata as Record<string, string>;
		expect(Object.keys(metadata)).toEqual(keys);
		for (const key of keys)
			expect(Object.getOwnPropertyDescriptor(metadata, key)?.value).toBe(`v-${key}`);
		expect(JSON.parse(JSON.stringify(request.params)).metadata).toEqual(
			JSON.parse(JSON.stringify(metadata)),
		);
	});
});

describe('completeUpdate: Stripe replaces a nested hash on update, so the parts not given are sent as they are', () => {
	const current = {
		name: 'Ada',
		address: {
			line1: 'Hauptstr. 1',
			line2: 'Hinterhaus',
			city: 'Berlin',
			postal_code: '10115',
			state: 'BE',
			country: 'DE',
		},
		shipping: {
			name: 'Ada L.',
			phone: '+49 1',
			address: {
				line1: 'Lager 2',
				line2: null,
				city: 'Hamburg',
				postal_code: '20095',
				state: null,
				country: 'DE',
			},
		},
	};

	test('one address field given: the others are kept', () => {
		const plan = valueOf(toCustomerUpdatePlan({ address: { country: 'AT' } }));
		expect(valueOf(completeUpdate(plan, current)).address).toEqual({
			...current.address,
			country: 'AT',
		});
	});

	test('shipping: the recipient and phone stay, unset parts stay unset', () => {
		const plan = valueOf(toCustomerUpdatePlan({ shipping: { city: 'Bremen' } }));
		expect(valueOf(completeUpdate(plan, current)).shipping).toEqual({
			name: 'Ada L.',
			phone: '+49 1',
			address: { line1: 'Lager 2', city: 'Bremen', postal_code: '20095', country: 'DE' },
		});
	});

	test("a customer without shipping: the recipient is the Name given, else the customer's; without either it is refused", () => {
		const withoutShipping = { name: 'Ada', address: null, shipping: null };
		expect(
			valueOf(
				completeUpdate(
					valueOf(toCustomerUpdatePlan({ shipping: { city: 'Bremen' } })),
					withoutShipping,
				),
			).shipping,
		).toEqual({
			name: 'Ada',
			address: { city: 'Bremen' },
		});
		expect(
			valueOf(
				completeUpdate(
					valueOf(toCustomerUpdatePlan({ name: 'Grace', shipping: { city: 'Bremen' } })),
					withoutShipping,
				),
			).shipping?.name,
		).toBe('Grace');
		const nobody = completeUpdate(valueOf(toCustomerUpdatePlan({ shipping: { city: 'Bremen' } })), {
			name: null,
			shipping: null,
		});
		expect(nobody.ok ? [] : nobody.problems.map((problem) => problem.field)).toEqual([
			'Shipping → Recipient Name',
		]);
	});
});
