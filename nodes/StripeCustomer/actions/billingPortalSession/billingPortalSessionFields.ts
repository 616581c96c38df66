import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type Stripe from 'stripe';

import {
	givenText,
	unencodableText,
	valid,
	type Checked,
	type FieldProblem,
} from '../../helpers/checks';
import { pickOrFill } from '../../helpers/displayConditions';
import { optionCollections } from '../../helpers/options';
import { PORTAL_LOCALE_NAMES, PORTAL_LOCALES } from './portalLocales';

// What a portal session is made of: the fields the editor shows, and the pure rules that turn one item's values into
// Stripe's parameters, or every problem found in them.

export type PortalSessionParams = Stripe.BillingPortal.SessionCreateParams;
type FlowType = Stripe.BillingPortal.SessionCreateParams.FlowData.Type;

export const returnUrl: INodeProperties = {
	displayName: 'Return URL',
	name: 'returnUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/account',
	description: "Where the portal's link back to your site takes the customer",
	hint: "An absolute https:// (or http://) address. Empty: the portal settings' default return URL; Stripe refuses the session when they have none.",
};

const configuration: INodeProperties = {
	displayName: 'Configuration ID',
	name: 'configuration',
	type: 'string',
	default: '',
	placeholder: 'bpc_…',
	description:
		'A portal configuration other than the one saved in the Dashboard (Settings → Billing → Customer portal), e.g. one made with the API',
};

const locale: INodeProperties = {
	displayName: 'Language',
	name: 'locale',
	type: 'options',
	options: PORTAL_LOCALES.map((value) => ({
		name:
			value === 'auto' ? PORTAL_LOCALE_NAMES[value] : `${PORTAL_LOCALE_NAMES[value]} (${value})`,
		value,
	})).sort((a, b) =>
		a.value === 'auto' ? -1 : b.value === 'auto' ? 1 : a.name.localeCompare(b.name),
	),
	default: 'auto',
	description: 'The language the portal is shown in',
};

/** The flows a session can open at (`flow_data[type]`), those that need a subscription marked. */
const FLOWS: Array<{ name: string; value: FlowType; description: string; subscription?: true }> = [
	{
		name: 'Update Payment Method',
		value: 'payment_method_update',
		description: 'Add or replace the card the customer pays with',
	},
	{
		name: 'Update Customer Details',
		value: 'customer_update',
		description: 'Change the billing address, email, tax IDs…',
	},
	{
		name: 'Cancel a Subscription',
		value: 'subscription_cancel',
		description: 'Confirm the cancellation of the subscription given',
		subscription: true,
	},
	{
		name: 'Pause a Subscription',
		value: 'subscription_pause',
		description: 'Pause the subscription given',
		subscription: true,
	},
	{
		name: 'Update a Subscription',
		value: 'subscription_update',
		description: 'Choose another plan for the subscription given',
		subscription: true,
	},
];
const SUBSCRIPTION_FLOWS = FLOWS.filter((flow) => flow.subscription).map((flow) => flow.value);

const flow: INodeProperties = {
	displayName: 'Flow',
	name: 'flow',
	type: 'options',
	options: [
		{ name: 'None (Portal Home Page)', value: '', description: 'The portal as configured' },
		...FLOWS.map(({ name, value, description }) => ({ name, value, description })),
	],
	default: '',
	description: 'Open the portal at one task (a deep link) instead of its home page',
};

const subscription: INodeProperties = {
	displayName: 'Subscription ID',
	name: 'subscription',
	type: 'string',
	default: '',
	placeholder: 'sub_…',
	description: 'The subscription the flow is about',
	displayOptions: { show: { flow: SUBSCRIPTION_FLOWS } },
};

const afterFlowUrl: INodeProperties = {
	displayName: 'After the Flow, Go To',
	name: 'afterFlowUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/thanks',
	description:
		'Where the customer is taken once the flow is done; empty: the portal home page. An absolute https:// (or http://) address.',
	displayOptions: { show: { flow: FLOWS.map((one) => one.value) } },
};

export const PORTAL_SESSION_OPTIONS = optionCollections([
	configuration,
	...pickOrFill(locale, `A language code: ${PORTAL_LOCALES.join(', ')}; auto: the customer's`),
	...pickOrFill(
		flow,
		`Empty for the home page, or one of ${FLOWS.map((one) => one.value).join(', ')}`,
	),
	subscription,
	afterFlowUrl,
]);

