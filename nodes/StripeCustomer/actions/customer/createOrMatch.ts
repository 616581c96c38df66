import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { CustomKeyUse, ItemSteps } from '../../helpers/batch';
import { invalid, InvalidItemError, type Checked } from '../../helpers/checks';
import {
	canonicalJson,
	emailKey,
	idempotencyKeyFor,
	renewedKey,
	updateKeyFor,
} from '../../helpers/idempotency';
import { refusal, settled } from '../../helpers/stripeAnswers';
import type { StripeClient } from '../../transport/stripeRequest';
import {
	createCustomer,
	findCustomerByEmail,
	normalizeEmail,
	retrieveCustomer,
	severalMatchesNote,
	type CustomerMatch,
	type StripeCustomer,
} from './customerApi';
import { readCustomerValues, type ClearingValues } from './customerFields';
import {
	toCustomerClearing,
	toCustomerCreateRequest,
	toCustomerUpdatePlan,
	type CustomerCreateRequest,
	type CustomerUpdatePlan,
} from './customerMapping';
import { readCustomerOptions, type EmailRule } from './customerOptions';
import { customerWriteOutput } from './customerOutput';
import { applyUpdate } from './updateSteps';

// Create, unless a customer with the item's email exists: then use it, update it, or fail, as the user chose.
// Shared by Create (its "If Email Exists" option) and Create or Update. One email is one customer: items of one run
// sharing an email run one after another; executions in this n8n process take turns per account and email; and
// processes that do not share memory (queue-mode workers) send the same create key for the email, so that Stripe
// lets one of them create and the others find it.

export interface CreateItem {
	request: CustomerCreateRequest;
	/** Key of the create request: the email's when the customer is looked up by email, else as Options → Idempotency says. */
	createKey: string;
	/** Key of an update of the customer found: per execution, never the create's (a later update must apply again). */
	updateKey: string;
	/** The update of the customer found (rule "update"), or why it cannot be one (a create-only field). */
	updatePlan?: Checked<CustomerUpdatePlan>;
	email?: string;
	returnFullCustomer: boolean;
	/** The user's own key (Custom Key) and what it creates: one customer per key. */
	customKey?: CustomKeyUse;
}

/**
 * Reads and checks one item to create (or match by email, as `rule` says); `clearing`: what an update of the customer
 * found removes (Create or Update).
 */
export function prepareCreateItem(
	context: IExecuteFunctions,
	itemIndex: number,
	rule: EmailRule,
	emailRequired = false,
	clearing?: ClearingValues,
): Checked<CreateItem> {
	const values = readCustomerValues(context, itemIndex);
	const request = toCustomerCreateRequest(values, { createOnlyIfNew: rule === 'update' });
	if (!request.ok) return request;
	// A value both given and chosen to be removed is refused at once, whether the customer will be found or made.
	const removals = clearing ? toCustomerClearing(values, clearing) : undefined;
	if (removals && !removals.ok) return removals;
	const email = request.value.params.email;
	if (emailRequired && email === undefined)
		return invalid('Email', 'required: the customer is looked up by its email');
	const endpoint = {
		path: '/v1/customers',
		params: request.value.params,
		apiVersion: request.value.apiVersion,
	};
	// The item's options are read once: each read resolves the item's expressions again.
	const settings = readCustomerOptions(context, itemIndex);
	const createKey = idempotencyKeyFor(context, itemIndex, settings.idempotency, endpoint);
	if (!createKey.ok) return createKey;
	const byEmail = rule !== 'create' && email !== undefined;
	return {
		ok: true,
		value: {
			request: request.value,
			// A custom key (an order ID) keeps its meaning; derived keys give way to the email's, which every execution shares.
			createKey:
				byEmail && settings.idempotency.mode !== 'custom'
					? emailKey(normalizeEmail(email))
					: createKey.value,
			updateKey: updateKeyFor(context, itemIndex),
			updatePlan: rule === 'update' ? toCustomerUpdatePlan(values, clearing) : undefined,
			email,
			returnFullCustomer: settings.returnFullCustomer,
			customKey:
				settings.idempotency.mode === 'custom'
					? {
							key: createKey.value,
							// Looked up by email, the key makes that email's customer; otherwise the customer of these values.
							asks: byEmail ? `email:${normalizeEmail(email)}` : canonicalJson(endpoint),
							field: settings.idempotency.customKeyField,
						}
					: undefined,
		},
	};
}

