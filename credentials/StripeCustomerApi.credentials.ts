import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class StripeCustomerApi implements ICredentialType {
	name = 'stripeCustomerApi';

	displayName = 'Stripe Customer API';

	icon = 'file:stripe.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-stripe-customer/n8n-nodes-stripe-customer#credential-stripe-customer-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'sk_test_… or rk_live_…',
			description:
				'A secret key (sk_…) or a restricted key (rk_…) with write access to Customers. A publishable key (pk_…) cannot read or write customers and is refused.',
		},
		{
			displayName: 'Connected Account ID',
			name: 'stripeAccount',
			type: 'string',
			default: '',
			placeholder: 'acct_…',
			description: 'Stripe Connect: act on this connected account (sent as the Stripe-Account header)',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.stripe.com',
			description: 'Change only for a local Stripe test server or a proxy',
		},
	];

	// A function, not a header template, so an empty Connected Account ID sends no Stripe-Account header.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const account = String(credentials.stripeAccount ?? '').trim();
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${String(credentials.secretKey ?? '').trim()}`,
				...(account ? { 'Stripe-Account': account } : {}),
			},
		};
	}

	// Listing one customer is harmless and needs the same Customers permission the node needs.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ ($credentials.baseUrl || "https://api.stripe.com").replace(/\\/$/, "") }}',
			url: '/v1/customers',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Stripe refused the key: check that it is a secret (sk_…) or restricted (rk_…) key of this account, not a publishable key (pk_…)',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The key may not read Customers: give the restricted key read and write access to Customers',
				},
			},
		],
	};
}
