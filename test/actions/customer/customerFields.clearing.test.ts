import {
	NodeHelpers,
	type INode,
	type INodeProperties,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { StripeCustomer } from '../../../nodes/StripeCustomer/StripeCustomer.node';

// What the editor shows for removing values, by n8n's own display rules: Clear Fields and Metadata Keys to Remove on
// Update and Create or Update, below the fields, each value by name; never on Create.

const description = new StripeCustomer().description;
const toolDescription: INodeTypeDescription = { ...description, name: `${description.name}Tool` };

function shown(operation: string, tool = false): INodeProperties[] {
	const values = { resource: 'customer', operation };
	const node: INode = {
		id: 'n',
		name: 'Stripe Customer',
		type: 'n8n-nodes-stripe-customer.stripeCustomer',
		typeVersion: 1.3,
		position: [0, 0],
		parameters: values,
	};
	const type = tool ? toolDescription : description;
	return type.properties.filter((property) =>
		NodeHelpers.displayParameter(values, property, node, type),
	);
}

const clearing = (operation: string, tool = false) =>
	shown(operation, tool).filter((property) =>
		['clearFields', 'metadataKeysToRemove'].includes(property.name),
	);

test('Update: below the fields, a list of the values it can remove, by name, and the metadata keys to remove', () => {
	const names = shown('update').map((property) => property.displayName);
	expect(names.slice(names.indexOf('Additional Fields'))).toEqual([
		'Additional Fields',
		'Clear Fields',
		'Metadata Keys to Remove',
		'Options',
		'Request Options',
	]);
	const [fields, keys] = clearing('update');
	expect(fields).toMatchObject({ type: 'multiOptions', default: [] });
	expect(fields.options?.map((option) => option.name)).toEqual([
		'Billing Address',
		'Business Name',
		'Default Payment Method',
		'Description',
		'Email',
		'Individual Name',
		'Invoice Custom Fields',
		'Invoice Footer',
		'Name',
		'Phone',
		'Preferred Locales',
		'Shipping',
		'Tax IP Address',
	]);
	expect(fields.description).toMatch(/never cleared by accident/);
	expect(keys).toMatchObject({ type: 'string', default: '' });
});

test('Create or Update: the same, without Email (it finds the customer), and says they apply when the customer exists', () => {
	const [fields, keys] = clearing('upsert');
	expect(fields.options?.map((option) => option.name)).not.toContain('Email');
	expect(fields.options).toHaveLength(12);
	expect(fields.description).toMatch(
		/when the customer exists \(a new customer is created without them\)/,
	);
	expect(keys.description).toMatch(/when the customer exists/);
});

test('Create: nothing to remove', () => {
	expect(clearing('create')).toEqual([]);
});

test("as an AI Agent's tool, Clear Fields is a text the model can fill, naming the values it takes", () => {
	const [fields] = clearing('update', true);
	expect(fields).toMatchObject({ type: 'string', default: '' });
	expect(fields.description).toMatch(
		/any of: address, businessName, defaultPaymentMethod, description, email,/,
	);
});
