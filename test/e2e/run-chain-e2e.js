#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * The customer's next steps as one chain in a real n8n, headless (`n8n execute`; the package is installed from its
 * tarball into $N8N_USER_FOLDER/.n8n/nodes by scripts/n8n/test-e2e.sh first), against the Stripe test double in its
 * own process. The workflow (test/e2e/workflows/e2e-chain.json, node version 1.3, saved as n8n's editor saves it)
 * takes 2 customers through Create → Attach a payment method as the invoice default → a balance credit → a tax ID →
 * a billing portal link → Update clearing the phone → Get → the lists of payment methods, balance transactions and
 * tax IDs, each step reading the customer ID from the step before (`={{ $json.customerId }}`).
 * Runs: (1) the chain, the portal settings saved beforehand as in the Dashboard; (2) the same chain again, a new
 * execution with the same input; (3) a fresh account whose portal settings were never saved.
 * Checks what a user sees: each step's output per input item, paired; what the double received (each write once,
 * with its idempotency key; the re-run's credit is Stripe's replay, not a second credit); the portal step's error
 * without the settings; the secret key nowhere in n8n's output, log or the double's state.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh); E2E_VERBOSE=1 lists the artifacts.
 */

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const {
	runnerEnv,
	createChecks,
	startDoubleProcess,
	saveDoubleState,
	n8nCli,
	importCredentials,
	parseRun,
	outputOf,
	checkRunSucceeded,
} = require('./e2eSupport');

const env = runnerEnv('run-chain-e2e.js', 'chain-e2e-artifacts');
const { check, checkEqual, heading, finish } = createChecks();

const SECRET_KEY = `sk_test_e2eChain${crypto.randomBytes(12).toString('hex')}`;
const CREDENTIAL = { id: 'e2eChainCred', name: 'Stripe Customer API (chain e2e)' };
const WORKFLOW_FILE = path.join(__dirname, 'workflows', 'e2e-chain.json');
const WORKFLOW = 'e2eV12NextSteps';
const NODE_TYPE = 'n8n-nodes-stripe-customer.stripeCustomer';
/** The chain's nodes, as the workflow names them. */
const STEP = {
	input: 'Customers In',
	create: 'Create Customer',
	attach: 'Attach Card as Default',
	credit: 'Credit Balance',
	taxId: 'Add VAT ID',
	portal: 'Portal Link',
	removePhone: 'Remove Phone',
	get: 'Get Customer',
	paymentMethods: 'List Payment Methods',
	transactions: 'List Balance Transactions',
	taxIds: 'List Tax IDs',
};
const RETURN_URL = 'https://shop.example.com/account';
// n8n resolves the log file against <user folder>/.n8n (1.x even an absolute path), so it is given relative.
const LOG_FILE = path.join(env.userFolder, 'logs', 'n8n-chain.log');
const N8N_LOGGING = {
	N8N_LOG_OUTPUT: 'console,file',
	N8N_LOG_LEVEL: 'debug',
	N8N_LOG_FILE_LOCATION: path.relative(path.join(env.userFolder, '.n8n'), LOG_FILE),
};

/** Everything n8n printed and the double's states, for the secret scan. */
const seen = { n8n: /** @type {string[]} */ ([]), double: /** @type {string[]} */ ([]) };

/** @param {string} name @param {() => void} fn a group of checks; a throw fails it instead of the run */
function guard(name, fn) {
	try {
		fn();
	} catch (error) {
		check(name, false, `threw: ${error instanceof Error ? error.stack : error}`);
	}
}

// ---------------------------------------------------------------- n8n and the double

/** @param {string} doubleUrl @param {string} p @param {unknown} [body] @returns {Promise<any>} */
async function control(doubleUrl, p, body) {
	const res = await fetch(
		`${doubleUrl}${p}`,
		body === undefined
			? {}
			: {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify(body),
				},
	);
	if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
	return await res.json();
}

/** What the double holds and received, and its portal sessions; kept as `double-<label>.json`. @param {string} doubleUrl @param {string} label */
async function doubleAfter(doubleUrl, label) {
	const state = await control(doubleUrl, '/_double/state');
	const portal = await control(doubleUrl, '/_double/billing-portal');
	const text = JSON.stringify({ ...state, billingPortal: portal }, null, 1);
	seen.double.push(text);
	fs.writeFileSync(path.join(env.artifacts, `double-${label}.json`), text);
	return { ...state, billingPortal: portal };
}

