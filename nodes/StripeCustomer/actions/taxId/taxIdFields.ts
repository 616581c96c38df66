import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type Stripe from 'stripe';

import {
	givenText,
	invalid,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { pickOrFill } from '../../helpers/displayConditions';
import { TAX_ID_TYPE_OPTIONS, TAX_ID_TYPES, type TaxIdType } from '../../data/taxIdTypes';

// A tax ID as the editor shows it, defined once for the Tax ID operations and the customer's "Business VAT IDs /
// Tax IDs": its Type (listed by country, with an example value) and its Value. And the tax ID a Delete acts on.

export type TaxIdData = Stripe.CustomerCreateParams.TaxIdDatum;

/** The original spec's "Business VAT ID": a Type left empty is an EU VAT number. */
const DEFAULT_TAX_ID_TYPE: TaxIdType = 'eu_vat';

export const taxIdType: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	options: [...TAX_ID_TYPE_OPTIONS],
	default: DEFAULT_TAX_ID_TYPE,
	description: 'The kind of tax ID, by country; type a country or "VAT" to find it',
};

const taxIdValue: INodeProperties = {
	displayName: 'Value',
	name: 'value',
	type: 'string',
	default: '',
	placeholder: 'DE123456789',
};

/** Type (a list for people, a text an AI Agent fills) and Value (`valueField` adds to it). */
export function taxIdFields(valueField: Partial<INodeProperties> = {}): INodeProperties[] {
	return [
		...pickOrFill(
			taxIdType,
			`Stripe's tax ID type, e.g. eu_vat, gb_vat, us_ein; empty: ${DEFAULT_TAX_ID_TYPE}`,
		),
		{ ...taxIdValue, ...valueField },
	];
}

/** A tax ID's Type as given (empty: an EU VAT number), or why Stripe would refuse it. */
export function taxIdTypeOf(given: unknown): { type: TaxIdType } | { problem: string } {
	const type = (givenText(given) ?? DEFAULT_TAX_ID_TYPE).toLowerCase();
	return (TAX_ID_TYPES as readonly string[]).includes(type)
		? { type: type as TaxIdType }
		: {
				problem: `"${givenText(given)}" is not one of Stripe's tax ID types: pick it from the list, or give its code (e.g. eu_vat, gb_vat, us_ein; all ${TAX_ID_TYPES.length}: ${TAX_ID_TYPES.join(', ')})`,
			};
}

// ---- The tax ID a Delete acts on ----

// n8n checks a typed value against `^<regex>$` before running.
const TAX_ID_ID_PATTERN = 'txi_[A-Za-z0-9]+';

export const taxIdLocator: INodeProperties = {
	displayName: 'Tax ID',
	name: 'taxId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a tax ID of the customer…',
			typeOptions: { searchListMethod: 'searchTaxIds', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'txi_…',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: TAX_ID_ID_PATTERN,
						errorMessage:
							'Not a tax ID: one is txi_ followed by letters and digits only, e.g. txi_1NuMB4LkdIwHu7ixt0lMFMgo',
					},
				},
			],
		},
	],
};

/** The picked tax ID's ID (the resource locator's value, whatever its mode). */
export function readTaxIdId(context: IExecuteFunctions, itemIndex: number): Checked<string> {
	const value = givenText(
		context.getNodeParameter(taxIdLocator.name, itemIndex, '', { extractValue: true }),
	);
	if (value === undefined) return invalid(taxIdLocator.displayName, 'no tax ID given');
	if (!new RegExp(`^${TAX_ID_ID_PATTERN}$`).test(value))
		return invalid(
			taxIdLocator.displayName,
			`"${value}" is not a tax ID's ID: one starts with txi_ and has only letters and digits after it (a Delete takes the ID Stripe gave the tax ID, not its value; Tax ID → List shows them)`,
		);
	return valid(value);
}

/** The Type and Value of one item, checked: what Stripe takes, or every problem. */
export function readTaxIdData(context: IExecuteFunctions, itemIndex: number): Checked<TaxIdData> {
	const problems: FieldProblem[] = [];
	const type = taxIdTypeOf(context.getNodeParameter(taxIdType.name, itemIndex, ''));
	if ('problem' in type) problems.push({ field: taxIdType.displayName, message: type.problem });
	const value = givenText(context.getNodeParameter(taxIdValue.name, itemIndex, ''));
	if (value === undefined)
		problems.push({ field: taxIdValue.displayName, message: 'no tax ID given' });
	const unencodable = unencodableText(taxIdValue.displayName, value);
	if (unencodable) problems.push(unencodable);
	if (problems.length || 'problem' in type || value === undefined) return { ok: false, problems };
	return valid({ type: type.type, value });
}
