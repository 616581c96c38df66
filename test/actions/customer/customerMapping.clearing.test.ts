import {
	clearableOn,
	clearableValues,
	type ClearingValues,
	type CustomerValues,
} from '../../../nodes/StripeCustomer/actions/customer/customerFields';
import {
	completeUpdate,
	toCustomerClearing,
	toCustomerUpdatePlan,
	updateBody,
} from '../../../nodes/StripeCustomer/actions/customer/customerMapping';
import type { Checked } from '../../../nodes/StripeCustomer/helpers/checks';

// Clear Fields and Metadata Keys to Remove, in the pure mapping: each choice -> exactly the parameters sent empty,
// which Stripe takes as "remove". A value is either given or cleared, never both; an empty field clears nothing.

function valueOf<T>(mapped: Checked<T>): T {
	if (!mapped.ok) throw new Error(`expected no problems, got ${JSON.stringify(mapped.problems)}`);
	return mapped.value;
}

/** The body the update sends for these values and removals (no current customer needed). */
function bodyOf(values: CustomerValues, clearing: Omit<ClearingValues, 'operation'>) {
	const plan = valueOf(toCustomerUpdatePlan(values, { operation: 'update', ...clearing }));
	return updateBody(valueOf(completeUpdate(plan, undefined)), plan.cleared);
}

function problemsOf(
	values: CustomerValues,
	clearing: Omit<ClearingValues, 'operation'>,
	operation: ClearingValues['operation'] = 'update',
) {
	const plan = toCustomerUpdatePlan(values, { operation, ...clearing });
	return plan.ok ? [] : plan.problems;
}

describe('each value Clear Fields offers is sent empty, and nothing else', () => {
	const rows: Array<[string, object]> = [
		['name', { name: '' }],
		['email', { email: '' }],
		['phone', { phone: '' }],
		['description', { description: '' }],
		['address', { address: '' }],
		['shipping', { shipping: '' }],
		['businessName', { business_name: '' }],
		['individualName', { individual_name: '' }],
		['defaultPaymentMethod', { invoice_settings: { default_payment_method: '' } }],
		['invoiceCustomFields', { invoice_settings: { custom_fields: '' } }],
		['invoiceFooter', { invoice_settings: { footer: '' } }],
		['preferredLocales', { preferred_locales: '' }],
		['taxIpAddress', { tax: { ip_address: '' } }],
	];

	test('every value Clear Fields offers has a row, and every row is one it offers', () => {
		expect(rows.map(([value]) => value).sort()).toEqual(
			clearableValues.map((clearable) => clearable.value).sort(),
		);
	});

	test.each(rows)('%s', (value, sent) => {
		expect(bodyOf({}, { fields: [value] })).toEqual(sent);
	});

	test('Create or Update offers all but Email, which finds its customer', () => {
		expect(clearableOn('upsert').map((clearable) => clearable.value)).toEqual(
			clearableValues.map((clearable) => clearable.value).filter((value) => value !== 'email'),
		);
		expect(problemsOf({ email: 'ada@example.com' }, { fields: ['email'] }, 'upsert')).toEqual([
			{ field: 'Clear Fields', message: expect.stringMatching(/^"email" is not a value that can/) },
		]);
	});
});