/** `n8n execute` of the chain; n8n prints the run as JSON also when the execution fails. @param {string} label */
async function executeChain(label) {
	const started = Date.now();
	const ex = await n8nCli(env, ['execute', '--id', WORKFLOW, '--rawOutput'], label, N8N_LOGGING);
	seen.n8n.push(ex.output);
	console.log(
		`  (n8n execute ${label}: exit ${ex.code}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
	);
	/** @type {any} */
	let run;
	try {
		run = parseRun(ex.stdout);
	} catch (error) {
		check(`n8n printed the run as JSON (${label})`, false, String(error));
	}
	return { ...ex, run };
}

/**
 * Each Stripe node's parameters as n8n's editor saves them: n8n's own n8n-workflow fills in the defaults of the node's
 * description (the package as n8n loaded it), then keeps what differs from them, as the editor does on save.
 * @returns {Record<string, unknown>} node name → parameters
 */
function parametersAsTheEditorSaves() {
	const workflowTools = require.resolve('n8n-workflow', { paths: [env.n8nDir] });
	// n8n 2.x takes the node type's description after the node; n8n 1.x a flag "only simple types" there.
	const script = `
    const [file, nodeFile, workflowTools, major] = process.argv.slice(1);
    const { NodeHelpers } = require(workflowTools);
    const { StripeCustomer } = require(nodeFile);
    const description = new StripeCustomer().description;
    const sixth = Number(major) >= 2 ? description : false;
    const saved = {};
    for (const node of JSON.parse(require('fs').readFileSync(file, 'utf8'))[0].nodes) {
      if (node.type !== '${NODE_TYPE}') continue;
      const all = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, sixth);
      saved[node.name] = NodeHelpers.getNodeParameters(description.properties, all, false, false, { ...node, parameters: all }, sixth);
    }
    console.log(JSON.stringify(saved));`;
	const nodeFile = path.join(
		env.userFolder,
		'.n8n/nodes/node_modules/n8n-nodes-stripe-customer/dist/nodes/StripeCustomer/StripeCustomer.node.js',
	);
	// The package imports n8n-workflow as n8n provides it (a peer dependency, not installed beside it).
	const res = spawnSync(
		env.nodeBin,
		['-e', script, WORKFLOW_FILE, nodeFile, workflowTools, String(env.major)],
		{
			encoding: 'utf8',
			env: {
				...process.env,
				NODE_PATH: workflowTools.slice(0, workflowTools.lastIndexOf('/n8n-workflow/')),
			},
		},
	);
	if (res.status !== 0) throw new Error(`n8n-workflow's getNodeParameters failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

async function importFixtures(/** @type {string} */ doubleUrl) {
	const c = await importCredentials(env, [
		{ ...CREDENTIAL, data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } },
	]);
	seen.n8n.push(c.output);
	check('credential imported', c.code === 0, c.output);
	const w = await n8nCli(env, ['import:workflow', `--input=${WORKFLOW_FILE}`], 'import-workflow');
	seen.n8n.push(w.output);
	check('workflow imported', w.code === 0, w.output);
	return c.code === 0 && w.code === 0;
}

// ---------------------------------------------------------------- what the double received

/** @param {string} p a request path, with its IDs named by role */
const route = (p) =>
	p
		.replace(/cus_[A-Za-z0-9]+/g, ':customer')
		.replace(/pm_[A-Za-z0-9_]+/g, ':paymentMethod')
		.replace(/txi_[A-Za-z0-9]+/g, ':taxId');

/** A request as the checks compare it: method, route, and for a write the parameters it sent. @param {any} r */
const described = (r) =>
	`${r.method} ${route(r.path)}${
		r.method === 'POST'
			? ` {${Object.keys(r.params ?? {})
					.sort()
					.join(',')}}`
			: ''
	}`;

/**
 * The requests made for one customer, in the order the double received them: its create (by email), and every request
 * whose path or `customer` names it or its payment method.
 * @param {any[]} requests @param {{ id: string, email: string, paymentMethodId?: string }} customer
 */
