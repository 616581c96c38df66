import { StripeCustomer } from '../../nodes/StripeCustomer/StripeCustomer.node';
import { DEMO_NODE_VERSION } from '../../scripts/demo';
import demoWorkflows from '../../scripts/n8n/demo-workflow.json';

// The first nodes a user opens (npm start's demo workflow, npm run demo) are the version a new node gets.

const latest = new StripeCustomer().description.defaultVersion;

test("the demo workflow's Stripe Customer nodes are the version a new node gets", () => {
	const [workflow] = demoWorkflows as Array<{
		nodes: Array<{ type: string; typeVersion: number }>;
	}>;
	const stripeNodes = workflow.nodes.filter((node) => node.type.endsWith('.stripeCustomer'));
	expect(stripeNodes.length).toBeGreaterThan(0);
	expect(stripeNodes.map((node) => node.typeVersion)).toEqual(stripeNodes.map(() => latest));
});

test('npm run demo runs the node at the version a new node gets', () => {
	expect(DEMO_NODE_VERSION).toBe(latest);
});
