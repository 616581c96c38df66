import { decodeForm } from '../index';

// Bracketed form decoding, as Stripe reads its request bodies.

describe('form decoding', () => {
	it('decodes brackets into nested objects and numeric indices into arrays, keeping strings', () => {
		expect(
			decodeForm(
				'shipping[address][line1]=1+Main%20St&tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=DE123' +
					'&tax_id_data[1][type]=gb_vat&tax_id_data[1][value]=GB1&preferred_locales[0]=de&preferred_locales[1]=en' +
					'&metadata%5Bplan%5D=pro&expand[]=a&expand[]=b&balance=-5&description=',
			),
		).toEqual({
			shipping: { address: { line1: '1 Main St' } },
			tax_id_data: [
				{ type: 'eu_vat', value: 'DE123' },
				{ type: 'gb_vat', value: 'GB1' },
			],
			preferred_locales: ['de', 'en'],
			metadata: { plan: 'pro' },
			expand: ['a', 'b'],
			balance: '-5',
			description: '',
		});
	});
});