function requestsOf(requests, customer) {
	return requests.filter(
		(r) =>
			(r.method === 'POST' && r.path === '/v1/customers' && r.params?.email === customer.email) ||
			r.path.includes(customer.id) ||
			r.params?.customer === customer.id ||
			(customer.paymentMethodId !== undefined && r.path.includes(customer.paymentMethodId)),
	);
}

/** The three lists after Get, in the order n8n runs sibling branches (v1: top to bottom on the canvas). */
const LISTS = [
	'GET /v1/customers/:customer', // which payment method is the invoice default
	'GET /v1/customers/:customer/payment_methods',
	'GET /v1/customers/:customer/balance_transactions',
	'GET /v1/customers/:customer/tax_ids',
];

/** What one customer's first chain sends, step by step. */
const FIRST_RUN_REQUESTS = [
	'POST /v1/customers {email,name,phone}',
	'POST /v1/payment_methods/:paymentMethod/attach {customer}',
	'POST /v1/customers/:customer {invoice_settings}',
	'POST /v1/customers/:customer/balance_transactions {amount,currency,description}',
	'GET /v1/customers/:customer/tax_ids',
	'POST /v1/customers/:customer/tax_ids {type,value}',
	'POST /v1/billing_portal/sessions {customer,return_url}',
	'POST /v1/customers/:customer {phone}',
	'GET /v1/customers/:customer',
	...LISTS,
];

/** What the same chain sends again in a new execution with the same input. */
const RERUN_REQUESTS = [
	'POST /v1/customers {email,name,phone}',
	'GET /v1/customers/:customer', // Stripe replayed the create: does that customer still exist?
	'POST /v1/payment_methods/:paymentMethod/attach {customer}',
	'GET /v1/payment_methods/:paymentMethod', // Stripe replayed the attach: is it still this customer's?
	'POST /v1/customers/:customer {invoice_settings}',
	'POST /v1/customers/:customer/balance_transactions {amount,currency,description}',
	'GET /v1/customers/:customer/tax_ids', // the customer has the tax ID: nothing added
	'POST /v1/billing_portal/sessions {customer,return_url}',
	'POST /v1/customers/:customer {phone}',
	'GET /v1/customers/:customer',
	...LISTS,
];

// ---------------------------------------------------------------- the checks

/** @param {any} run @param {string} node @returns {any[]} the node's output items as `{...json, pairedItem}` */
const itemsOf = (run, node) =>
	outputOf(run, node).map((item) => ({ ...item.json, pairedItem: item.pairedItem?.item }));

/**
 * The first run: every step's output per input item, paired, and what the double received and holds.
 * @param {any} run @param {any} state @param {string} configurationId the portal settings saved for the account
 */
