import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyRegexValidation,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { StripeCustomer } from '../../../nodes/StripeCustomer/StripeCustomer.node';

// What the editor shows of the Payment Method resource, decided by n8n's own display rules (NodeHelpers): its
// operations and their fields, for a person and for an AI Agent using the node as its tool.

const description = new StripeCustomer().description;
const toolDescription: INodeTypeDescription = { ...description, name: `${description.name}Tool` };

function shownFields(operation: string, tool = false): INodeProperties[] {
	const type = tool ? toolDescription : description;
	// A new node's values: Return All off.
	const values: INodeParameters = { resource: 'paymentMethod', operation, returnAll: false };
	const node: INode = {
		id: 'n',
		name: 'Stripe Customer',
		type: 'n8n-nodes-stripe-customer.stripeCustomer',
		typeVersion: 1.2,
		position: [0, 0],
		parameters: values,
	};
	return type.properties.filter((property) =>
		NodeHelpers.displayParameter(values, property, node, type),
	);
}

const names = (properties: INodeProperties[]) => properties.map((property) => property.displayName);
const field = (operation: string, name: string, tool = false) =>
	shownFields(operation, tool).find((property) => property.name === name);

test('the Resource list offers Payment Method, with Attach, Detach, Get Many and Set Default; a new node is still a Customer node', () => {
	const resource = description.properties.find((property) => property.name === 'resource');
	expect(resource?.options?.map((option) => option.name)).toContain('Payment Method');
	expect(resource?.default).toBe('customer');
	const operation = shownFields('attach').find((property) => property.name === 'operation');
	expect(operation?.options?.map((option) => option.name)).toEqual([
		'Attach',
		'Detach',
		'Get Many',
		'Set Default',
	]);
	expect(operation?.default).toBe('attach');
});

test('each operation shows the customer first, then what it needs', () => {
	const fieldsOf = (operation: string) =>
		names(shownFields(operation)).filter((name) => !['Resource', 'Operation'].includes(name));
	expect(fieldsOf('attach')).toEqual([
		'Customer',
		'Payment Method',
		'Set as Default for Invoices',
		'Request Options',
	]);
	expect(fieldsOf('getMany')).toEqual([
		'Customer',
		'Return All',
		'Limit',
		'Filters',
		'Request Options',
	]);
	for (const operation of ['detach', 'setDefault'])
		expect(fieldsOf(operation)).toEqual(['Customer', 'Payment Method', 'Request Options']);
});

test("the payment method is picked from the customer's list or given by ID; Attach's, which is not the customer's yet, by ID only", () => {
	const modesOf = (operation: string) =>
		field(operation, 'paymentMethodId')?.modes?.map((mode) => mode.displayName);
	expect(modesOf('detach')).toEqual(['From List', 'By ID']);
	expect(modesOf('setDefault')).toEqual(['From List', 'By ID']);
	expect(modesOf('attach')).toEqual(['By ID']);
	expect(field('detach', 'paymentMethodId')?.modes?.[0].typeOptions).toEqual({
		searchListMethod: 'searchPaymentMethods',
		searchable: true,
	});
	// n8n checks a value typed By ID against ^regex$ before the node runs.
	const [rule] = (field('attach', 'paymentMethodId')?.modes?.[0].validation ??
		[]) as INodePropertyRegexValidation[];
	const accepted = (value: string) => new RegExp(`^${rule.properties.regex}$`).test(value);
	expect(['pm_1NcVc2LkdIwHu7ix', 'pm_card_visa'].map(accepted)).toEqual([true, true]);
	expect(['pm_', 'card_123', 'pm_1 2', ' pm_1'].map(accepted)).toEqual([
		false,
		false,
		false,
		false,
	]);
});

test('as an AI Agent tool: no list to pick from is left; Filters → Type is a text the model fills', () => {
	for (const operation of ['attach', 'getMany', 'detach', 'setDefault']) {
		const fields = shownFields(operation, true).filter(
			(property) => !['resource', 'operation'].includes(property.name),
		);
		expect(fields.filter((property) => property.type === 'options')).toEqual([]);
	}
	const typeFor = (tool: boolean) =>
		((field('getMany', 'filters', tool)?.options ?? []) as INodeProperties[]).filter((option) =>
			NodeHelpers.displayParameter(
				{},
				option,
				{ typeVersion: 1.2 },
				tool ? toolDescription : description,
			),
		);
	expect(typeFor(true).map((option) => [option.name, option.type])).toEqual([['type', 'string']]);
	expect(typeFor(false).map((option) => [option.name, option.type])).toEqual([['type', 'options']]);
});
