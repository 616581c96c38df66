import {
	givenText,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { FieldCheck, metadataParam, type Repeated, type Value } from '../customer/fieldRules';
import type { BalanceTransactionParams } from './balanceTransactionApi';

// The pure mapping: one item's values → the parameters of a balance transaction, or every problem found in them.
// No `this`, no I/O.

export interface BalanceTransactionValues {
	amount: Value;
	currency: Value;
	description: Value;
	metadata?: Repeated<'entry', { key?: Value; value?: Value }>;
}

/** The editor's labels of the fields, for the problems. */
export interface BalanceTransactionLabels {
	amount: string;
	currency: string;
	description: string;
	metadata: string;
}

const WHOLE_AMOUNT =
	'must be a whole number in the smallest currency unit (e.g. -500 for a 5.00 credit; 12.50 is 1250)';

function amountOf(value: Value, check: FieldCheck): number | undefined {
	const amount = check.wholeNumber(value, WHOLE_AMOUNT);
	if (amount === undefined && givenText(value) === undefined)
		return check.fail(
			'required: a negative amount credits the customer (e.g. -500), a positive one debits them (e.g. 500)',
		);
	if (amount === 0)
		return check.fail(
			'0 moves no balance: give a negative amount to credit the customer, a positive one to debit them',
		);
	return amount;
}

function currencyOf(value: Value, check: FieldCheck): string | undefined {
	const currency = givenText(value);
	if (currency === undefined) return check.fail('required: the three-letter ISO code, e.g. usd');
	if (!/^[A-Za-z]{3}$/.test(currency))
		return check.fail(
			`"${currency}" is not a currency code: give its three letters (ISO 4217), e.g. usd or eur`,
		);
	// Stripe writes currencies in lower case; "USD" is usd.
	return currency.toLowerCase();
}

/** The texts of the metadata that cannot be sent (half of an emoji), as problems of its key or value. */
function unencodableMetadata(
	metadata: Record<string, string> | undefined,
	label: string,
): FieldProblem[] {
	return Object.entries(metadata ?? {}).flatMap(([key, value]) =>
		[unencodableText(`${label} → key`, key), unencodableText(`${label} → "${key}"`, value)].filter(
			(problem): problem is FieldProblem => problem !== undefined,
		),
	);
}

export function toBalanceTransactionParams(
	values: BalanceTransactionValues,
	labels: BalanceTransactionLabels,
): Checked<BalanceTransactionParams> {
	const problems: FieldProblem[] = [];
	const amount = amountOf(values.amount, new FieldCheck(labels.amount, problems));
	const currency = currencyOf(values.currency, new FieldCheck(labels.currency, problems));
	const description = givenText(values.description);
	const unencodable = unencodableText(labels.description, description);
	if (unencodable) problems.push(unencodable);
	const metadata = metadataParam(values.metadata, new FieldCheck(labels.metadata, problems));
	problems.push(...unencodableMetadata(metadata, labels.metadata));
	if (problems.length || amount === undefined || currency === undefined)
		return { ok: false, problems };
	return valid({
		amount,
		currency,
		...(description !== undefined ? { description } : {}),
		...(metadata ? { metadata } : {}),
	});
}
