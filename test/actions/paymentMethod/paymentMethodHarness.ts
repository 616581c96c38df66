import Stripe from 'stripe';

import type { StripeDouble } from '../../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from '../../support/stripeFixtures';
import {
	runStripeCustomerWorkflow,
	type RunResult,
	type StripeNodeSettings,
} from '../../support/workflowRunner';

// What the Payment Method tests share: the Stripe double (one per test file, reset before each test), the official
// client as the reference for what Stripe holds, and the node run through n8n's engine.

export interface PaymentMethodHarness {
	double: StripeDouble;
	stripe: Stripe;
	/** Runs the Stripe Customer node (resource Payment Method) on these items. */
	run(
		parameters: Record<string, unknown>,
		items?: object[],
		node?: Partial<StripeNodeSettings>,
	): Promise<RunResult>;
}

/** Registers the file's setup with jest and returns what its tests use (filled in by beforeAll). */
export function usePaymentMethodHarness(): PaymentMethodHarness {
	const harness = {} as PaymentMethodHarness;
	beforeAll(async () => {
		harness.double = await startDouble();
		harness.stripe = new Stripe(SECRET_KEY, {
			host: '127.0.0.1',
			port: harness.double.port,
			protocol: 'http',
			maxNetworkRetries: 0,
		});
		harness.run = async (parameters, items = [{}], node = {}) =>
			await runStripeCustomerWorkflow({
				items: items as never,
				node: { parameters: { resource: 'paymentMethod', ...parameters } as never, ...node },
				credentials: credentialsFor(harness.double),
			});
	});
	afterAll(() => harness.double.close());
	beforeEach(() => harness.double.reset());
	return harness;
}

export const continueOnFail = { onError: 'continueRegularOutput' as const };
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
export const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);
export const pairingOf = (result: RunResult) => result.output?.map((item) => item.pairedItem);

/** The requests the double received, as "METHOD path status" (status 0: the connection was dropped). */
export const requestLog = (double: StripeDouble) =>
	double.requests.map((request) => `${request.method} ${request.path} ${request.status}`);
