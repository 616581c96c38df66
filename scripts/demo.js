// @ts-check
'use strict';

const { startStripeDouble } = require('../test/stripe-double');
const { runStripeCustomerWorkflow } = require('../test/support/workflowRunner');

// npm run demo: Manual Trigger -> sample items -> Stripe Customer -> output, through n8n's engine (n8n-core).
// Uses the embedded Stripe test double, or real Stripe when STRIPE_SECRET_KEY is set.

const sampleItems = [
	{
		fullName: 'Ada Lovelace',
		email: 'ada@example.com',
		credit: -500,
		vat: 'DE123456789',
		city: 'London',
		country: 'GB',
	},
	{
		fullName: 'Grace Hopper',
		email: 'grace@example.com',
		credit: 0,
		vat: '',
		city: 'Arlington',
		country: 'US',
	},
	{
		fullName: 'Alan Turing',
		email: 'alan@example.com',
		credit: 1200,
		vat: '',
		city: 'Manchester',
		country: 'GB',
	},
	{
		fullName: 'Katherine Johnson',
		email: 'katherine@example.com',
		credit: 0,
		vat: '',
		city: 'Hampton',
		country: 'US',
	},
];

/** The node's version in the demo: the one a new node gets in the editor. */
const DEMO_NODE_VERSION = 1.3;

const nodeParameters = {
	operation: 'create',
	name: '={{ $json.fullName }}',
	email: '={{ $json.email }}',
	description: 'Created by the n8n-nodes-stripe-customer demo',
	shipping: {
		details: {
			line1: '1 Example Street',
			city: '={{ $json.city }}',
			country: '={{ $json.country }}',
		},
	},
	additionalFields: {
		balance: '={{ $json.credit }}',
		taxIds: { taxId: [{ type: 'eu_vat', value: '={{ $json.vat }}' }] },
		metadata: { entry: [{ key: 'source', value: 'n8n demo' }] },
	},
};

async function main() {
	const realKey = process.env.STRIPE_SECRET_KEY;
	const double = realKey
		? undefined
		: await startStripeDouble({ secretKeys: ['sk_test_demo_key'] });
	const credentials = double
		? { secretKey: 'sk_test_demo_key', baseUrl: double.url, stripeAccount: '' }
		: { secretKey: realKey ?? '', baseUrl: 'https://api.stripe.com', stripeAccount: '' };
	console.log(
		double
			? `Stripe: the embedded test double at ${double.url}`
			: 'Stripe: the real API (STRIPE_SECRET_KEY)',
	);
	try {
		const result = await runStripeCustomerWorkflow({
			items: sampleItems,
			node: { parameters: nodeParameters, typeVersion: DEMO_NODE_VERSION },
			credentials: { stripeCustomerApi: credentials },
		});
		if (result.error) throw new Error(result.error.message);
		for (const [index, item] of (result.output ?? []).entries()) {
			console.log(
				`${sampleItems[index].fullName.padEnd(20)} ${sampleItems[index].email.padEnd(24)} -> ${item.json.customerId}`,
			);
		}
		console.log(`${result.output?.length ?? 0} customers created`);
	} finally {
		await double?.close();
	}
}

module.exports = { DEMO_NODE_VERSION, nodeParameters };

if (require.main === module) {
	main().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