describe('what the item gives and what it removes, together', () => {
	test('the values given are sent beside the removals; parts of one hash are merged', () => {
		expect(
			bodyOf(
				{
					name: 'Ada',
					invoiceSettings: { footer: 'Thanks' },
					metadata: { entry: [{ key: 'plan', value: 'pro' }] },
				},
				{ fields: ['phone', 'defaultPaymentMethod'], metadataKeys: 'legacy_id, old plan' },
			),
		).toEqual({
			name: 'Ada',
			phone: '',
			invoice_settings: { footer: 'Thanks', default_payment_method: '' },
			metadata: { plan: 'pro', legacy_id: '', 'old plan': '' },
		});
	});

	test('a choice by its label or its value, in any case, as a list or a comma-separated text (an expression, an AI Agent)', () => {
		const sent = { phone: '', address: '', preferred_locales: '' };
		expect(bodyOf({}, { fields: ['Phone', 'billing address', 'PREFERREDLOCALES'] })).toEqual(sent);
		expect(bodyOf({}, { fields: 'phone, Billing Address,preferredLocales' })).toEqual(sent);
	});

	test('metadata keys to remove: comma-separated or a list; a key named like an object method is a key like any other', () => {
		const metadata: Record<string, string> = Object.create(null);
		for (const key of ['__proto__', 'constructor']) metadata[key] = '';
		expect(bodyOf({}, { metadataKeys: ['__proto__', 'constructor', '__proto__'] })).toEqual({
			metadata: { ...metadata },
		});
		expect(Object.keys(bodyOf({}, { metadataKeys: ' a , b,,a ' }).metadata as object)).toEqual([
			'a',
			'b',
		]);
	});

	test('an empty Clear Fields or an expression that gives nothing removes nothing', () => {
		for (const nothing of [[], '', ' , ', undefined, null])
			expect(bodyOf({ name: 'Ada' }, { fields: nothing, metadataKeys: nothing })).toEqual({
				name: 'Ada',
			});
		expect(problemsOf({ name: '' }, { fields: [], metadataKeys: '' })).toEqual([
			{ field: 'Customer', message: 'nothing to update: every field of the item is empty' },
		]);
	});

	test('removals alone are an update', () => {
		expect(problemsOf({}, { metadataKeys: 'plan' })).toEqual([]);
	});
});

describe('a value both given and chosen to be removed is refused, naming both', () => {
	test.each([
		['Phone', { phone: '+44 20' }, { fields: ['phone'] }, 'Clear Fields → Phone', 'Phone'],
		[
			'Billing Address, given in part',
			{ address: { city: 'Berlin' } },
			{ fields: ['address'] },
			'Clear Fields → Billing Address',
			'Billing Address',
		],
		[
			'Default Payment Method, given by Default Source',
			{ defaultSource: 'pm_card_visa' },
			{ fields: ['defaultPaymentMethod'] },
			'Clear Fields → Default Payment Method',
			'Default Source',
		],
		[
			'Default Payment Method, given in Invoice Settings',
			{ invoiceSettings: { defaultPaymentMethod: 'pm_1' } },
			{ fields: ['defaultPaymentMethod'] },
			'Clear Fields → Default Payment Method',
			'Invoice Settings',
		],
		[
			'a metadata key',
			{ metadata: { entry: [{ key: 'plan', value: 'pro' }] } },
			{ metadataKeys: 'plan' },
			'Metadata Keys to Remove → "plan"',
			'Metadata',
		],
	])('%s', (_title, values, clearing, field, givenBy) => {
		const problems = problemsOf(values as CustomerValues, clearing);
		expect(problems).toEqual([
			{ field, message: expect.stringContaining(`${givenBy} also gives`) },
		]);
		expect(problems[0].message).toContain('either set or cleared');
		// Create or Update refuses it too, before it knows whether the customer exists.
		const upsert = toCustomerClearing(values as CustomerValues, {
			operation: 'upsert',
			...clearing,
		});
		expect(upsert.ok ? [] : upsert.problems).toEqual(problems);
	});

	test('an invoice setting given does not conflict with another one removed', () => {
		expect(
			problemsOf({ invoiceSettings: { footer: 'Thanks' } }, { fields: ['invoiceCustomFields'] }),
		).toEqual([]);
	});
});

test('what cannot be removed is refused, every problem at once', () => {
	expect(
		problemsOf(
			{},
			{
				fields: ['phone', 'balance'],
				metadataKeys: ['a'.repeat(41), 'x[1]', `half\uD83D`],
			},
		),
	).toEqual([
		{
			field: 'Clear Fields',
			message: expect.stringMatching(
				/^"balance" is not a value that can be cleared; choose from Name, Email, Phone/,
			),
		},
		{ field: `Metadata Keys to Remove → "${'a'.repeat(41)}"`, message: expect.any(String) },
		{ field: 'Metadata Keys to Remove → "x[1]"', message: 'a key has no [ or ]' },
		{
			field: `Metadata Keys to Remove → "half\uD83D"`,
			message: expect.stringContaining('half of an emoji'),
		},
	]);
});
