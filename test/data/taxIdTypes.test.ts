import type Stripe from 'stripe';

import {
	TAX_ID_TYPES,
	TAX_ID_TYPE_INFO,
	TAX_ID_TYPE_OPTIONS,
	type TaxIdType,
} from '../../nodes/StripeCustomer/data/taxIdTypes';
import { TAX_ID_TYPES as DOUBLE_TAX_ID_TYPES } from '../stripe-double';

// The editor's list of tax ID types for tax_id_data, checked against Stripe's SDK and the Stripe double.

// Compile-time, both directions: a type Stripe's SDK accepts but the table lacks, or a type in the table the SDK does
// not know, fails tsc (npm run typecheck, and this file under ts-jest) naming the offending types.
// The SDK's union also holds `string & {}` (for types newer than the SDK); only its literal members count.
type LiteralsOf<T> = T extends string ? (string extends T ? never : T) : never;
type SdkTaxIdType = LiteralsOf<Stripe.CustomerCreateParams.TaxIdDatum.Type>;
type MissingFromTable = Exclude<SdkTaxIdType, TaxIdType>;
type UnknownToSdk = Exclude<TaxIdType, SdkTaxIdType>;
const tableMatchesSdk: [MissingFromTable, UnknownToSdk] extends [never, never]
	? true
	: { missingFromTable: MissingFromTable; unknownToSdk: UnknownToSdk } = true;

describe('tax ID types', () => {
	test('the SDK check above compiled', () => {
		expect(tableMatchesSdk).toBe(true);
	});

	test('135 types, sorted, the same as the Stripe test double accepts', () => {
		expect(TAX_ID_TYPES).toHaveLength(135);
		expect(new Set(TAX_ID_TYPES).size).toBe(135);
		expect(TAX_ID_TYPES).toEqual([...TAX_ID_TYPES].sort());
		expect(TAX_ID_TYPES).toEqual([...DOUBLE_TAX_ID_TYPES].sort());
	});

	test('every type has a country, a name and a Stripe description', () => {
		for (const type of TAX_ID_TYPES) {
			const info = TAX_ID_TYPE_INFO[type];
			expect([type, info.country.trim(), info.label.trim(), info.description.trim()]).not.toContain(
				'',
			);
		}
	});

	test('one option per type, each value a type, names unique', () => {
		const values = TAX_ID_TYPE_OPTIONS.map((option) => option.value);
		expect([...values].sort()).toEqual([...TAX_ID_TYPES]);
		const names = TAX_ID_TYPE_OPTIONS.map((option) => option.name);
		expect(new Set(names).size).toBe(names.length);
		for (const option of TAX_ID_TYPE_OPTIONS) {
			expect(option.name.endsWith(` (${option.value})`)).toBe(true);
			expect(option.description.trim()).not.toBe('');
		}
	});

	test('options read country first, sorted by name', () => {
		const names = TAX_ID_TYPE_OPTIONS.map((option) => option.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
		const byValue = new Map(TAX_ID_TYPE_OPTIONS.map((option) => [option.value, option]));
		expect(byValue.get('de_stn')).toEqual({
			name: 'Germany: Steuernummer (de_stn)',
			value: 'de_stn',
			description: 'e.g. 1234567890',
		});
		expect(byValue.get('eu_vat')?.name).toBe('EU: VAT Number (eu_vat)');
		expect(byValue.get('eu_vat')?.description).toContain('DE123456789');
		expect(byValue.get('bf_ifu')?.name).toBe(
			"Burkina Faso: IFU (Numéro d'Identifiant Fiscal Unique) (bf_ifu)",
		);
		expect(byValue.get('gb_vat')?.description).toBe('e.g. GB123456789');
	});
});

test('every tax ID type of the SDK is offered', () => {
	expect(TAX_ID_TYPES).toHaveLength(135);
	expect(TAX_ID_TYPES).toContain('eu_vat');
});
