import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import { invalid, InvalidItemError, type Checked } from '../../helpers/checks';
import { idempotencyKeyFor } from '../../helpers/idempotency';
import type { StripeClient } from '../../transport/stripeRequest';
import {
	createCustomer,
	findCustomerByEmail,
	normalizeEmail,
	severalMatchesNote,
	updateCustomer,
	type StripeCustomer,
} from './customerApi';
import { readCustomerValues } from './fields';
import { toCustomerCreateRequest, updatePlanForExisting, type CustomerCreateRequest } from './mapping';
import { readSettings, type EmailRule } from './settings';

// Create, unless a customer with the item's email exists: then use it, update it, or fail, as the user chose.
// Shared by Create (its "If Email Exists" option) and Create or Update.

export interface CreateItem {
	request: CustomerCreateRequest;
	/** Key of the create request. */
	createKey: string;
	/** Key of the update of an existing customer (rule "update"): never per input, so a later update with earlier values still applies. */
	updateKey: string;
	email?: string;
	returnFullCustomer: boolean;
}

/** Reads and checks one item to create (or match by email, as `rule` says). */
export function prepareCreateItem(context: IExecuteFunctions, itemIndex: number, rule: EmailRule, emailRequired = false): Checked<CreateItem> {
	const request = toCustomerCreateRequest(readCustomerValues(context, itemIndex));
	if (!request.ok) return request;
	const email = request.value.params.email;
	if (emailRequired && email === undefined) return invalid('Email', 'required: the customer is looked up by its email');
	const endpoint = { path: '/v1/customers', params: request.value.params, apiVersion: request.value.apiVersion };
	// The item's settings are read once: each read resolves the item's expressions again.
	const settings = readSettings(context, itemIndex);
	const createKey = idempotencyKeyFor(context, itemIndex, settings.idempotency, endpoint);
	if (!createKey.ok) return createKey;
	// Only an email rule that updates needs the second key.
	const updateKey = rule === 'update' ? idempotencyKeyFor(context, itemIndex, settings.idempotency, endpoint, false) : createKey;
	if (!updateKey.ok) return updateKey;
	const { returnFullCustomer } = settings;
	return { ok: true, value: { request: request.value, createKey: createKey.value, updateKey: updateKey.value, email, returnFullCustomer } };
}

export interface CreateOutcome {
	customer: StripeCustomer;
	action: 'created' | 'existing' | 'updated';
	/** Created by an earlier request with the same idempotency key (a retry, a re-run); Stripe returned it. */
	replayed?: boolean;
	note?: string;
}

/** The line of the run summary for this item: "cus_123 (created)". */
export function changeOf(outcome: CreateOutcome): string | undefined {
	if (outcome.action === 'existing') return undefined;
	if (outcome.replayed) return `${outcome.customer.id} (created earlier; Stripe returned it for the same idempotency key)`;
	return `${outcome.customer.id} (${outcome.action})`;
}

/** Items sharing an email (trimmed, case-insensitive) form one group and run in input order, so one run never creates two customers for one email. */
export function emailGroup(item: CreateItem, rule: EmailRule): string | undefined {
	return rule !== 'create' && item.email !== undefined ? `email:${normalizeEmail(item.email)}` : undefined;
}

export class EmailMatcher {
	/** The customer each email group ended with, for the group's later items. */
	private readonly customerOfEmail = new Map<string, StripeCustomer>();

	constructor(
		private readonly stripe: StripeClient,
		private readonly rule: EmailRule,
		private readonly node: INode,
	) {}

	async createOrMatch(item: CreateItem, itemIndex: number): Promise<CreateOutcome> {
		if (this.rule === 'create' || item.email === undefined) {
			return { ...(await createCustomer(this.stripe, item.request, item.createKey)), action: 'created' };
		}
		const email = normalizeEmail(item.email);
		const known = this.customerOfEmail.get(email);
		const match = known ? undefined : await findCustomerByEmail(this.stripe, item.email);
		const existing = known ?? match?.customer;
		let outcome: CreateOutcome;
		if (!existing) {
			outcome = { ...(await createCustomer(this.stripe, item.request, item.createKey)), action: 'created' };
		} else if (this.rule === 'useExisting') {
			outcome = { customer: existing, action: 'existing' };
		} else if (this.rule === 'update') {
			const plan = updatePlanForExisting(item.request);
			if (!plan.ok) {
				throw new InvalidItemError(this.node, itemIndex, plan.problems, `A customer with this email exists (${existing.id}): it is updated, not created.`);
			}
			outcome = { customer: await updateCustomer(this.stripe, existing.id, plan.value, item.updateKey), action: 'updated' };
		} else {
			throw new InvalidItemError(this.node, itemIndex, [
				{ field: 'Email', message: `a customer with email "${item.email}" already exists (${existing.id}); Options → If Email Exists is "Fail"` },
			]);
		}
		this.customerOfEmail.set(email, outcome.customer);
		return { ...outcome, note: severalMatchesNote(match) };
	}
}

export function createOutput(outcome: CreateOutcome, reportAction: boolean, withCustomer: boolean): IDataObject {
	const json: IDataObject = { customerId: outcome.customer.id };
	if (reportAction) json.action = outcome.action;
	if (outcome.note) json.note = outcome.note;
	if (withCustomer) json.customer = outcome.customer as unknown as IDataObject;
	return json;
}