export interface CreateOutcome {
	customer: StripeCustomer;
	action: 'created' | 'existing' | 'updated';
	/** Stripe answered with the stored result of an earlier request with the same idempotency key (a retry, a re-run). */
	replayed?: boolean;
	/** An update: the Stripe parameters it sent. */
	updatedFields?: string[];
	note?: string;
}

/** The line of the run summary for this item: "cus_123 (created)". */
export function changeOf(outcome: CreateOutcome): string | undefined {
	if (outcome.action === 'existing') return undefined;
	if (outcome.replayed && outcome.action === 'created')
		return `${outcome.customer.id} (created earlier; Stripe returned it for the same idempotency key)`;
	return `${outcome.customer.id} (${outcome.action})`;
}

/** Items sharing an email (trimmed, case-insensitive) form one group and run in input order, so one run never creates two customers for one email. */
export function emailGroup(item: CreateItem, rule: EmailRule): string | undefined {
	return rule !== 'create' && item.email !== undefined
		? `email:${normalizeEmail(item.email)}`
		: undefined;
}

/** Work queued per key in this n8n process: one task at a time per key, in arrival order. */
const tails = new Map<string, Promise<void>>();

async function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
	const previous = tails.get(key) ?? Promise.resolve();
	let release = () => {};
	const turn = new Promise<void>((resolve) => (release = resolve));
	const tail = previous.then(() => turn);
	tails.set(key, tail);
	await previous;
	try {
		return await task();
	} finally {
		release();
		if (tails.get(key) === tail) tails.delete(key);
	}
}

/** How many customers made under one key and deleted since (within Stripe's 24 hours) a create walks past. */
const MAX_RENEWALS = 10;
/** How often a create finds its key in use by a request still running elsewhere before it gives up. */
const MAX_BUSY_ROUNDS = 3;

type CreateAttempt =
	| { kind: 'created'; outcome: CreateOutcome }
	/** Stripe replayed a customer that is deleted, or (a key by email) no longer has this email: the key is used up. */
	| { kind: 'gone' }
	/** The key was used with other values (another execution made this email's customer): look it up again. */
	| { kind: 'conflict' }
	/** A request with the same key is still running elsewhere. */
	| { kind: 'busy' };

function idempotencyFailure(error: unknown): 'conflict' | 'busy' | undefined {
	const refused = refusal(error);
	if (refused?.type !== 'idempotency_error') return undefined;
	return refused.statusCode === 409 ? 'busy' : 'conflict';
}

export class EmailMatcher {
	/** The customer each email group ended with, for the group's later items. */
	private readonly customerOfEmail = new Map<string, StripeCustomer>();

	constructor(
		private readonly stripe: StripeClient,
		private readonly rule: EmailRule,
		private readonly node: INode,
	) {}

	async createOrMatch(
		item: CreateItem,
		itemIndex: number,
		steps: ItemSteps,
	): Promise<CreateOutcome> {
		if (this.rule === 'create' || item.email === undefined)
			return await this.create(item, itemIndex);
		const email = normalizeEmail(item.email);
		// Executions of this n8n process take turns per account and email: the second finds the first one's customer.
		return await oneAtATime(`${this.stripe.accountKey}|${email}`, async () => {
			const outcome = await this.matchOrCreate(item, itemIndex, steps, email);
			this.customerOfEmail.set(email, outcome.customer);
			return outcome;
		});
	}

	private async matchOrCreate(
		item: CreateItem,
		itemIndex: number,
		steps: ItemSteps,
		email: string,
	): Promise<CreateOutcome> {
		const known = this.customerOfEmail.get(email);
		if (known) return await this.useExisting(known, undefined, item, itemIndex, steps);
		const { match, note } = await findCustomerByEmail(this.stripe, item.email!);
		if (match) return await this.useExisting(match.customer, match, item, itemIndex, steps);
		const outcome = await this.create(item, itemIndex, email, async () => {
			// Another request made the customer of this email meanwhile (perhaps a moment ago, in another case, which
			// search does not see yet): it is the one to use.
			const made = await findCustomerByEmail(this.stripe, item.email!, { recent: true });
			return made.match
				? await this.useExisting(made.match.customer, made.match, item, itemIndex, steps)
				: undefined;
		});
		return note ? { ...outcome, note: [outcome.note, note].filter(Boolean).join('; ') } : outcome;
	}

