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

	documentationUrl =
		'https://github.com/n8n-nodes-stripe-customer/n8n-nodes-stripe-customer#credential-stripe-customer-api';

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
			displayName:
				'This is a publishable key (pk_…): it cannot read or write customers. Use a secret key (sk_…) or a restricted key (rk_…) from the Stripe Dashboard, Developers → API keys.',
			name: 'publishableKeyNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { secretKey: [{ _cnd: { startsWith: 'pk_' } }] } },
		},
		{
			displayName: 'Connected Account ID',
			name: 'stripeAccount',
			type: 'string',
			default: '',
			placeholder: 'acct_…',
			description:
				'Stripe Connect: act on this connected account (sent as the Stripe-Account header)',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.stripe.com',
			description: 'Change only for a local Stripe test server or a proxy',
			hint: "The server's address, without a path: each request's path (/v1/…) is added to it. If the test says ECONNREFUSED, nothing accepts connections at this host and port; ENOTFOUND: the host name does not resolve from n8n; a certificate error: n8n does not trust the server's certificate.",
		},
		{
			displayName:
				"This address ends in /v1, as Stripe's docs write it: the node leaves that out, since each request's path starts with /v1.",
			name: 'versionSuffixNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { baseUrl: [{ _cnd: { regex: '/v1/*\\s*$' } }] } },
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
			// As the node does: no trailing slash, no /v1 (the paths start with it).
			baseURL:
				'={{ ($credentials.baseUrl || "https://api.stripe.com").trim().replace(/\\/+$/, "").replace(/\\/v1$/, "") }}',
			url: '/v1/customers',
			qs: { limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Stripe refused the key (HTTP 401): check that it is a secret key (sk_…) or a restricted key (rk_…) of this Stripe account, copied whole, and not rolled or revoked in the Dashboard',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'The key may not read Customers: give the restricted key read and write access to Customers',
				},
			},
		],
	};
}