function checkFirstRun(run, state, configurationId) {
	/** @type {any[]} */
	const input = outputOf(run, STEP.input).map((item) => item.json);
	checkEqual('the chain starts with 2 input items', input.length, 2);
	const out = Object.fromEntries(
		Object.entries(STEP).map(([step, node]) => {
			try {
				return [step, itemsOf(run, node)];
			} catch (error) {
				check(`${node} ran`, false, String(error));
				return [step, []];
			}
		}),
	);
	const customerIds = out.create.map((/** @type {any} */ item) => item.customerId);
	/** @param {string} step @param {string} what */
	const eachInput = (step, what) => {
		checkEqual(
			`${STEP[/** @type {keyof STEP} */ (step)]}: one output item per input item, paired to it, for the same customer (${what})`,
			out[step].map((/** @type {any} */ item) => [item.pairedItem, item.customerId]),
			customerIds.map((/** @type {string} */ id, /** @type {number} */ i) => [i, id]),
		);
	};

	guard('create', () => {
		check(
			`${STEP.create}: a new customer per input item (cus_…), paired, not a replay`,
			out.create.length === 2 &&
				out.create.every(
					(/** @type {any} */ item, /** @type {number} */ i) =>
						/^cus_\w+$/.test(item.customerId) && item.pairedItem === i && !item.replayed,
				),
			out.create,
		);
		checkEqual(
			'the double holds the 2 customers, each made from its own item (email, phone)',
			state.customers.map((/** @type {any} */ c) => [c.id, c.params.email, c.params.phone]),
			input.map((item, i) => [customerIds[i], item.email, item.phone]),
		);
	});
	guard('attach', () => {
		eachInput('attach', 'customerId from Create');
		checkEqual(
			`${STEP.attach}: the payment method Stripe made from each item's test card, attached (not before) and the invoice default`,
			out.attach.map((/** @type {any} */ item) => [
				item.paymentMethod?.card?.brand,
				/^pm_[A-Za-z0-9]+$/.test(item.paymentMethodId) &&
					!item.paymentMethodId.startsWith('pm_card_'),
				item.alreadyAttached ?? false,
				item.isInvoiceDefault,
			]),
			input.map((item) => [item.paymentMethod.replace('pm_card_', ''), true, false, true]),
		);
	});
	guard('credit', () => {
		eachInput('credit', 'customerId from Attach');
		checkEqual(
			`${STEP.credit}: a transaction of each item's credit in its currency; the balance after it is that credit; not a replay`,
			out.credit.map((/** @type {any} */ item) => [
				/^cbtxn_\w+$/.test(item.balanceTransactionId),
				item.amount,
				item.currency,
				item.endingBalance,
				item.replayed ?? false,
			]),
			input.map((item) => [true, item.credit, item.currency, item.credit, false]),
		);
	});
	guard('tax ID', () => {
		eachInput('taxId', 'customerId from Credit');
		checkEqual(
			`${STEP.taxId}: each item's VAT number added as an EU VAT ID (txi_…), not there before`,
			out.taxId.map((/** @type {any} */ item) => [
				/^txi_\w+$/.test(item.taxIdId),
				item.taxId?.type,
				item.taxId?.value,
				item.alreadyAdded ?? false,
			]),
			input.map((item) => [true, 'eu_vat', item.vatNumber, false]),
		);
	});
	guard('portal', () => {
		eachInput('portal', 'customerId from the tax ID step');
		checkEqual(
			`${STEP.portal}: a portal link (url) per customer, made with the saved portal settings, back to the Return URL`,
			out.portal.map((/** @type {any} */ item) => [
				/^https:\/\/billing\.stripe\.com\/p\/session\/\w+$/.test(item.url),
				/^bps_\w+$/.test(item.sessionId),
				item.session?.configuration,
				item.session?.return_url,
			]),
			input.map(() => [true, true, configurationId, RETURN_URL]),
		);
		check(
			'two different links',
			new Set(out.portal.map((/** @type {any} */ item) => item.url)).size === 2,
		);
	});
	guard('remove phone', () => {
		eachInput('removePhone', 'customerId from the portal step');
		checkEqual(
			`${STEP.removePhone}: Clear Fields → Phone sent phone empty (updatedFields)`,
			out.removePhone.map((/** @type {any} */ item) => item.updatedFields),
			input.map(() => ['phone']),
		);
	});
	guard('get', () => {
		eachInput('get', 'customerId from Remove Phone');
		checkEqual(
			`${STEP.get}: the customer shows the attached payment method as invoice default, the credited balance in its currency, its tax ID, and no phone`,
			out.get.map((/** @type {any} */ item) => [
				item.customer?.email,
				item.customer?.invoice_settings?.default_payment_method,
				item.customer?.balance,
				item.customer?.currency,
				(item.customer?.tax_ids?.data ?? []).map((/** @type {any} */ taxId) => taxId.id),
				item.customer?.phone,
			]),
			input.map((item, i) => [
				item.email,
				out.attach[i]?.paymentMethodId,
				item.credit,
				item.currency,
				[out.taxId[i]?.taxIdId],
				null,
			]),
		);
	});
	guard('lists', () => {
		for (const step of ['paymentMethods', 'transactions', 'taxIds'])
			eachInput(step, 'customerId from Get');
		checkEqual(
			`${STEP.paymentMethods}: each customer's one payment method, the one attached, marked as the invoice default`,
			out.paymentMethods.map((/** @type {any} */ item) => [
				item.paymentMethodId,
				item.isInvoiceDefault,
			]),
			out.attach.map((/** @type {any} */ item) => [item.paymentMethodId, true]),
		);
		checkEqual(
			`${STEP.transactions}: each customer's one transaction, the credit (amount, description)`,
			out.transactions.map((/** @type {any} */ item) => [
				item.balanceTransactionId,
				item.balanceTransaction?.amount,
				item.balanceTransaction?.description,
			]),
			out.credit.map((/** @type {any} */ item) => [
				item.balanceTransactionId,
				item.amount,
				'Welcome credit',
			]),
		);
		checkEqual(
			`${STEP.taxIds}: each customer's one tax ID, the one added`,
			out.taxIds.map((/** @type {any} */ item) => [item.taxIdId, item.taxId?.value]),
			out.taxId.map((/** @type {any} */ item) => [item.taxIdId, item.taxId?.value]),
		);
	});

	heading('1. what the double received and holds');
	guard('requests', () => {
		/** @type {any[]} */
		const requests = state.requests;
		const customers = customerIds.map((/** @type {string} */ id, /** @type {number} */ i) => ({
			id,
			email: input[i].email,
			paymentMethodId: out.attach[i]?.paymentMethodId,
		}));
		const perCustomer = customers.map((/** @type {any} */ c) => requestsOf(requests, c));
		for (const [i, sent] of perCustomer.entries())
			checkEqual(
				`item ${i}'s customer: exactly these requests, step by step`,
				sent.map(described),
				FIRST_RUN_REQUESTS,
			);
		checkEqual(
			`${STEP.removePhone}: each customer's update sent only phone, empty (Stripe's way to remove a value)`,
			requests
				.filter(
					(r) =>
						r.method === 'POST' && r.params && 'phone' in r.params && r.path !== '/v1/customers',
				)
				.map((r) => r.params),
			[{ phone: '' }, { phone: '' }],
		);
		checkEqual(
			'no other request',
			requests.length,
			perCustomer.reduce((sum, sent) => sum + sent.length, 0),
		);
		const writes = requests.filter((r) => r.method === 'POST');
		check(
			'each write reached the double once: every POST carries an idempotency key of its own, answered 200, none a replay',
			writes.length === 2 * FIRST_RUN_REQUESTS.filter((r) => r.startsWith('POST')).length &&
				writes.every((r) => r.idempotencyKey && r.status === 200 && !r.replayed) &&
				new Set(writes.map((r) => r.idempotencyKey)).size === writes.length,
			writes.map((r) => [described(r), r.idempotencyKey, r.status, r.replayed]),
		);
	});
	guard('held', () => {
		checkEqual(
			'the double holds each customer with its one payment method as invoice default, the credit once, no phone',
			state.customers.map((/** @type {any} */ c) => [
				c.paymentMethods,
				c.customer.invoice_settings?.default_payment_method,
				c.customer.balance,
				c.customer.phone,
			]),
			out.attach.map((/** @type {any} */ item, /** @type {number} */ i) => [
				[item.paymentMethodId],
				item.paymentMethodId,
				input[i].credit,
				null,
			]),
		);
		checkEqual(
			'2 portal sessions, one per customer, with the saved settings',
			state.billingPortal.sessions.map((/** @type {any} */ s) => [s.customer, s.configuration]),
			customerIds.map((/** @type {string} */ id) => [id, configurationId]),
		);
	});
	return out;
}

