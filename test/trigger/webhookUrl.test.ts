import {
	PUBLIC_URL_ADVICE,
	webhookUrlProblem,
} from '../../nodes/StripeCustomer/trigger/webhookUrl';
import { startDouble } from '../support/stripeFixtures';
import { useTriggerHarness } from '../support/testSetup';
import { n8nShows } from '../support/triggerRunner';

// n8n's webhook URL as Stripe takes it: the check before activation (what Stripe will refuse, named with why), and
// the activation errors, in n8n's engine, when n8n's URL is one Stripe cannot reach or Stripe refuses it.

const { newWorkflow, failedActivation } = useTriggerHarness();

describe("n8n's webhook URL, as Stripe takes it", () => {
	test.each([
		[
			'http://localhost:5678/webhook/a/webhook',
			'localhost is a name only this machine or its network knows',
		],
		[
			'http://n8n.localhost/webhook',
			'n8n.localhost is a name only this machine or its network knows',
		],
		['https://nas.local/webhook', 'nas.local is a name only this machine or its network knows'],
		['http://127.0.0.1:5678/webhook', '127.0.0.1 is a loopback address (this machine only)'],
		['http://[::1]:5678/webhook', '::1 is a loopback address (this machine only)'],
		['http://0.0.0.0:5678/webhook', '0.0.0.0 is not an address anyone can reach'],
		['https://10.0.0.5/webhook', '10.0.0.5 is a private network address'],
		['https://172.16.3.4/webhook', '172.16.3.4 is a private network address'],
		['https://192.168.1.20/webhook', '192.168.1.20 is a private network address'],
		['https://[fd12:3456::1]/webhook', 'fd12:3456::1 is a private network address'],
		['https://169.254.1.1/webhook', '169.254.1.1 is a link-local address'],
		[
			'https://100.72.0.9/webhook',
			"100.72.0.9 is a carrier-grade NAT address (your provider's network)",
		],
		[
			'http://n8n:5678/webhook',
			'n8n is a name without a domain, which only its own network resolves',
		],
	])('%s is refused: its host %s', (url, why) => {
		expect(webhookUrlProblem(url, false)).toBe(
			`its host ${why}, which Stripe cannot reach from the internet`,
		);
	});

	test('a public host is taken over HTTPS in both modes, over plain HTTP in test mode only', () => {
		expect(webhookUrlProblem('https://n8n.example.com/webhook/a/webhook', true)).toBeUndefined();
		expect(webhookUrlProblem('https://172.32.0.1/webhook', true)).toBeUndefined();
		expect(webhookUrlProblem('http://n8n.example.com/webhook/a/webhook', false)).toBeUndefined();
		expect(webhookUrlProblem('http://n8n.example.com/webhook/a/webhook', true)).toBe(
			'it is plain HTTP, and Stripe sends live-mode events only to https URLs',
		);
	});
});

describe("activation with n8n's URL that Stripe cannot reach", () => {
	test("n8n on this machine, with the credential of Stripe's own API: the error names n8n's URL and how to give n8n a public one, before any request", async () => {
		const workflow = newWorkflow(undefined, { baseUrl: 'https://api.stripe.com' });
		const host = new URL(workflow.productionUrl).hostname;
		const why = `its host ${host} is a loopback address (this machine only), which Stripe cannot reach from the internet. ${PUBLIC_URL_ADVICE}`;
		const error = await failedActivation(workflow);
		expect(n8nShows(error, '2.x')).toBe(
			`Stripe cannot send events to n8n's production webhook URL ${workflow.productionUrl}: ${why}`,
		);
		expect(n8nShows(error, '1.x')).toBe(n8nShows(error, '2.x'));
		await expect(workflow.listenForTestEvent()).rejects.toMatchObject({
			message: `Stripe cannot send events to n8n's test webhook URL ${workflow.testUrl}: ${why}`,
		});
	});

	test("a Stripe that refuses n8n's URL as not publicly accessible: the error gives Stripe's words and how to give n8n a public URL", async () => {
		const strict = await startDouble({ localWebhookUrls: false });
		try {
			const error = await failedActivation(newWorkflow(undefined, { baseUrl: strict.url }));
			expect(n8nShows(error, '2.x')).toBe(
				`Stripe refused n8n's webhook URL: Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally. ${PUBLIC_URL_ADVICE}`,
			);
			expect(strict.webhookEndpoints).toEqual([]);
		} finally {
			await strict.close();
		}
	});
});
