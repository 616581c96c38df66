import {
	NodeHelpers,
	Workflow,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeTypeDescription,
	type INodeTypes,
} from 'n8n-workflow';

import { RESOURCES } from '../nodes/StripeCustomer/actions/router';
import { StripeCustomer } from '../nodes/StripeCustomer/StripeCustomer.node';
import { credentialsFor } from './support/stripeFixtures';
import { useStripeDouble } from './support/testSetup';
import { runStripeCustomerWorkflow } from './support/workflowRunner';

// What the editor shows, decided by n8n's own display rules (NodeHelpers, as the editor and the server use them):
// which fields and options a node of each version offers, in the editor and as an AI Agent's tool.
// test/browser/editor.browser.js checks the same on screen in a real n8n. And the node as an AI Agent's tool, run:
// what a model fills in its fields reaches Stripe.

const { double } = useStripeDouble();

const description = new StripeCustomer().description;
/** n8n's copy of the node for an AI Agent's Tool input is named "…Tool" (n8n's convertNodeToAiTool). */
const toolDescription: INodeTypeDescription = { ...description, name: `${description.name}Tool` };

function nodeOf(typeVersion: number, parameters: INodeParameters): INode {
	return {
		id: 'n',
		name: 'Stripe Customer',
		type: 'n8n-nodes-stripe-customer.stripeCustomer',
		typeVersion,
		position: [0, 0],
		parameters,
	};
}

/** The node's top-level fields the editor shows for these parameters (the resource is Customer). */
function shownFields(
	parameters: INodeParameters,
	typeVersion = 1.2,
	tool = false,
): INodeProperties[] {
	const type = tool ? toolDescription : description;
	const values = { resource: 'customer', ...parameters };
	return type.properties.filter((property) =>
		NodeHelpers.displayParameter(values, property, nodeOf(typeVersion, values), type),
	);
}

/** What a collection's "Add …" list offers (its options the display rules show), given the collection's values. */
function offered(
	collection: string,
	parameters: INodeParameters,
	typeVersion = 1.2,
	tool = false,
): string[] {
	const type = tool ? toolDescription : description;
	const property = shownFields(parameters, typeVersion, tool).find(
		(field) => field.name === collection,
	);
	const values = (parameters[collection] ?? {}) as INodeParameters;
	const root = { resource: 'customer', ...parameters };
	return ((property?.options ?? []) as INodeProperties[])
		.filter((option) =>
			NodeHelpers.displayParameter(values, option, nodeOf(typeVersion, root), type, root),
		)
		.map((option) => option.displayName);
}

const names = (properties: INodeProperties[]) => properties.map((property) => property.displayName);

test('a new node is version 1.3; 1, 1.1 and 1.2 stay available for saved workflows', () => {
	expect(description.version).toEqual([1, 1.1, 1.2, 1.3]);
	expect(description.defaultVersion).toBe(1.3);
});

/** The subtitle the canvas shows under a node with these parameters, as n8n's editor computes it. */
function subtitleShown(parameters: INodeParameters, typeVersion = 1.2): unknown {
	const node = nodeOf(typeVersion, parameters);
	const nodeType = new StripeCustomer();
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
}

test('the canvas subtitle names the operation and the resource as the lists do', () => {
	for (const resource of RESOURCES) {
		for (const operation of resource.operations) {
			expect(subtitleShown({ resource: resource.value, operation: operation.value })).toBe(
				`${operation.name}: ${resource.name}`,
			);
		}
	}
	// A node saved without a resource is a Customer node.
	expect(subtitleShown({ operation: 'upsert' }, 1)).toBe('Create or Update: Customer');
});

describe('options: what the node does apart from how it talks to Stripe (1.2); saved 1 and 1.1 nodes keep one collection', () => {
	const requestOptions = [
		'Adapt to Rate Limit',
		'API Version',
		'Max Concurrency',
		'Max Retries',
		'Rate-Limit Wait (Seconds)',
		'Requests Per Second',
		'Timeout (Seconds)',
	];

	test('Create, version 1.2: Options, then Request Options', () => {
		expect(names(shownFields({ operation: 'create' })).slice(-2)).toEqual([
			'Options',
			'Request Options',
		]);
		expect(offered('options', { operation: 'create' })).toEqual([
			'Idempotency',
			'If Email Exists',
			'Return Full Customer',
		]);
		expect(offered('requestOptions', { operation: 'create' })).toEqual(requestOptions);
	});

	test('Idempotency Key is offered once Idempotency is "Custom Key"', () => {
		for (const idempotency of ['perInput', 'perExecution']) {
			expect(offered('options', { operation: 'upsert', options: { idempotency } })).not.toContain(
				'Idempotency Key',
			);
		}
		expect(
			offered('options', { operation: 'upsert', options: { idempotency: 'custom' } }),
		).toContain('Idempotency Key');
	});

	test.each([1, 1.1])(
		'version %s: one Options collection with every option, as saved workflows have them',
		(version) => {
			expect(names(shownFields({ operation: 'create' }, version)).slice(-1)).toEqual(['Options']);
			expect(offered('options', { operation: 'create' }, version)).toEqual(
				[
					...requestOptions,
					'If Email Exists',
					'Idempotency',
					'Idempotency Key',
					'Return Full Customer',
				].sort((a, b) => a.localeCompare(b)),
			);
		},
	);

	test('the read operations show only Request Options; Update adds Return Full Customer', () => {
		for (const operation of ['get', 'getMany', 'search', 'delete']) {
			expect(names(shownFields({ operation })).filter((name) => name.endsWith('Options'))).toEqual([
				'Request Options',
			]);
		}
		expect(offered('options', { operation: 'update' })).toEqual(['Return Full Customer']);
	});
});

