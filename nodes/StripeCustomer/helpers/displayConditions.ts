import type { INodeProperties } from 'n8n-workflow';

// Editor plumbing every resource shares: which node versions and which audience (a person, or an AI Agent using the
// node as its tool) see a field.

/** A field as the editor shows it, before it is given its name. */
export type EditorProperty = Omit<INodeProperties, 'name'> & { name?: string };

// Node versions: 1.1 shows the billing and shipping address fields together; 1.2 puts what the node does ("Options")
// apart from how it talks to Stripe ("Request Options"). Saved workflows keep the version they were made with.
export const VERSION_1 = { '@version': [1] };
export const FROM_VERSION_1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };
export const UP_TO_VERSION_1_1 = { '@version': [1, 1.1] };
export const FROM_VERSION_1_2 = { '@version': [{ _cnd: { gte: 1.2 } }] };

// Attached to an AI Agent, the node is a tool, and n8n offers "let the model define this" on text, number and
// boolean fields only (not on lists to pick from, nor on a root field named "description"). So a list to pick from
// gets a text variant the model can fill, shown only in the tool; the rules take either.
export const FOR_PEOPLE = { hide: { '@tool': [true] } };
export const FOR_TOOLS = { show: { '@tool': [true] } };

/** The property with `extra` display conditions added to its own. */
export function withDisplay<P extends { displayOptions?: INodeProperties['displayOptions'] }>(
	property: P,
	extra: INodeProperties['displayOptions'],
): P {
	const own = property.displayOptions ?? {};
	return {
		...property,
		displayOptions: {
			...own,
			...(extra?.show ? { show: { ...own.show, ...extra.show } } : {}),
			...(extra?.hide ? { hide: { ...own.hide, ...extra.hide } } : {}),
		},
	};
}

/**
 * A list to pick from, for people; the same field as a text, for a model (`accepts` says what it takes). Both have
 * the list's default: n8n fills a new entry of a group from its fields' defaults, by name, hidden ones too.
 */
export function pickOrFill<P extends EditorProperty>(property: P, accepts: string): P[] {
	const text = { ...property, type: 'string', description: accepts };
	delete text.options;
	delete text.typeOptions;
	return [withDisplay(property, FOR_PEOPLE), withDisplay(text as P, FOR_TOOLS)];
}

/** The values a list offers, as a model is told them: "a, b, c". */
export function listedValues(property: EditorProperty): string {
	return (property.options ?? [])
		.map((option) => ('value' in option ? String(option.value) : ''))
		.filter(Boolean)
		.join(', ');
}