	/**
	 * Creates the item's customer under its key. When Stripe answers with a replay, the customer is read: one that was
	 * deleted since (or, for a key by email, no longer has the email) is never the result; the next key of the chain
	 * makes a new one, and a later re-run walks the same chain to it.
	 */
	private async create(
		item: CreateItem,
		itemIndex: number,
		email?: string,
		findMade?: () => Promise<CreateOutcome | undefined>,
	): Promise<CreateOutcome> {
		if (item.request.problemsIfCreated) {
			throw new InvalidItemError(
				this.node,
				itemIndex,
				item.request.problemsIfCreated,
				'No customer has this email, so it would be created; nothing was sent.',
			);
		}
		let busyRounds = 0;
		for (let generation = 1; generation <= MAX_RENEWALS + 1; ) {
			const key = generation === 1 ? item.createKey : renewedKey(item.createKey, generation);
			const attempt = await this.tryCreate(item, key, email);
			if (attempt.kind === 'created') return attempt.outcome;
			if (attempt.kind === 'gone') {
				generation++;
				continue;
			}
			const made = await findMade?.();
			if (made) return made;
			if (attempt.kind === 'busy' && ++busyRounds < MAX_BUSY_ROUNDS) continue;
			if (attempt.kind === 'conflict') generation++;
			else
				throw new InvalidItemError(this.node, itemIndex, [
					{
						field: 'Email',
						message: `another request has been creating the customer of "${item.email}" for too long; run the item again`,
					},
				]);
		}
		throw new InvalidItemError(this.node, itemIndex, [
			{
				field: 'Customer',
				message: `Stripe still holds ${MAX_RENEWALS + 1} customers made for this item's idempotency key in the last 24 hours, each deleted since; change a field or choose Options → Idempotency "Per Execution"`,
			},
		]);
	}

	private async tryCreate(
		item: CreateItem,
		key: string,
		email: string | undefined,
	): Promise<CreateAttempt> {
		const answer = await settled(createCustomer(this.stripe, item.request, key));
		if (!answer.ok) {
			const failure = email === undefined ? undefined : idempotencyFailure(answer.error);
			if (failure) return { kind: failure };
			throw answer.error;
		}
		const created = answer.value;
		if (!created.replayed)
			return { kind: 'created', outcome: { customer: created.customer, action: 'created' } };
		// The replay is the customer as it was created: what matters is whether it is still there.
		const now = await retrieveCustomer(this.stripe, created.customer.id);
		if (now.deleted) return { kind: 'gone' };
		if (email !== undefined && normalizeEmail(now.email ?? '') !== email) return { kind: 'gone' };
		return { kind: 'created', outcome: { customer: now, action: 'created', replayed: true } };
	}

	private async useExisting(
		existing: StripeCustomer,
		match: CustomerMatch | undefined,
		item: CreateItem,
		itemIndex: number,
		steps: ItemSteps,
	): Promise<CreateOutcome> {
		const note = severalMatchesNote(match);
		if (this.rule === 'useExisting') return { customer: existing, action: 'existing', note };
		if (this.rule === 'update' && item.updatePlan) {
			if (!item.updatePlan.ok) {
				throw new InvalidItemError(
					this.node,
					itemIndex,
					item.updatePlan.problems,
					`A customer with this email exists (${existing.id}): it is updated, not created.`,
				);
			}
			const { customer, replayed, updatedFields } = await applyUpdate({
				stripe: this.stripe,
				node: this.node,
				itemIndex,
				target: { customerId: existing.id, current: existing },
				plan: item.updatePlan.value,
				idempotencyKey: item.updateKey,
				steps,
			});
			return {
				customer,
				action: 'updated',
				updatedFields,
				...(replayed ? { replayed } : {}),
				note,
			};
		}
		throw new InvalidItemError(this.node, itemIndex, [
			{
				field: 'Email',
				message: `a customer with email "${item.email}" already exists (${existing.id}); Options → If Email Exists is "Fail"`,
			},
		]);
	}
}

export function createOutput(
	outcome: CreateOutcome,
	reportAction: boolean,
	withCustomer: boolean,
	explain: boolean,
): IDataObject {
	return customerWriteOutput({
		explain,
		customer: outcome.customer,
		action: reportAction ? outcome.action : undefined,
		replayed: outcome.replayed,
		updatedFields: outcome.updatedFields,
		note: outcome.note,
		withCustomer,
	});
}
