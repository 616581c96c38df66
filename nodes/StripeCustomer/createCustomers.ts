import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { runBounded } from './boundedRunner';
import {
	FieldError,
	text,
	toCustomerCreateRequest,
	toCustomerUpdatePlan,
	type CustomerCreateRequest,
	type CustomerInput,
} from './customerParams';
import { groupByEmail, type IfEmailExists } from './emailGroups';
import {
	DEFAULT_BASE_URL,
	describeStripeError,
	MAX_IDEMPOTENCY_KEY_LENGTH,
	StripeCustomerClient,
	type ClientSettings,
	type CustomerMatch,
	type StripeConnection,
	type StripeCustomer,
} from './transport/stripeClient';

// execute(): read every item, check it locally, then send the requests with bounded concurrency and pair each output to its input.

/** Lets an n8n admin point n8n's built-in Stripe credential (which has no base URL) at a local Stripe test server. */
export const BUILT_IN_CREDENTIAL_BASE_URL_ENV = 'STRIPE_CUSTOMER_NODE_BASE_URL';

interface NodeOptions {
	apiVersion?: string;
	concurrency?: number;
	idempotencyKey?: string;
	ifEmailExists?: IfEmailExists;
	maxRetries?: number;
	requestsPerSecond?: number;
	returnFullCustomer?: boolean;
}

interface PreparedItem {
	index: number;
	request: CustomerCreateRequest;
	idempotencyKey: string;
	email?: string;
	returnFullCustomer: boolean;
}

interface ItemResult {
	customer: StripeCustomer;
	action: 'created' | 'existing' | 'updated';
	match?: CustomerMatch;
}

async function readConnection(fns: IExecuteFunctions): Promise<StripeConnection> {
	const authentication = fns.getNodeParameter('authentication', 0, 'stripeCustomerApi') as string;
	if (authentication === 'stripeApi') {
		const credentials = await fns.getCredentials('stripeApi');
		return {
			secretKey: String(credentials.secretKey ?? ''),
			baseUrl: process.env[BUILT_IN_CREDENTIAL_BASE_URL_ENV] || DEFAULT_BASE_URL,
		};
	}
	const credentials = await fns.getCredentials('stripeCustomerApi');
	return {
		secretKey: String(credentials.secretKey ?? ''),
		baseUrl: text(credentials.baseUrl as string) ?? DEFAULT_BASE_URL,
		stripeAccount: text(credentials.stripeAccount as string),
	};
}

function readItemInput(fns: IExecuteFunctions, index: number): CustomerInput {
	const read = <T>(name: string, fallback: T) => fns.getNodeParameter(name, index, fallback) as T;
	return {
		name: read('name', ''),
		email: read('email', ''),
		phone: read('phone', ''),
		description: read('description', ''),
		address: read('address', {}),
		shipping: read('shipping', {}),
		additionalFields: read('additionalFields', {}),
	};
}

function idempotencyKeyFor(fns: IExecuteFunctions, options: NodeOptions, index: number, runId: string): string {
	const given = text(options.idempotencyKey);
	if (given === undefined) return `n8n-stripe-customer:${runId}:${fns.getNode().id}:${index}`;
	if (given.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
		throw new FieldError(
			'Options → Idempotency Key',
			`Stripe accepts at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; got ${given.length}`,
		);
	}
	return given;
}

