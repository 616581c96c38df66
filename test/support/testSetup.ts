import Stripe from 'stripe';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_VERSION } from '../../nodes/StripeCustomer/transport/stripeRequest';
import type { StartStripeDoubleOptions, StripeDouble } from '../stripe-double';
import { credentialsFor, SECRET_KEY, startDouble } from './stripeFixtures';
import {
	TRIGGER_NAME,
	TriggerHarness,
	type N8nVersion,
	type TriggerWorkflow,
} from './triggerRunner';
import {
	runStripeCustomerWorkflow,
	type RunOptions,
	type RunResult,
	type StripeNodeSettings,
} from './workflowRunner';

// What the test files would each repeat: starting the Stripe double (and the trigger's n8n) before their tests,
// resetting it before each test, closing it after the last, and the official client and the trigger's helpers
// around them. Jest's hooks make it jest-only: the bench's build of the harness leaves it out (tsconfig.scripts.json).

/**
 * What `current()` will give once the file's beforeAll has run, usable under one name from the start: its members
 * are read from `current()` at each use (in a test or a hook).
 */
export function startedLater<T extends object>(what: string, current: () => T | undefined): T {
	return new Proxy({} as T, {
		get(_placeholder, member) {
			const started = current();
			if (!started) throw new Error(`${what} is started in beforeAll: use it in a test or a hook`);
			const value: unknown = Reflect.get(started, member, started);
			return typeof value === 'function' ? value.bind(started) : value;
		},
	});
}

/** A Stripe double started by `start` before the tests of a file, reset before each test, closed after the last. */
export function useDouble(start: () => Promise<StripeDouble>): StripeDouble {
	let started: StripeDouble | undefined;
	beforeAll(async () => {
		started = await start();
	});
	afterAll(async () => await started?.close());
	beforeEach(() => started?.reset());
	return startedLater('The Stripe double', () => started);
}

/** Stripe's official client on the double, with `key` (no retries: a test sees every answer). */
export function officialClient(double: StripeDouble, key = SECRET_KEY): Stripe {
	return new Stripe(key, {
		host: '127.0.0.1',
		port: double.port,
		protocol: 'http',
		maxNetworkRetries: 0,
	});
}

export interface StripeDoubleForTests {
	/** The double: what it received and holds, its faults and settings. */
	double: StripeDouble;
	/** Stripe's official client on it (the tests' key), to set up and read back what Stripe holds. */
	stripe: Stripe;
	/**
	 * Runs the node with these parameters on these input items against the double, with the tests' credential;
	 * `node` sets n8n's node settings (On Error, Retry On Fail, the node's version…), `options` the rest of the run.
	 */
	run(
		parameters: Record<string, unknown>,
		items?: object[],
		node?: Partial<StripeNodeSettings>,
		options?: Partial<RunOptions>,
	): Promise<RunResult>;
}

/** n8n's node setting On Error → Continue (using regular output): failed items become error items. */
export const CONTINUE_ON_FAIL = { onError: 'continueRegularOutput' } as const;

/** The JSON of the node's output items (undefined when the node failed). */
export const jsonOf = (result: RunResult) => result.output?.map((item) => item.json);

/** The Stripe double of the node's tests (the tests' key, SECRET_KEY; `options` as startStripeDouble takes them). */
export function useStripeDouble(options: StartStripeDoubleOptions = {}): StripeDoubleForTests {
	const double = useDouble(() => startDouble(options));
	let client: Stripe | undefined;
	const stripe = startedLater("Stripe's client", () => (client ??= officialClient(double)));
	const run: StripeDoubleForTests['run'] = (parameters, items = [{}], node = {}, options = {}) =>
		runStripeCustomerWorkflow({
			items: items as never,
			node: { ...node, parameters: parameters as never },
			credentials: credentialsFor(double),
			...options,
		});
	return { double, stripe, run };
}