test('Test Clock, which Stripe takes only on create, is offered on Create only', () => {
	expect(offered('additionalFields', { operation: 'create' })).toContain('Test Clock');
	for (const operation of ['upsert', 'update'])
		expect(offered('additionalFields', { operation })).not.toContain('Test Clock');
});

test('Create or Update marks Email required and says how it matches', () => {
	const email = shownFields({ operation: 'upsert' }).find((field) => field.name === 'email');
	expect(email).toMatchObject({
		required: true,
		description: expect.stringMatching(/exact email \(any case\)/),
	});
	expect(
		shownFields({ operation: 'create' }).find((field) => field.name === 'email')?.required,
	).toBeFalsy();
});

describe('as an AI Agent tool', () => {
	test('each operation tells the model what it does; the customer field is "Customer Description", never a second "Description"', () => {
		const operations = RESOURCES.flatMap((resource) =>
			resource.operations.map((operation) => ({ resource: resource.value, operation })),
		);
		for (const { resource, operation } of operations) {
			const told = operation.toolDescription;
			const fields = shownFields({ resource, operation: operation.value }, 1.2, true);
			expect(fields.find((field) => field.name === 'toolDescription')).toMatchObject({
				displayName: 'Tool Description',
				default: told,
			});
			expect(names(fields).filter((name) => name === 'Description')).toEqual([]);
		}
		const create = names(shownFields({ operation: 'create' }, 1.2, true));
		expect(create).toContain('Customer Description');
		// In the editor (not a tool) neither the tool's description nor the renamed field shows.
		expect(names(shownFields({ operation: 'create' }))).toEqual(
			expect.arrayContaining(['Description']),
		);
		expect(names(shownFields({ operation: 'create' }))).not.toEqual(
			expect.arrayContaining(['Tool Description']),
		);
	});

	test('every field a person fills or picks is one the model can fill: no list to pick from is left in the tool', () => {
		// n8n offers "let the model define this" on texts, numbers and booleans, not on lists ("options").
		type Field = INodeProperties & { values?: INodeProperties[] };
		const lists: string[] = [];
		let walked = 0;
		const walk = (fields: Field[], path: string, parameters: INodeParameters) => {
			const node = nodeOf(1.2, parameters);
			for (const field of fields.filter((one) =>
				NodeHelpers.displayParameter(parameters, one, node, toolDescription),
			)) {
				walked++;
				if (field.type === 'options') lists.push(`${path}${field.displayName}`);
				for (const option of (field.options ?? []) as Field[]) {
					if ('type' in option) walk([option], `${path}${field.displayName} → `, parameters);
					if (option.values) walk(option.values, `${path}${field.displayName} → `, parameters);
				}
			}
		};
		for (const operation of ['create', 'upsert', 'update']) {
			const parameters = { resource: 'customer', operation };
			const fields = shownFields(parameters, 1.2, true).filter(
				(field) => !['resource', 'operation', 'options', 'requestOptions'].includes(field.name),
			);
			walk(fields, '', parameters);
		}
		expect(lists).toEqual([]);
		expect(walked).toBeGreaterThan(90);
		// The same fields are lists for people.
		const countryForPeople = (
			description.properties.find(
				(field) => field.name === 'address' && field.type === 'fixedCollection',
			)?.options?.[0] as { values: INodeProperties[] }
		).values.filter((value) => value.name === 'country');
		expect(
			countryForPeople.map((country) => [
				country.type,
				NodeHelpers.displayParameter({}, country, nodeOf(1.2, {}), description),
			]),
		).toEqual([
			['options', true],
			['string', false],
		]);
	});
});

test('as an AI Agent tool: the values a model fills in the text fields reach Stripe (description, country by name, tax ID type)', async () => {
	const result = await runStripeCustomerWorkflow({
		items: [{ name: 'Ada', email: 'ada@example.com' }],
		credentials: credentialsFor(double),
		node: {
			typeVersion: 1.2,
			asTool: true,
			parameters: {
				operation: 'create',
				name: '={{ $json.name }}',
				email: '={{ $json.email }}',
				customerDescription: 'Met at the conference',
				address: { details: { city: 'Berlin', country: 'germany' } },
				additionalFields: {
					taxIds: { taxId: [{ type: 'de_stn', value: '1234567890' }] },
					taxExempt: 'reverse',
				},
			},
		},
	});
	expect(result.error).toBeUndefined();
	expect(double.customers[0].params).toMatchObject({
		name: 'Ada',
		description: 'Met at the conference',
		address: { city: 'Berlin', country: 'DE' },
		tax_id_data: [{ type: 'de_stn', value: '1234567890' }],
		tax_exempt: 'reverse',
	});
});