/** One item's values, as the editor gives them. */
export interface PortalSessionValues {
	returnUrl?: unknown;
	configuration?: unknown;
	locale?: unknown;
	flow?: unknown;
	subscription?: unknown;
	afterFlowUrl?: unknown;
}

export function readPortalSessionValues(
	context: IExecuteFunctions,
	itemIndex: number,
): PortalSessionValues {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		returnUrl: context.getNodeParameter(returnUrl.name, itemIndex, ''),
		...options,
	};
}

/** Why a text is not an address Stripe can send a customer to, or undefined. */
function webAddressProblem(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return `"${text}" is not an absolute web address: one starts with https:// (or http://), e.g. https://example.com/account`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:')
		return `"${text}" is not a web address: Stripe takes only https:// (or http://) addresses, not ${url.protocol}`;
	return undefined;
}

/** Stripe IDs the fields take: prefix, then letters and digits. */
function idProblem(text: string, prefix: string, what: string): string | undefined {
	return new RegExp(`^${prefix}_[A-Za-z0-9]+$`).test(text)
		? undefined
		: `"${text}" is not ${what} ID: one is ${prefix}_ followed by letters and digits only`;
}

/** The portal session of one item: Stripe's parameters but the customer, or every problem in its values. */
export function toPortalSessionParams(
	values: PortalSessionValues,
): Checked<Omit<PortalSessionParams, 'customer'>> {
	const problems: FieldProblem[] = [];
	const problem = (field: string, message: string | undefined) => {
		if (message) problems.push({ field, message });
	};
	const text = (field: string, value: unknown) => {
		const given = givenText(value);
		const unencodable = unencodableText(field, given);
		if (unencodable) problems.push(unencodable);
		return given;
	};
	const optionLabel = (property: INodeProperties) => `Options → ${property.displayName}`;

	const returnTo = text(returnUrl.displayName, values.returnUrl);
	if (returnTo) problem(returnUrl.displayName, webAddressProblem(returnTo));

	const configurationId = text(optionLabel(configuration), values.configuration);
	if (configurationId)
		problem(
			optionLabel(configuration),
			idProblem(configurationId, 'bpc', 'a portal configuration'),
		);

	const language = givenText(values.locale);
	const knownLanguage = PORTAL_LOCALES.find(
		(code) => code.toLowerCase() === language?.toLowerCase(),
	);
	if (language && !knownLanguage)
		problem(
			optionLabel(locale),
			`"${language}" is not a language of the portal: one of ${PORTAL_LOCALES.join(', ')}`,
		);

	const flowType = givenText(values.flow);
	const knownFlow = FLOWS.find((one) => one.value === flowType);
	if (flowType && !knownFlow)
		problem(
			optionLabel(flow),
			`"${flowType}" is not a flow: one of ${FLOWS.map((one) => one.value).join(', ')}`,
		);
	const subscriptionId = text(optionLabel(subscription), values.subscription);
	if (knownFlow?.subscription) {
		if (!subscriptionId)
			problem(
				optionLabel(subscription),
				`the flow "${knownFlow.name}" needs the subscription's ID`,
			);
		else problem(optionLabel(subscription), idProblem(subscriptionId, 'sub', 'a subscription'));
	}
	const afterFlow = knownFlow ? text(optionLabel(afterFlowUrl), values.afterFlowUrl) : undefined;
	if (afterFlow) problem(optionLabel(afterFlowUrl), webAddressProblem(afterFlow));

	if (problems.length) return { ok: false, problems };
	return valid({
		...(returnTo ? { return_url: returnTo } : {}),
		...(configurationId ? { configuration: configurationId } : {}),
		...(knownLanguage && knownLanguage !== 'auto' ? { locale: knownLanguage } : {}),
		...(knownFlow ? { flow_data: flowData(knownFlow, subscriptionId!, afterFlow) } : {}),
	});
}

function flowData(
	{ value: type, subscription: needsSubscription }: (typeof FLOWS)[number],
	subscriptionId: string,
	afterFlow: string | undefined,
): Stripe.BillingPortal.SessionCreateParams.FlowData {
	return {
		type,
		...(needsSubscription ? { [type]: { subscription: subscriptionId } } : {}),
		...(afterFlow
			? { after_completion: { type: 'redirect', redirect: { return_url: afterFlow } } }
			: {}),
	};
}
