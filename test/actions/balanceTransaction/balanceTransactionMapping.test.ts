import { toBalanceTransactionParams } from '../../../nodes/StripeCustomer/actions/balanceTransaction/balanceTransactionMapping';
import { LABELS } from '../../../nodes/StripeCustomer/actions/balanceTransaction/balanceTransactionFields';

// One item's values → the parameters of a balance transaction, or the problems a user sees, field by field.

const base = { amount: '-500', currency: 'usd', description: undefined };

test.each([
	['a negative amount (a credit)', {}, { amount: -500, currency: 'usd' }],
	[
		'a positive amount from an expression (a number)',
		{ amount: 250 },
		{ amount: 250, currency: 'usd' },
	],
	['spaces and a plus sign', { amount: ' +250 ' }, { amount: 250, currency: 'usd' }],
	['the currency in capitals', { currency: 'EUR' }, { amount: -500, currency: 'eur' }],
	[
		'a description and metadata',
		{ description: ' Goodwill ', metadata: { entry: [{ key: 'order', value: 1042 }] } },
		{ amount: -500, currency: 'usd', description: 'Goodwill', metadata: { order: '1042' } },
	],
])('%s', (_title, values, params) => {
	expect(toBalanceTransactionParams({ ...base, ...values }, LABELS)).toEqual({
		ok: true,
		value: params,
	});
});

test.each([
	[
		'12.5',
		{ amount: '12.5' },
		'Amount',
		/must be a whole number in the smallest currency unit .*; got "12\.5"/,
	],
	['ten', { amount: 'ten' }, 'Amount', /must be a whole number/],
	['1e3', { amount: '1e3' }, 'Amount', /must be a whole number/],
	['0', { amount: '0' }, 'Amount', /^0 moves no balance/],
	['-0', { amount: '-0' }, 'Amount', /^0 moves no balance/],
	['no amount', { amount: '' }, 'Amount', /^required: a negative amount credits the customer/],
	['no currency', { currency: ' ' }, 'Currency', /^required: the three-letter ISO code/],
	['a currency name', { currency: 'dollars' }, 'Currency', /^"dollars" is not a currency code/],
	[
		'half an emoji',
		{ description: 'Refund \ud83d' },
		'Transaction Description',
		/half of an emoji/,
	],
	[
		'a metadata key with a bracket',
		{ metadata: { entry: [{ key: 'a[b]', value: 'x' }] } },
		'Metadata → "a[b]"',
		/may not contain \[ or \]/,
	],
])('refused: %s', (_title, values, field, message) => {
	const checked = toBalanceTransactionParams({ ...base, ...values }, LABELS);
	expect(checked.ok).toBe(false);
	const problems = checked.ok ? [] : checked.problems;
	expect(problems).toEqual([{ field, message: expect.stringMatching(message) }]);
});
