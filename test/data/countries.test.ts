import { COUNTRIES, COUNTRY_CODES } from '../../nodes/StripeCustomer/data/countries';

// The editor's list of countries for addresses: ISO 3166-1, by name.

describe('countries', () => {
	test('every officially assigned ISO 3166-1 alpha-2 code, once, with a name', () => {
		const codes = COUNTRIES.map((country) => country.code);
		expect(codes).toHaveLength(249);
		expect(new Set(codes).size).toBe(249);
		expect(COUNTRY_CODES.size).toBe(249);
		for (const { code, name } of COUNTRIES) {
			expect(code).toMatch(/^[A-Z]{2}$/);
			expect(name.trim()).not.toBe('');
			expect(name).not.toBe(code);
		}
	});

	test('no user-assigned or reserved codes', () => {
		for (const code of ['XK', 'EU', 'EZ', 'UN', 'UK', 'IC', 'AC', 'TA', 'AN', 'ZZ'])
			expect(COUNTRY_CODES.has(code)).toBe(false);
		for (const code of ['DE', 'US', 'GB', 'AX', 'SS', 'BQ', 'CW', 'SX'])
			expect(COUNTRY_CODES.has(code)).toBe(true);
	});

	test('sorted by name, as the editor lists them', () => {
		const names = COUNTRIES.map((country) => country.name);
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
		expect(COUNTRIES.find((country) => country.code === 'DE')?.name).toBe('Germany');
	});
});