/**
 * The same chain in a new execution: Per Input makes the create and the credit Stripe's replays, the tax ID is found,
 * nothing is applied twice; the portal makes new links (a link is short-lived).
 * @param {any} run @param {any} state @param {any} before the double after the first run @param {Record<string, any[]>} first
 */
function checkRerun(run, state, before, first) {
	/** @param {string} node */
	const items = (node) => {
		try {
			return itemsOf(run, node);
		} catch (error) {
			check(`${node} ran`, false, String(error));
			return [];
		}
	};
	const idsOf = (/** @type {any[]} */ list, /** @type {string} */ key) =>
		list.map((item) => item[key]);
	guard('rerun outputs', () => {
		const create = items(STEP.create);
		checkEqual(
			`${STEP.create}: the same customers, replayed: true`,
			create.map((item) => [item.customerId, item.replayed, item.pairedItem]),
			idsOf(first.create, 'customerId').map((id, i) => [id, true, i]),
		);
		const attach = items(STEP.attach);
		checkEqual(
			`${STEP.attach}: the same payment methods, alreadyAttached: true, the invoice default again`,
			attach.map((item) => [item.paymentMethodId, item.alreadyAttached, item.isInvoiceDefault]),
			idsOf(first.attach, 'paymentMethodId').map((id) => [id, true, true]),
		);
		const credit = items(STEP.credit);
		checkEqual(
			`${STEP.credit}: Stripe returned the first run's transactions (replayed: true, the same ID); the balance after them is still the credit`,
			credit.map((item) => [item.balanceTransactionId, item.replayed, item.endingBalance]),
			first.credit.map((item) => [item.balanceTransactionId, true, item.amount]),
		);
		check(
			`${STEP.credit}: its note says the amount was applied once`,
			credit.every((item) => /applied once/.test(item.note ?? '')),
			credit.map((item) => item.note),
		);
		checkEqual(
			`${STEP.taxId}: the same tax IDs, alreadyAdded: true`,
			items(STEP.taxId).map((item) => [item.taxIdId, item.alreadyAdded]),
			idsOf(first.taxId, 'taxIdId').map((id) => [id, true]),
		);
		const portal = items(STEP.portal);
		check(
			`${STEP.portal}: new links (a new execution makes a new portal session)`,
			portal.length === 2 &&
				portal.every(
					(item, i) =>
						/^bps_\w+$/.test(item.sessionId) && item.sessionId !== first.portal[i]?.sessionId,
				),
			{ first: idsOf(first.portal, 'sessionId'), again: idsOf(portal, 'sessionId') },
		);
		checkEqual(
			`${STEP.get}: the balance is still the one credit`,
			items(STEP.get).map((item) => item.customer?.balance),
			first.credit.map((item) => item.amount),
		);
		checkEqual(
			'the lists: still one payment method, one transaction, one tax ID per customer',
			[STEP.paymentMethods, STEP.transactions, STEP.taxIds].map((node) => items(node).length),
			[2, 2, 2],
		);
	});
	guard('rerun requests', () => {
		/** @type {any[]} */
		const requests = state.requests.slice(before.requests.length);
		for (const [i, id] of idsOf(first.create, 'customerId').entries()) {
			const sent = requestsOf(requests, {
				id,
				email: before.customers[i].params.email,
				paymentMethodId: first.attach[i]?.paymentMethodId,
			});
			checkEqual(
				`item ${i}'s customer: exactly these requests (the replays checked, no tax ID added)`,
				sent.map(described),
				RERUN_REQUESTS,
			);
		}
		/** @param {any[]} list */
		const credits = (list) =>
			list.filter((r) => r.method === 'POST' && r.path.endsWith('/balance_transactions'));
		checkEqual(
			"the credits carried the first run's idempotency keys and Stripe answered them from its store (Idempotent-Replayed)",
			credits(requests).map((r) => [r.idempotencyKey, r.status, r.replayed]),
			credits(before.requests).map((r) => [r.idempotencyKey, 200, true]),
		);
		checkEqual(
			'the double holds the same 2 customers, each balance the one credit, one payment method each',
			state.customers.map((/** @type {any} */ c) => [
				c.id,
				c.customer.balance,
				c.paymentMethods.length,
			]),
			before.customers.map((/** @type {any} */ c) => [c.id, c.customer.balance, 1]),
		);
	});
}