/** The trigger's tests: the Stripe double, the n8n that serves the trigger's URLs, and what they do with them. */
export function useTriggerHarness() {
	const { double, stripe } = useStripeDouble();
	let started: TriggerHarness | undefined;
	beforeAll(async () => {
		started = await TriggerHarness.start();
	});
	afterAll(async () => await started?.close());
	const harness = startedLater('The trigger harness', () => started);

	const credentials = (extra: IDataObject = {}) => ({
		secretKey: SECRET_KEY,
		baseUrl: double.url,
		stripeAccount: '',
		...extra,
	});

	function newWorkflow(
		parameters: INodeParameters = { events: ['customer.created', 'customer.updated'] },
		extra: IDataObject = {},
	): TriggerWorkflow {
		return harness.workflow({ parameters, credentials: credentials(extra) });
	}

	/** What the trigger node keeps in the workflow's static data. */
	const triggerState = (workflow: TriggerWorkflow) =>
		(workflow.staticData[`node:${TRIGGER_NAME}`] ?? {}) as IDataObject;

	async function endpointsAtStripe(
		options: Stripe.RequestOptions = {},
	): Promise<Stripe.WebhookEndpoint[]> {
		return (await stripe.webhookEndpoints.list({ limit: 100 }, options)).data;
	}

	/** The requests the trigger sent to /v1/webhook_endpoints, as "METHOD path". */
	function endpointCalls(): string[] {
		return double.requests
			.filter((request) => request.path.startsWith('/v1/webhook_endpoints'))
			.map((request) => `${request.method} ${request.path}`);
	}

	let eventCounter = 0;
	function customerEvent(type: string, object: IDataObject, extra: IDataObject = {}): IDataObject {
		eventCounter++;
		return {
			id: `evt_test${String(eventCounter).padStart(6, '0')}`,
			object: 'event',
			api_version: DEFAULT_API_VERSION,
			created: Math.floor(Date.now() / 1000),
			data: { object },
			livemode: false,
			pending_webhooks: 1,
			request: { id: null, idempotency_key: null },
			type,
			...extra,
		};
	}

	/** POSTs an event to a URL as Stripe does: the JSON body, signed with `secret` by Stripe's own library. */
	async function deliver(
		url: string,
		event: IDataObject,
		secret: string,
		how: { timestamp?: number; header?: string | null; body?: string } = {},
	): Promise<{ status: number; body: IDataObject }> {
		const payload = JSON.stringify(event);
		const header =
			how.header !== undefined
				? how.header
				: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: how.timestamp });
		const response = await fetch(url, {
			method: 'POST',
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
				...(header === null ? {} : { 'Stripe-Signature': header }),
			},
			body: how.body ?? payload,
		});
		return { status: response.status, body: (await response.json()) as IDataObject };
	}

	/** The endpoint's signing secret as Stripe holds it (Stripe signs with it). */
	async function secretAtStripe(endpointId: string): Promise<string> {
		const stored = double.webhookEndpoints.find((w) => w.id === endpointId);
		if (!stored) throw new Error(`the double has no endpoint ${endpointId}`);
		return stored.secret;
	}

	/** A workflow activated as n8n `version` does it, its endpoint at Stripe and the endpoint's signing secret. */
	async function activeWorkflow(
		parameters?: INodeParameters,
		extra?: IDataObject,
		version: N8nVersion = '2.x',
	) {
		const workflow = newWorkflow(parameters, extra);
		await workflow.activate(version);
		const [endpoint] = await endpointsAtStripe(
			extra?.stripeAccount ? { stripeAccount: String(extra.stripeAccount) } : {},
		);
		return { workflow, endpoint, secret: await secretAtStripe(endpoint.id) };
	}

	/** The error of an activation that must fail (n8n 2.x: after its 5 tries). */
	async function failedActivation(
		workflow: TriggerWorkflow,
		version: N8nVersion = '2.x',
	): Promise<unknown> {
		const error = await workflow.activate(version).then(
			() => undefined,
			(e: unknown) => e,
		);
		if (!error) throw new Error('the activation succeeded');
		return error;
	}

	/** Waits until the double has delivered everything it had to (retries included). */
	async function deliveriesDone(): Promise<void> {
		expect(await double.webhooks.idle(10_000)).toBe(true);
	}

	/** The answers the trigger gave the double's deliveries, in order: [event type, HTTP status]. */
	const answers = () => double.deliveries.map((attempt) => [attempt.type, attempt.status]);

	return {
		double,
		stripe,
		harness,
		credentials,
		newWorkflow,
		triggerState,
		endpointsAtStripe,
		endpointCalls,
		customerEvent,
		deliver,
		secretAtStripe,
		activeWorkflow,
		failedActivation,
		deliveriesDone,
		answers,
	};
}
