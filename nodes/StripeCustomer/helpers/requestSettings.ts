import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { DEFAULT_API_VERSION, type TransportSettings } from '../transport/stripeRequest';
import { givenText } from './checks';

// How hard and how fast the node talks to Stripe: the options every operation (and the customer picker) shares.
// Each option is defined once, with its default; the settings are read from these definitions only.

export const REQUEST_OPTIONS = {
	apiVersion: {
		displayName: 'API Version',
		name: 'apiVersion',
		type: 'string',
		default: '',
		placeholder: DEFAULT_API_VERSION,
		description: `Stripe API version of the requests; empty means ${DEFAULT_API_VERSION}, the version this node is tested against`,
	},
	concurrency: {
		displayName: 'Max Concurrency',
		name: 'concurrency',
		type: 'number',
		default: 100,
		typeOptions: { minValue: 1, maxValue: 1000, numberPrecision: 0 },
		description:
			'Most items of this run in flight at once. Within it, the node keeps as many requests in flight as Requests Per Second needs at the latency Stripe answers with (rate × latency, with headroom), and fewer after 429s.',
	},
	maxRetries: {
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
		description:
			'Retries of a request after a dropped connection, a timeout, 409 or 5xx, each with the same idempotency key. A host that refuses the connection, does not resolve or does not answer stops the run at once while no request of the run has been answered.',
	},
	adaptiveRateLimit: {
		displayName: 'Adapt to Rate Limit',
		name: 'adaptiveRateLimit',
		type: 'boolean',
		default: true,
		description:
			"Whether to slow down when Stripe answers 429 and speed up again while requests succeed, so that several n8n workers (or other integrations) sharing one Stripe account settle near the account's limit",
	},
	rateLimitWait: {
		displayName: 'Rate-Limit Wait (Seconds)',
		name: 'rateLimitWait',
		type: 'number',
		default: 60,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description:
			"How long one request answered 429 is retried, after Stripe's Retry-After; a 429 Stripe marks not to retry fails at once. 0 fails at the first 429.",
	},
	requestsPerSecond: {
		displayName: 'Requests Per Second',
		name: 'requestsPerSecond',
		type: 'number',
		default: 25,
		typeOptions: { minValue: 0, numberPrecision: 0 },
		description:
			"Most requests per second this n8n (main or each worker) sends to one Stripe account, shared by every run of the node; Stripe's default is 25 per endpoint. 0 means no limit.",
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		default: 80,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		description:
			"How long one request may wait for Stripe's answer (80 s, as Stripe's own clients). A request that times out is retried; when no request of the run has got any answer, the run stops at the first timeout.",
	},
} satisfies Record<string, INodeProperties>;

export interface RequestSettings extends TransportSettings {
	/** Items of one run in flight at once at most (Max Concurrency); the account's limiter bounds requests below it. */
	concurrency: number;
}

/** An option's value in an options collection, or the default the editor shows for it. */
export function optionValue<T extends INodeProperties['default']>(
	options: IDataObject,
	option: { name: string; default: T },
): T {
	const value = options[option.name];
	return value === undefined || value === null ? option.default : (value as T);
}

/** The request settings of a node's options collection (values it does not hold take the editor's defaults). */
export function readRequestSettings(options: IDataObject): RequestSettings {
	return {
		apiVersion: givenText(optionValue(options, REQUEST_OPTIONS.apiVersion)),
		concurrency: optionValue(options, REQUEST_OPTIONS.concurrency),
		maxRetries: optionValue(options, REQUEST_OPTIONS.maxRetries),
		adaptiveRateLimit: optionValue(options, REQUEST_OPTIONS.adaptiveRateLimit),
		rateLimitWaitMs: optionValue(options, REQUEST_OPTIONS.rateLimitWait) * 1000,
		requestsPerSecond: optionValue(options, REQUEST_OPTIONS.requestsPerSecond),
		timeoutMs: optionValue(options, REQUEST_OPTIONS.timeout) * 1000,
	};
}
