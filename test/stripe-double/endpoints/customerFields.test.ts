import Stripe from 'stripe';
import { CREATE_PARAMS, TAX_ID_TYPES } from '../index';
import { useDoubleUnderTest } from '../selfTestSetup';

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

const { d, client } = useDoubleUnderTest();

// Which customer parameters an update may send empty, as at Stripe: an empty value unsets the parameter, and a
// parameter Stripe cannot unset is refused before anything changes.

let stripe: Stripe;
beforeAll(() => {
	stripe = client();
});

describe('an empty value unsets (Stripe: "We assume empty values are an attempt to unset a parameter")', () => {
	it('unsets each value the node can clear, and removes a metadata key', async () => {
		const made = await stripe.customers.create({
			name: 'Ada',
			email: 'ada@example.com',
			phone: '+44 20',
			description: 'VIP',
			address: { line1: '1 Main St', country: 'DE' },
			shipping: { name: 'Ada', address: { line1: '1 Main St' } },
			business_name: 'Analytical Engines',
			individual_name: 'Ada Lovelace',
			preferred_locales: ['de', 'en'],
			invoice_settings: {
				footer: 'Thanks',
				custom_fields: [{ name: 'PO', value: '7' }],
				default_payment_method: 'pm_card_visa',
			},
			metadata: { plan: 'pro', keep: 'yes' },
			payment_method: 'pm_card_visa',
		});
		const cleared = await stripe.customers.update(made.id, {
			name: '',
			email: '',
			phone: '',
			description: '',
			address: '',
			shipping: '',
			business_name: '',
			individual_name: '',
			preferred_locales: '' as never,
			invoice_settings: { footer: '', custom_fields: '', default_payment_method: '' },
			tax: { ip_address: '' },
			metadata: { plan: '' },
		});
		expect(cleared).toMatchObject({
			name: null,
			email: null,
			phone: null,
			description: null,
			address: null,
			shipping: null,
			business_name: null,
			individual_name: null,
			preferred_locales: [],
			invoice_settings: { footer: null, custom_fields: null, default_payment_method: null },
			metadata: { keep: 'yes' },
		});
		expect(d.requests.at(-1)!.rawBody).toContain('phone=&');
	});

	it('refuses emptying what Stripe cannot unset, before any change: 400 parameter_invalid_empty, naming the parameter', async () => {
		const made = await stripe.customers.create({ name: 'Ada', source: 'tok_visa' });
		for (const [param, body] of [
			['default_source', { default_source: '' }],
			['balance', { balance: '' }],
			['next_invoice_sequence', { next_invoice_sequence: '' }],
			['invoice_settings', { invoice_settings: '' }],
			['tax[validate_location]', { tax: { validate_location: '' } }],
		] as const) {
			const refused = await stripe.customers.update(made.id, body as never).then(
				() => undefined,
				(error: Stripe.errors.StripeError) => error,
			);
			expect([refused?.statusCode, refused?.code, refused?.param]).toEqual([
				400,
				'parameter_invalid_empty',
				param,
			]);
			expect(refused?.message).toContain(`however '${param}' cannot be unset`);
		}
		expect((await stripe.customers.retrieve(made.id)) as Stripe.Customer).toMatchObject({
			name: 'Ada',
			default_source: expect.stringMatching(/^card_/),
		});
	});
});
