/**
 * What n8n's nodes panel says under "Stripe Customer": it shows one entry for the action node and the trigger, with
 * one of their descriptions, so both say the same and it reads right for either.
 */
export const PANEL_DESCRIPTION =
	'Create, find, update and delete Stripe customers, attach their payment methods, credit their balance, manage tax IDs and portal links, or start a workflow when one changes';