/**
 * A fresh account whose portal settings were never saved: the chain stops at the portal step with Stripe's refusal
 * and what to do about it, and nothing after it runs.
 * @param {{code: number | null, output: string, run: any}} ex @param {any} state
 */
function checkWithoutPortalSettings(ex, state) {
	check(
		'n8n execute reports the failure (non-zero exit or error status)',
		ex.code !== 0 || ex.run?.status === 'error',
		`exit ${ex.code}`,
	);
	guard('portal error', () => {
		const error = ex.run?.data?.resultData?.error;
		checkEqual('the run stopped at the portal step', error?.node?.name, STEP.portal);
		const message = String(error?.message ?? '');
		check(
			'its error names the item and says to save the customer portal settings in the Dashboard, where, or to give a Configuration ID',
			message.startsWith('[item 0] Stripe: ') &&
				message.includes('save your customer portal settings') &&
				message.includes('Settings → Billing → Customer portal') &&
				message.includes('Options → Configuration ID'),
			message,
		);
		check(
			'n8n printed that message',
			ex.output.includes(message.slice(0, 80)),
			ex.output.slice(-2000),
		);
		const ran = Object.keys(ex.run?.data?.resultData?.runData ?? {});
		check(
			'no step after it ran',
			[STEP.removePhone, STEP.get, STEP.paymentMethods].every((node) => !ran.includes(node)),
			ran,
		);
		/** @type {any[]} */
		const sessions = state.requests.filter(
			(/** @type {any} */ r) => r.path === '/v1/billing_portal/sessions',
		);
		check(
			'Stripe refused the sessions (400) and made none',
			sessions.length > 0 &&
				sessions.every((r) => r.status === 400) &&
				state.billingPortal.sessions.length === 0,
			sessions.map((r) => r.status),
		);
		check(
			'the customers keep their phone (Remove Phone never ran)',
			state.customers.length === 2 &&
				state.customers.every((/** @type {any} */ c) => typeof c.customer.phone === 'string'),
			state.customers.map((/** @type {any} */ c) => c.customer.phone),
		);
	});
}