function toNodeError(fns: IExecuteFunctions, error: unknown, index: number): NodeApiError | NodeOperationError {
	const where = `[item ${index}]`;
	if (error instanceof FieldError) {
		return new NodeOperationError(fns.getNode(), `${where} ${error.message}`, {
			itemIndex: index,
			description: `Field "${error.field}" of item ${index}. Nothing was sent to Stripe for this item.`,
		});
	}
	const stripe = describeStripeError(error);
	if (stripe) {
		const hint =
			stripe.type === 'idempotency_error'
				? ' (the idempotency key was already used with other values: give each customer its own Options → Idempotency Key)'
				: stripe.statusCode === 429
					? ' (still rate-limited after the retries: lower Options → Requests Per Second or Concurrency)'
					: '';
		const details = [
			stripe.code && `code: ${stripe.code}`,
			stripe.param && `param: ${stripe.param}`,
			stripe.requestId && `request: ${stripe.requestId}`,
		].filter(Boolean);
		return new NodeApiError(fns.getNode(), stripe as JsonObject, {
			itemIndex: index,
			message: `${where} Stripe: ${stripe.message}${hint}`,
			description: details.join(', ') || undefined,
			httpCode: stripe.statusCode ? String(stripe.statusCode) : undefined,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(fns.getNode(), `${where} ${message}`, { itemIndex: index });
}

function errorItem(error: NodeApiError | NodeOperationError, cause: unknown, index: number): INodeExecutionData {
	const json: IDataObject = { error: error.message, itemIndex: index };
	if (cause instanceof FieldError) json.field = cause.field;
	const stripe = describeStripeError(cause);
	if (stripe) {
		for (const [key, value] of Object.entries(stripe)) if (value !== undefined && key !== 'message') json[key] = value;
	}
	return { json, pairedItem: { item: index } };
}

function outputItem(item: PreparedItem, result: ItemResult, reportAction: boolean): INodeExecutionData {
	const json: IDataObject = { customerId: result.customer.id };
	if (reportAction) json.action = result.action;
	if (result.match && result.match.matches > 1) {
		json.note = `${result.match.moreThanListed ? 'More than' : ''} ${result.match.matches} customers have this email; used the most recent`.trim();
	}
	if (item.returnFullCustomer) json.customer = result.customer as unknown as IDataObject;
	return { json, pairedItem: { item: item.index } };
}

export async function createCustomers(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = fns.getInputData();
	const continueOnFail = fns.continueOnFail();
	const nodeOptions = fns.getNodeParameter('options', 0, {}) as NodeOptions;
	const settings: ClientSettings = {
		apiVersion: text(nodeOptions.apiVersion),
		maxRetries: nodeOptions.maxRetries ?? 5,
		requestsPerSecond: nodeOptions.requestsPerSecond ?? 25,
	};
	const ifEmailExists: IfEmailExists = nodeOptions.ifEmailExists ?? 'create';

	let client: StripeCustomerClient;
	try {
		client = new StripeCustomerClient(await readConnection(fns), settings);
	} catch (error) {
		throw new NodeOperationError(fns.getNode(), error as Error);
	}

	const outputs: INodeExecutionData[] = new Array(items.length);
	const runId = fns.getExecutionId() || `${Date.now()}-${Math.random().toString(36).slice(2)}`;

	// Every item is read and checked before the first request, so bad input never half-runs a batch.
	const prepared: PreparedItem[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const options = fns.getNodeParameter('options', index, {}) as NodeOptions;
			const request = toCustomerCreateRequest(readItemInput(fns, index));
			prepared.push({
				index,
				request,
				idempotencyKey: idempotencyKeyFor(fns, options, index, runId),
				email: request.params.email,
				returnFullCustomer: options.returnFullCustomer === true,
			});
		} catch (error) {
			const nodeError = toNodeError(fns, error, index);
			if (!continueOnFail) throw nodeError;
			outputs[index] = errorItem(nodeError, error, index);
		}
	}

	const reportAction = ifEmailExists !== 'create';
	const groups = groupByEmail(prepared, ifEmailExists);
	let fatal: Error | undefined;

	await runBounded(
		groups.length,
		nodeOptions.concurrency ?? 10,
		async (groupIndex) => {
			// Items sharing an email run one after another, so the first creates and the rest reuse it.
			let known: StripeCustomer | undefined;
			for (const item of groups[groupIndex]) {
				if (fatal) return;
				try {
					const result = await runItem(client, item, ifEmailExists, known);
					known = result.customer;
					outputs[item.index] = outputItem(item, result, reportAction);
				} catch (error) {
					const nodeError = toNodeError(fns, error, item.index);
					if (!continueOnFail) {
						fatal ??= nodeError;
						return;
					}
					outputs[item.index] = errorItem(nodeError, error, item.index);
				}
			}
		},
		() => fatal !== undefined,
	);

	if (fatal) throw fatal;
	return outputs;
}

async function runItem(
	client: StripeCustomerClient,
	item: PreparedItem,
	ifEmailExists: IfEmailExists,
	known: StripeCustomer | undefined,
): Promise<ItemResult> {
	if (ifEmailExists === 'create' || item.email === undefined) {
		return { customer: await client.create(item.request, item.idempotencyKey), action: 'created' };
	}
	const match = known ? undefined : await client.findByEmail(item.email);
	const existing = known ?? match?.customer;
	if (!existing) {
		return { customer: await client.create(item.request, item.idempotencyKey), action: 'created' };
	}
	switch (ifEmailExists) {
		case 'useExisting':
			return { customer: existing, action: 'existing', match };
		case 'update': {
			const plan = toCustomerUpdatePlan(item.request.params);
			const customer = await client.update(existing.id, plan, item.idempotencyKey, item.request.apiVersion);
			return { customer, action: 'updated', match };
		}
		case 'fail':
			throw new FieldError(
				'Email',
				`a customer with email "${item.email}" already exists (${existing.id}); the node is set to fail when the email exists`,
			);
	}
}
