import { CREATE_PARAMS, TAX_ID_TYPES } from '../index';

// Every customer parameter once (what create accepts), and the tax ID types, as in stripe@23.1.0.

describe('exports', () => {
	it('lists the create params and the 135 tax ID types of stripe@23.1.0', () => {
		expect(TAX_ID_TYPES).toHaveLength(135);
		expect(new Set(TAX_ID_TYPES).size).toBe(135);
		expect(TAX_ID_TYPES).toEqual(
			expect.arrayContaining(['eu_vat', 'gb_vat', 'ch_vat', 'us_ein', 'au_abn', 'zw_tin']),
		);
		expect([...CREATE_PARAMS].sort()).toEqual(
			[
				'address',
				'balance',
				'business_name',
				'cash_balance',
				'description',
				'email',
				'expand',
				'individual_name',
				'invoice_prefix',
				'invoice_settings',
				'metadata',
				'name',
				'next_invoice_sequence',
				'payment_method',
				'phone',
				'preferred_locales',
				'shipping',
				'source',
				'tax',
				'tax_exempt',
				'tax_id_data',
				'test_clock',
				'validate',
			].sort(),
		);
	});
});