function checkSecretStaysSecret() {
	heading('the secret key stays secret');
	const log = fs.existsSync(LOG_FILE) ? fs.readFileSync(LOG_FILE, 'utf8') : '';
	check('n8n wrote its log (debug level)', log.length > 0, LOG_FILE);
	const places = {
		"n8n's output": seen.n8n.join('\n'),
		"n8n's log": log,
		"the double's state": seen.double.join('\n'),
	};
	for (const [where, text] of Object.entries(places))
		check(
			`not in ${where}`,
			!text.includes(SECRET_KEY) && !text.includes(SECRET_KEY.slice('sk_test_'.length)),
		);
}

// ---------------------------------------------------------------- the test

async function main() {
	heading(`setup (n8n ${env.version})`);
	const double = await startDoubleProcess(SECRET_KEY);
	process.on('exit', () => double.child.kill('SIGTERM'));
	fs.mkdirSync(path.dirname(LOG_FILE), { recursive: true });
	try {
		if (!(await importFixtures(double.url))) return;
		guard('saved as the editor saves it', () => {
			const workflow = JSON.parse(fs.readFileSync(WORKFLOW_FILE, 'utf8'))[0];
			const stripeNodes = workflow.nodes.filter((/** @type {any} */ n) => n.type === NODE_TYPE);
			checkEqual(
				"the workflow's Stripe nodes are at node version 1.3, with the parameters n8n's editor saves (no defaults)",
				Object.fromEntries(
					stripeNodes.map((/** @type {any} */ n) => [n.name, [n.typeVersion, n.parameters]]),
				),
				Object.fromEntries(
					Object.entries(parametersAsTheEditorSaves()).map(([name, parameters]) => [
						name,
						[1.3, parameters],
					]),
				),
			);
		});

		// The account's portal settings, saved once as in the Dashboard (Settings → Billing → Customer portal → Save).
		const { id: configurationId } = await control(double.url, '/_double/billing-portal', {});
		heading(
			'1. Create → Attach as default → Credit → Tax ID → Portal → Remove phone → Get → lists',
		);
		const first = await executeChain('execute-chain');
		if (first.run) checkRunSucceeded(check, first.run, env);
		const afterFirst = await doubleAfter(double.url, 'after-chain');
		const out = first.run ? checkFirstRun(first.run, afterFirst, configurationId) : undefined;

		heading(
			'2. the same chain again: a new execution, the same input (Idempotency: Per Input, the default)',
		);
		const again = await executeChain('execute-chain-again');
		if (again.run) checkRunSucceeded(check, again.run, env);
		const afterAgain = await doubleAfter(double.url, 'after-chain-again');
		if (again.run && out) checkRerun(again.run, afterAgain, afterFirst, out);

		heading('3. an account whose portal settings were never saved');
		await control(double.url, '/_double/reset', {});
		const unsaved = await executeChain('execute-chain-no-portal-settings');
		checkWithoutPortalSettings(unsaved, await doubleAfter(double.url, 'no-portal-settings'));

		checkSecretStaysSecret();
	} catch (error) {
		check('the run completed', false, error instanceof Error ? error.stack : String(error));
	} finally {
		await saveDoubleState(double.url, env.artifacts);
		double.child.kill('SIGTERM');
		finish(`n8n ${env.version} chain e2e`, env.artifacts);
		if (env.verbose) console.log(fs.readdirSync(env.artifacts));
	}
}

main();
