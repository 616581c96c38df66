#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Browser test: a user works with the Stripe Customer node (version 1.3) in the real n8n editor, in Chromium.
 *  - finds the node by typing "create customer" in the nodes panel, drags "Create a customer" onto the canvas and
 *    connects it to a Manual Trigger;
 *  - opens its options before any run (what the node does apart from Request Options; Idempotency Key only with
 *    Custom Key; option texts not cut off);
 *  - runs it with no customer data, then with Account Balance "12.5": the node's own errors show, nothing reaches
 *    Stripe;
 *  - pastes a balance, picks the billing country by name, fills the grouped Shipping address (one click), picks a
 *    tax ID type by its name, runs the workflow, checks what the Stripe double received, and opens the Resource list
 *    (the five resources) beside the new customer's ID;
 *  - switches to Get and picks a customer "From List" (the double's customers, filtered by typing; the entry's link
 *    opens the Stripe Dashboard), then types an expression into By ID;
 *  - pastes a workflow saved by 0.1.0 whose node is set to "Custom API Call" and runs it;
 *  - runs the demo workflow `npm start` imports (Create, then Get Many);
 *  - checks the fields each operation offers, Clear Fields, the canvas subtitle, required Email, the hints;
 *  - adds Create or Update from the nodes panel with Email empty: what n8n marks, and that n8n does not run it;
 *  - adds the node to an AI Agent's Tool input as a user does: n8n's name for it, its tool description, no second
 *    "Description", "let the model define this" on every field a person fills (Country a text);
 *  - checks the credential test in n8n's credential modal (the demo credential, a wrong key, a publishable key, a
 *    trailing slash and /v1, a port where nothing listens).
 * BROWSER_SECTIONS=options,tool,… runs only those sections (after signing in), for work on one of them.
 * Every run's effect is checked at the double (`GET <double>/_double/state`).
 * Started by scripts/n8n/test-browser.sh, which starts n8n + the Stripe double (scripts/n8n/start.sh)
 * and passes N8N_READY_FILE (JSON: url, email, password, doubleUrl, credentialName, workflowId).
 *
 * Drives Debian's Chromium (/usr/bin/chromium) with playwright-core; never downloads a browser.
 * Screenshots: test-results/browser/*.png; the README's pictures (node-panel.png, customer-picker.png, ai-tool.png,
 * options.png, output.png) go to SCREENSHOT_DIR instead when it is set (SCREENSHOT_DIR=docs/images refreshes them).
 * On failure: failure-*.png and .html in $BROWSER_ARTIFACTS (default: a temp folder, printed).
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 */

const path = require('path');
const { closedPort } = require('../support/closedPort');
const {
	readyEnv,
	sleep,
	until,
	createReport,
	screenshotter,
	launchChromium,
	signIn,
	recordFailure,
} = require('./browserSupport');

const env = readyEnv('editor.browser.js');
const report = createReport();
const { check, step } = report;
const screenshot = screenshotter(report, [
	'node-panel.png',
	'output.png',
	'customer-picker.png',
	'options.png',
	'ai-tool.png',
]);
const STEP_TIMEOUT = 30_000;
const RUN_TIMEOUT = 60_000;

const CUSTOMER = { name: 'Browser Test Customer', email: 'ada.browser@example.com' };
const BILLING = {
	line1: '1 Canvas Way',
	city: 'Berlin',
	postalCode: '10115',
	country: 'Germany',
	code: 'DE',
};
const SHIPPING = {
	line1: '2 Pixel Street',
	city: 'Vienna',
	postalCode: '1010',
	country: 'Austria',
	code: 'AT',
};
const TAX_ID = {
	typed: 'Steuernummer',
	option: 'Germany: Steuernummer (de_stn)',
	type: 'de_stn',
	value: '1234567890',
};
const PASTED_BALANCE = '-1250';
// Customers put into the double before the "From List" step (oldest first), so the list has something to show.
const PICKER_CUSTOMERS = [
	{ name: 'Ada Lovelace', email: 'ada.picker@example.com' },
	{ name: 'Grace Hopper', email: 'grace.picker@example.com' },
	{ name: 'Katherine Johnson', email: 'katherine.picker@example.com' },
	// the same name and email twice: the list must tell them apart
	{ name: 'Ada Lovelace', email: 'ada.picker@example.com' },
];
/** A picker entry as the node writes it: the ID and the creation time (in the workflow's time zone), then who. */
const pickerEntry = (/** @type {{id: string, params: {name?: string, email?: string}}} */ c) =>
	new RegExp(
		`^${c.id} · \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} · ${escapeRegExp([c.params.name, c.params.email && `<${c.params.email}>`].filter(Boolean).join(' '))}$`,
	);
/** @param {string} text */
function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
const PICKER_FILTER = { typed: 'Hopp', pick: 'Grace Hopper' };
/** The name n8n 2.41.1 gives the node added from an AI Agent's Tool input: its operation's action, then the app. */
const TOOL_NAME = 'Create a customer in Stripe Customer';
/** The node's resources, as the README's Operations section names them. */
const RESOURCES = [
	'Customer',
	'Payment Method',
	'Balance Transaction',
	'Tax ID',
	'Billing Portal Session',
];

const MESSAGES = {
	empty: '[item 0] Customer: the item has no customer data',
	balance:
		'[item 0] Account Balance (Cents): must be a whole number of cents (e.g. -500 for a 5.00 credit; 12.50 is 1250); got "12.5"',
	customApiCall:
		'The operation "Custom API Call" is not available in this node; nothing was sent to Stripe',
	shippingHint: "Empty: on create, the customer's Name; on update, the current recipient",
	emailRequired:
		'Workflow execution cannot start The \'Create or update a customer\' node has issues: - Parameter "Email" is required.',
	byId: 'Not a customer ID: one is cus_ followed by letters and digits only, e.g. cus_NffrFeUfNV2Hib. For an expression such as {{ $json.customerId }}, switch this field from Fixed to Expression',
};
// The only key the double accepts: the one start.sh gives it and puts in the demo credential.
const DOUBLE_KEY = 'sk_test_local_double_demo';
const WRONG_KEY = 'sk_test_wrong';
const CONNECT_ACCOUNT = 'acct_browser_slash';
// The credential's own test definition (the built file n8n loads), so the check follows the package's rule text.
const CREDENTIAL_TEST = (() => {
	const { StripeCustomerApi } = require(
		path.join(__dirname, '..', '..', 'dist', 'credentials', 'StripeCustomerApi.credentials.js'),
	);
	return /** @type {{rules: {type: string, properties: {value: number, message: string}}[]}} */ (
		new StripeCustomerApi().test
	);
})();
const RULE_401 =
	CREDENTIAL_TEST.rules.find((r) => r.type === 'responseCode' && r.properties.value === 401)
		?.properties.message || '(no 401 rule)';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */
/** @typedef {{method: string, path: string, query: Record<string, string>, params: any, rawBody: string, account: string | null, status: number}} DoubleRequest */

/**
 * A real mouse drag in small steps, the way a person moves the pointer.
 * @param {Page} page @param {{x: number, y: number}} from @param {{x: number, y: number}} to
 */
async function mouseDrag(page, from, to, steps = 25) {
	await page.mouse.move(from.x, from.y);
	await page.mouse.down();
	for (let i = 1; i <= steps; i++) {
		await page.mouse.move(
			from.x + ((to.x - from.x) * i) / steps,
			from.y + ((to.y - from.y) * i) / steps,
		);
		await sleep(15);
	}
	await page.mouse.up();
}

/** @param {Locator} locator */
async function center(locator) {
	const box = await locator.boundingBox();
	if (!box) throw new Error(`no bounding box for ${locator}`);
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Closes n8n's notifications ("Problem in node …", "Workflow executed successfully"). @param {Page} page */
async function closeToasts(page) {
	const close = page.locator('.el-notification__closeBtn:visible');
	for (let i = (await close.count()) - 1; i >= 0; i--)
		await close
			.nth(i)
			.click()
			.catch(() => {});
	await close
		.first()
		.waitFor({ state: 'hidden', timeout: 3000 })
		.catch(() => {});
}

/** @returns {Promise<{customers: any[], requests: DoubleRequest[]}>} */
async function doubleState() {
	return (await fetch(`${env.doubleUrl}/_double/state`)).json();
}
/** @param {number} from @returns {Promise<DoubleRequest[]>} */
async function requestsSince(from) {
	return (await doubleState()).requests.slice(from);
}
/** @param {DoubleRequest[]} reqs */
const showRequests = (reqs) =>
	reqs.map(
		(r) =>
			`${r.method} ${r.path}?${new URLSearchParams(r.query)} account=${r.account} → ${r.status}`,
	);
/** A form body as the list of its decoded `key=value` pairs. @param {string} body */
const formPairs = (body) =>
	body ? body.split('&').map((pair) => decodeURIComponent(pair.replace(/\+/g, ' '))) : [];

/** The open dropdown's options (Element Plus selects render them at the end of the page). @param {Page} page */
const dropdownOptions = (page) => page.locator('.el-select-dropdown__item:visible');
/** An option's headline: its first line (n8n shows the description under it). @param {Page} page */
const optionHeadlines = async (page) =>
	(await dropdownOptions(page).allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean);

/**
 * Opens a select, optionally types into its filter, and clicks the option with this headline.
 * Returns the headlines the list showed just before the click.
 * @param {Page} page @param {Locator} select @param {string} option @param {string} [typed]
 */
async function choose(page, select, option, typed) {
	await select.click();
	await dropdownOptions(page).first().waitFor();
	if (typed) {
		await page.keyboard.type(typed, { delay: 20 });
		// the list filters as one types: wait until it shrank to the matches
		await until(
			async () =>
				(await optionHeadlines(page)).every(
					(t) => t.toLowerCase().includes(typed.toLowerCase().split(' ')[0]) || t.includes(option),
				),
			5000,
		);
	}
	const shown = await optionHeadlines(page);
	await dropdownOptions(page)
		.filter({ has: page.getByText(option, { exact: true }) })
		.first()
		.click();
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
	return shown;
}

/** The text input of a parameter. @param {Locator} scope @param {string} name */
const field = (scope, name) =>
	scope.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();

/** Clicks into a text field and types, as a person does. @param {Locator} input @param {string} value */
async function typeInto(input, value) {
	await input.click();
	await input.pressSequentially(value, { delay: 10 });
	// n8n stores a typed value a moment after the last key: "Execute step" clicked at once would run with "1" of "12.5".
	await sleep(400);
}

/**
 * Runs the open node with "Execute step" and waits until the output panel shows `expected` (text or pattern).
 * Returns the output panel's error message and text, whatever it shows.
 * @param {Page} page @param {string | RegExp} expected
 */
async function executeStep(page, expected) {
	const ndv = page.getByTestId('ndv');
	const output = ndv.getByTestId('output-panel');
	await ndv.getByTestId('node-execute-button').click();
	await output
		.getByText(expected)
		.first()
		.waitFor()
		.catch(() => {});
	const error = output.getByTestId('node-error-message');
	return {
		error: (await error.count()) ? (await error.first().innerText()).trim() : '',
		text: await output.innerText(),
	};
}

/** Scrolls the panel that holds `locator` back to its top (the credential, Resource, Operation). @param {Locator} locator */
async function scrollToTop(locator) {
	await locator.evaluate((el) => {
		for (let box = el.parentElement; box; box = box.parentElement)
			if (box.scrollHeight > box.clientHeight) box.scrollTop = 0;
	});
}

/** The cus_… IDs an output panel shows, in order, without repeats. @param {string} text */
const customerIds = (text) => [...new Set(text.match(/cus_[A-Za-z0-9]+/g) || [])];

async function main() {
	const browser = await launchChromium();
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	// Pasting with Ctrl+V reads the page's clipboard; the test puts there what a user would have copied.
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
	// The customer picker's links open the Stripe Dashboard: answered here, the test never leaves the machine.
	await context.route('https://dashboard.stripe.com/**', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<title>Stripe Dashboard (stand-in)</title>' }),
	);
	const page = await context.newPage();
	page.setDefaultTimeout(STEP_TIMEOUT);
	const how = { add: '', connect: '' };
	const only = process.env.BROWSER_SECTIONS ? process.env.BROWSER_SECTIONS.split(',') : undefined;
	/** @param {string} name @param {string} file @param {() => Promise<void>} body */
	const section = async (name, file, body) => {
		if (only && file !== 'failure-signin' && !only.some((part) => file.includes(part))) return;
		const started = Date.now();
		try {
			await body();
		} catch (err) {
			await recordFailure(report, page, name, file, err);
		}
		console.log(`  (${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
	};
	try {
		// start from an empty double: every check below reads what this run sent
		await fetch(`${env.doubleUrl}/_double/reset`, { method: 'POST' });
		await section('sign in', 'failure-signin', () => signIn(page, env, report));
		await section('the node in a new workflow', 'failure-node', () => nodeFlow(page, how));
		await section('a workflow saved with "Custom API Call"', 'failure-custom-api-call', () =>
			customApiCall(page),
		);
		await section('the demo workflow', 'failure-demo', () => demoWorkflow(page));
		await section('options, fields and texts of each operation', 'failure-options', () =>
			editorPromises(page),
		);
		await section('a new Create or Update without an Email', 'failure-email', () =>
			upsertWithoutEmail(page),
		);
		await section("the node as an AI Agent's tool", 'failure-tool', () => aiTool(page));
		await section('credential test in the editor', 'failure-credentials', () =>
			credentialTests(page),
		);
	} finally {
		await browser.close();
		report.finish(
			`browser test: node added by ${how.add || '-'}; connected by ${how.connect || '-'}`,
		);
	}
}

/**
 * Build Manual Trigger → Stripe Customer, then everything a user does with the node.
 * @param {Page} page @param {{add: string, connect: string}} how
 */
async function nodeFlow(page, how) {
	// ------------------------------------------------------------------ new workflow + Manual Trigger
	step('new workflow, add a Manual Trigger');
	await page.goto(`${env.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('Manual Trigger');
	await page
		.getByTestId('node-creator-item-name')
		.getByText('Manual Trigger', { exact: true })
		.click();
	const trigger = page.getByTestId('canvas-node').first();
	await trigger.waitFor();
	const triggerName = /** @type {string} */ (await trigger.getAttribute('data-node-name'));
	check(`Manual Trigger on the canvas ("${triggerName}")`, !!triggerName);
	// Deselect it: with a node selected, n8n connects a dropped node to it by itself; the user connects it here.
	await page.keyboard.press('Escape');
	const paneBox = await page.getByTestId('canvas-wrapper').boundingBox();
	if (!paneBox) throw new Error('no canvas');
	await page.mouse.click(paneBox.x + 40, paneBox.y + paneBox.height - 140);

	// ------------------------------------------------------------------ nodes panel: search by what it does
	step(
		'open the nodes panel and type what the node does: "create customer" (also "customer", "Stripe customer", "billing")',
	);
	await page.getByTestId('node-creator-plus-button').click();
	const search = page.getByTestId('node-creator-search-bar');
	const listed = page.getByTestId('node-creator-item-name');
	/** @type {Record<string, string[]>} */
	const found = {};
	for (const words of ['customer', 'Stripe customer', 'billing', 'create customer']) {
		await search.fill('');
		await search.pressSequentially(words, { delay: 10 });
		found[words] =
			(await until(async () => {
				const names = await listed.allInnerTexts();
				return names.includes('Stripe Customer') ? names : undefined;
			}, 5000)) || (await listed.allInnerTexts());
	}
	check(
		'"create customer" finds the node, as the first result',
		found['create customer'][0] === 'Stripe Customer',
		found['create customer'],
	);
	const missed = Object.entries(found)
		.filter(([, names]) => !names.includes('Stripe Customer'))
		.map(([words]) => words);
	check('"customer", "Stripe customer" and "billing" list it too', missed.length === 0, found);
	await screenshot(page, 'nodes-panel-search.png');

	// ------------------------------------------------------------------ drag the action onto the canvas
	await listed.getByText('Stripe Customer', { exact: true }).click();
	const actions = page.getByTestId('node-creator').locator('[draggable]');
	const action = actions.filter({ hasText: 'Create a customer' }).first();
	await action.waitFor();
	await sleep(600); // let the actions list finish sliding in
	const actionNames = (await actions.allInnerTexts()).map((t) => t.trim());
	const expectedActions = [
		'Create a customer',
		'Create or update a customer',
		'Delete a customer',
		'Get a customer',
		'Get many customers',
		'Search customers',
		'Update a customer',
	];
	check(
		'its actions list the seven Customer operations',
		expectedActions.every((a) => actionNames.some((n) => n.startsWith(a))),
		actionNames,
	);
	const tBox = await trigger.boundingBox();
	const panelBox = await page.getByTestId('node-creator').boundingBox();
	if (!tBox || !panelBox) throw new Error('trigger or nodes panel has no box');
	// to the right of the trigger, on the visible part of the canvas (the panel covers the right side)
	const dropAt = {
		x: Math.min(tBox.x + tBox.width + 220, panelBox.x - 80),
		y: tBox.y + tBox.height / 2 + 120,
	};
	step('drag "Create a customer" from the panel onto the canvas (mouse down, move, up)');
	await mouseDrag(page, await center(action), dropAt);
	const newNode = page
		.locator(`[data-test-id="canvas-node"]:not([data-node-name="${triggerName}"])`)
		.first();
	try {
		await newNode.waitFor({ timeout: 5000 });
		how.add = 'mouse drag from the nodes panel';
	} catch {
		step('the drag added nothing: falling back to clicking the action');
		if (!(await page.getByTestId('node-creator').isVisible())) {
			await page.getByTestId('node-creator-plus-button').click();
			await search.fill('create customer');
			await listed.getByText('Stripe Customer', { exact: true }).click();
		}
		await action.click();
		await newNode.waitFor();
		how.add = 'click in the nodes panel (drag fallback)';
	}
	// n8n names a node added from an action after the action ("Create a customer") and renames it when the operation changes.
	const nodeName = /** @type {string} */ (await newNode.getAttribute('data-node-name'));
	check(
		`Stripe Customer node added by ${how.add}, named "${nodeName}"`,
		nodeName === 'Create a customer',
		nodeName,
	);
	const canvasNode = () =>
		page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	// n8n opens the new node's panel: close it to reach the canvas.
	if (await page.getByTestId('ndv').isVisible()) await page.getByTestId('ndv-close-button').click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });

	// ------------------------------------------------------------------ connect
	const edge = page.locator(
		`[data-test-id="edge"][data-source-node-name="${triggerName}"][data-target-node-name="${nodeName}"]`,
	);
	if ((await edge.count()) === 0) {
		step("connect: drag from the trigger's output handle to the node's input handle");
		const out = page
			.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${triggerName}"]`)
			.first();
		const inp = page
			.locator(`[data-test-id="canvas-node-input-handle"][data-node-name="${nodeName}"]`)
			.first();
		await mouseDrag(
			page,
			await center(out.locator('.vue-flow__handle').first().or(out).first()),
			await center(inp.locator('.vue-flow__handle').first().or(inp).first()),
		);
		how.connect = 'mouse drag between the handles';
	} else {
		how.connect = 'n8n connected it on drop';
	}
	await edge.waitFor({ timeout: 5000 }).catch(() => {});
	check(`Manual Trigger → ${nodeName} connected (${how.connect})`, (await edge.count()) === 1);

	// ------------------------------------------------------------------ open it: credential, version
	step('open the node');
	await canvasNode().dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor();
	const credSelect = ndv.getByTestId('node-credentials-select');
	await credSelect.waitFor();
	const credInput = credSelect.locator('input').first();
	let credValue = (await credInput.inputValue().catch(() => '')) || (await credSelect.innerText());
	if (!credValue.includes(env.credentialName)) {
		await credSelect.click();
		await page.getByRole('option', { name: env.credentialName }).first().click();
		await dropdownOptions(page)
			.first()
			.waitFor({ state: 'hidden', timeout: 5000 })
			.catch(() => {});
		credValue = (await credInput.inputValue().catch(() => '')) || (await credSelect.innerText());
	}
	check(
		`credential "${env.credentialName}" selected`,
		credValue.includes(env.credentialName),
		credValue,
	);
	const version = ((await ndv.getByTestId('node-version').textContent()) || '')
		.replace(/\s+/g, ' ')
		.trim();
	check(`a new node is version 1.3 ("${version}")`, /version 1\.3\b/.test(version), version);

	// ------------------------------------------------------------------ options: two groups (the node has not run: no output beside them)
	await checkOptions(page, ndv);

	// ------------------------------------------------------------------ no customer data
	step('run it with no customer data ("Execute step")');
	let from = (await doubleState()).requests.length;
	let run = await executeStep(page, MESSAGES.empty);
	check(
		`the editor shows the node's error "${MESSAGES.empty}…"`,
		run.error.startsWith(MESSAGES.empty),
		run.text.slice(0, 600),
	);
	let reqs = await requestsSince(from);
	check('…and nothing reached the double', reqs.length === 0, showRequests(reqs));
	await screenshot(page, 'error-empty-customer.png');

	// ------------------------------------------------------------------ Account Balance "12.5"
	step('Additional Fields → Add Field → Account Balance (Cents); type 12.5; run');
	const addField = ndv
		.getByTestId('collection-parameter-add')
		.filter({ has: page.locator('input[placeholder="Add Field"]') });
	await choose(page, addField, 'Account Balance (Cents)');
	const balance = field(ndv, 'balance');
	await typeInto(balance, '12.5');
	await balance.blur();
	check(
		'the field keeps "12.5" as typed',
		(await balance.inputValue()) === '12.5',
		await balance.inputValue(),
	);
	from = (await doubleState()).requests.length;
	run = await executeStep(page, MESSAGES.balance);
	check(
		`the editor shows "${MESSAGES.balance}"`,
		run.error === MESSAGES.balance,
		run.text.slice(0, 600),
	);
	reqs = await requestsSince(from);
	check('…and nothing reached the double (no 125, no 12)', reqs.length === 0, showRequests(reqs));
	await screenshot(page, 'error-balance.png');

	step(`paste ${PASTED_BALANCE} over it (select all, Ctrl+V)`);
	await page.evaluate((text) => navigator.clipboard.writeText(text), PASTED_BALANCE);
	await balance.click();
	await page.keyboard.press('Control+A');
	await page.keyboard.press('Control+V');
	await balance.blur();
	check(
		`the field shows the pasted "${PASTED_BALANCE}"`,
		(await balance.inputValue()) === PASTED_BALANCE,
		await balance.inputValue(),
	);

	// ------------------------------------------------------------------ Name, Email
	step('type Name and Email');
	await typeInto(field(ndv, 'name'), CUSTOMER.name);
	await typeInto(field(ndv, 'email'), CUSTOMER.email);
	await field(ndv, 'email').blur();

	// ------------------------------------------------------------------ Billing Address: one click, country by name
	step('Billing Address → "Add Billing Address" (one click)');
	const billing = ndv.getByTestId('fixed-collection-address');
	await billing.getByTestId('fixed-collection-add').click();
	const addressFields = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'];
	const billingShown = await until(async () => {
		const shown = await Promise.all(
			addressFields.map((f) => billing.getByTestId(`parameter-input-${f}`).isVisible()),
		);
		return shown.every(Boolean) ? shown : undefined;
	}, 5000);
	check(
		'one click shows Address Line 1, Line 2, City, State, ZIP, Country together',
		!!billingShown,
		await billing.innerText(),
	);
	await typeInto(field(billing, 'line1'), BILLING.line1);
	await typeInto(field(billing, 'city'), BILLING.city);
	await typeInto(field(billing, 'postalCode'), BILLING.postalCode);
	step(`Country: open the list, type "${BILLING.country}", pick it`);
	const billingCountry = billing.getByTestId('parameter-input-country');
	await billingCountry.click();
	await page.keyboard.type(BILLING.country, { delay: 20 });
	const countryOptions = await until(async () => {
		const shown = await optionHeadlines(page);
		return shown.length && shown.length < 5 ? shown : undefined;
	}, 5000);
	check(
		`typing "${BILLING.country}" narrows the list to it`,
		!!countryOptions && countryOptions.includes(BILLING.country),
		countryOptions || (await optionHeadlines(page)).slice(0, 10),
	);
	await screenshot(page, 'billing-country.png');
	await dropdownOptions(page)
		.filter({ has: page.getByText(BILLING.country, { exact: true }) })
		.first()
		.click();
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
	const billingCountryShown = await billingCountry.locator('input').first().inputValue();
	check(
		`the Country field shows "${BILLING.country}"`,
		billingCountryShown === BILLING.country,
		billingCountryShown,
	);

	// ------------------------------------------------------------------ Shipping: one click, hint visible
	step('Shipping → "Add Shipping Address" (one click)');
	const shipping = ndv.getByTestId('fixed-collection-shipping');
	check(
		'Shipping offers no per-field "Add Shipping Field" list any more',
		(await shipping.locator('input[placeholder="Add Shipping Field"]').count()) === 0,
	);
	await shipping.getByTestId('fixed-collection-add').click();
	const shippingFields = ['recipientName', 'recipientPhone', ...addressFields];
	const shippingShown = await until(async () => {
		const shown = await Promise.all(
			shippingFields.map((f) => shipping.getByTestId(`parameter-input-${f}`).isVisible()),
		);
		return shown.every(Boolean) ? shown : undefined;
	}, 5000);
	check(
		'one click shows Recipient Name, Recipient Phone and all address fields together',
		!!shippingShown,
		await shipping.innerText(),
	);
	await page.mouse.move(5, 5);
	const hint = shipping.getByText(MESSAGES.shippingHint);
	await hint.scrollIntoViewIfNeeded().catch(() => {});
	check(`the hint "${MESSAGES.shippingHint}…" is visible without hovering`, await hint.isVisible());
	step('fill Shipping: Address Line 1, City, ZIP, Country (no click per field to add it)');
	await typeInto(field(shipping, 'line1'), SHIPPING.line1);
	await typeInto(field(shipping, 'city'), SHIPPING.city);
	await typeInto(field(shipping, 'postalCode'), SHIPPING.postalCode);
	await choose(
		page,
		shipping.getByTestId('parameter-input-country'),
		SHIPPING.country,
		SHIPPING.country,
	);
	const shippingCountryShown = await shipping
		.getByTestId('parameter-input-country')
		.locator('input')
		.first()
		.inputValue();
	check(
		`the Shipping Country field shows "${SHIPPING.country}"`,
		shippingCountryShown === SHIPPING.country,
		shippingCountryShown,
	);

	// ------------------------------------------------------------------ Tax ID type by name
	step('Additional Fields → Business VAT IDs / Tax IDs → Add Tax ID');
	await choose(page, addField, 'Business VAT IDs / Tax IDs');
	const taxIds = ndv.getByTestId('fixed-collection-taxIds');
	await taxIds.getByTestId('fixed-collection-add').click();
	const taxType = taxIds.getByTestId('parameter-input-type');
	await taxType.waitFor();
	const defaultType = await taxType.locator('input').first().inputValue();
	check(
		`Type starts as "EU: VAT Number (eu_vat)"`,
		defaultType === 'EU: VAT Number (eu_vat)',
		defaultType,
	);
	step(`Type: open the list, type "${TAX_ID.typed}", pick "${TAX_ID.option}"`);
	await taxType.click();
	await page.keyboard.type(TAX_ID.typed, { delay: 20 });
	const typeOptions = await until(async () => {
		const shown = await optionHeadlines(page);
		return shown.length && shown.length < 5 ? shown : undefined;
	}, 5000);
	check(
		`typing "${TAX_ID.typed}" narrows the list to "${TAX_ID.option}"`,
		!!typeOptions && typeOptions.includes(TAX_ID.option),
		typeOptions || (await optionHeadlines(page)).slice(0, 10),
	);
	await screenshot(page, 'tax-id-type.png');
	await dropdownOptions(page)
		.filter({ has: page.getByText(TAX_ID.option, { exact: true }) })
		.first()
		.click();
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
	check(
		`the Type field shows "${TAX_ID.option}"`,
		(await taxType.locator('input').first().inputValue()) === TAX_ID.option,
		await taxType.locator('input').first().inputValue(),
	);
	await typeInto(field(taxIds, 'value'), TAX_ID.value);
	await field(taxIds, 'value').blur();

	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });

	// ------------------------------------------------------------------ run the workflow
	step('run the workflow from the canvas ("Execute workflow")');
	from = (await doubleState()).requests.length;
	await page.getByTestId('execute-workflow-button').click();
	await canvasNode()
		.locator('[data-test-id="canvas-node-status-success"]')
		.waitFor({ timeout: RUN_TIMEOUT });
	step('the node ran successfully (green check on the canvas)'); // waitFor throws if not: the output checks follow
	await canvasNode().dblclick();
	await ndv.waitFor();
	const output = ndv.getByTestId('output-panel');
	await output
		.getByText(/cus_\w+/)
		.first()
		.waitFor();
	const customerId = customerIds(await output.innerText())[0];
	check(
		`the output panel shows the new customer's ID (${customerId})`,
		!!customerId,
		await output.innerText(),
	);
	// the README's first picture: the node's Resource list, beside the customer it just created
	await closeToasts(page);
	const resource = ndv.getByTestId('parameter-input-resource');
	await scrollToTop(credSelect);
	await resource.click();
	await dropdownOptions(page).first().waitFor();
	const resources = await optionHeadlines(page);
	check(
		`the Resource list offers the five resources: ${RESOURCES.join(', ')}`,
		JSON.stringify(resources) === JSON.stringify([...RESOURCES].sort()),
		resources,
	);
	await screenshot(page, 'node-panel.png');
	await page.keyboard.press('Escape');
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});

	const state = await doubleState();
	const creates = state.requests
		.slice(from)
		.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
	check(
		'the double received one create request, answered 200',
		creates.length === 1 && creates[0].status === 200,
		showRequests(creates),
	);
	const created = state.customers.find((c) => c.id === customerId);
	check(
		'the double holds that customer',
		!!created,
		state.customers.map((c) => c.id),
	);
	const sent = formPairs(creates[0]?.rawBody || '');
	const p = created?.params || {};
	check(
		'…with the Name and Email typed',
		p.name === CUSTOMER.name && p.email === CUSTOMER.email,
		p,
	);
	check(
		`…balance=${PASTED_BALANCE}, as pasted`,
		sent.includes(`balance=${PASTED_BALANCE}`) && p.balance === PASTED_BALANCE,
		sent,
	);
	check(
		`…address[country]=${BILLING.code} (picked by name) and the billing address typed`,
		sent.includes(`address[country]=${BILLING.code}`) &&
			p.address?.line1 === BILLING.line1 &&
			p.address?.city === BILLING.city &&
			p.address?.postal_code === BILLING.postalCode,
		p.address,
	);
	check(
		`…shipping with name = the customer's Name and the address typed, country ${SHIPPING.code}`,
		sent.includes(`shipping[name]=${CUSTOMER.name}`) &&
			sent.includes(`shipping[address][country]=${SHIPPING.code}`) &&
			p.shipping?.address?.line1 === SHIPPING.line1 &&
			p.shipping?.address?.city === SHIPPING.city &&
			p.shipping?.address?.postal_code === SHIPPING.postalCode,
		p.shipping,
	);
	check(
		`…tax_id_data[0][type]=${TAX_ID.type} with its value`,
		sent.includes(`tax_id_data[0][type]=${TAX_ID.type}`) &&
			sent.includes(`tax_id_data[0][value]=${TAX_ID.value}`),
		sent,
	);

	// ------------------------------------------------------------------ Get: customer From List
	step(
		`put ${PICKER_CUSTOMERS.length} customers into the double (${PICKER_CUSTOMERS.map((c) => c.name).join(', ')})`,
	);
	for (const customer of PICKER_CUSTOMERS) {
		const res = await fetch(`${env.doubleUrl}/v1/customers`, {
			method: 'POST',
			headers: {
				Authorization: `Bearer ${DOUBLE_KEY}`,
				'Content-Type': 'application/x-www-form-urlencoded',
			},
			body: new URLSearchParams(customer),
		});
		if (!res.ok) throw new Error(`seeding the double: HTTP ${res.status}`);
	}
	// Typing in the picker searches, and Stripe's search sees writes late (the double: 1 s): wait for it.
	await sleep(1500);
	step('Operation → Get; Customer → From List: open the list');
	await choose(page, ndv.getByTestId('parameter-input-operation'), 'Get');
	const locator = ndv.getByTestId('resource-locator-customerId');
	await locator.waitFor();
	const mode = await locator.getByTestId('rlc-mode-selector').locator('input').first().inputValue();
	const empty = await locator.getByTestId('rlc-input').inputValue();
	check(
		`Customer starts in mode "${mode}", with no customer picked`,
		/^from list$/i.test(mode) && empty === '',
		{ mode, empty },
	);
	await closeToasts(page);
	from = (await doubleState()).requests.length;
	await locator.getByTestId('rlc-input').click();
	const items = page.getByTestId('rlc-item');
	await items.first().waitFor();
	const live = (await doubleState()).customers.filter((c) => !c.deleted && !c.account);
	const expectedList = live.slice().reverse().slice(0, 50);
	const shownList =
		(await until(async () => {
			const shown = (await items.allInnerTexts()).map((t) => t.trim());
			return shown.length === expectedList.length ? shown : undefined;
		}, 5000)) || (await items.allInnerTexts());
	check(
		'the list shows the double\'s customers, newest first, as "cus_… · created · Name <email>"',
		shownList.length === expectedList.length &&
			expectedList.every((c, i) => pickerEntry(c).test(String(shownList[i]).trim())),
		{ shown: shownList, expected: expectedList.map((c) => String(pickerEntry(c))) },
	);
	const twins = shownList.filter((t) =>
		String(t).endsWith('Ada Lovelace <ada.picker@example.com>'),
	);
	check(
		'two customers with the same name and email are two different entries (their IDs)',
		twins.length === 2 && twins[0] !== twins[1],
		twins,
	);
	// Long entries are cut at the panel's width: what tells two customers apart must be in what is seen.
	const idsSeen = await items.evaluateAll((elements) =>
		elements.map((element) => {
			const id = (element.textContent ?? '').match(/cus_\w+/)?.[0] ?? '';
			const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
			for (let node = walker.nextNode(); node; node = walker.nextNode()) {
				const at = (node.textContent ?? '').indexOf(id);
				if (!id || at < 0) continue;
				const range = document.createRange();
				range.setStart(node, at);
				range.setEnd(node, at + id.length);
				const box = range.getBoundingClientRect();
				return box.width > 0 && box.right <= element.getBoundingClientRect().right + 1;
			}
			return false;
		}),
	);
	check(
		"every entry's customer ID is within the panel's width, not cut off",
		idsSeen.length > 0 && idsSeen.every(Boolean),
		idsSeen,
	);
	await screenshot(page, 'customer-picker.png');
	step(`type "${PICKER_FILTER.typed}" to filter`);
	await page
		.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input')
		.first()
		.pressSequentially(PICKER_FILTER.typed, { delay: 30 });
	const pickEmail = PICKER_CUSTOMERS.find((c) => c.name === PICKER_FILTER.pick)?.email;
	const filtered =
		(await until(async () => {
			const shown = (await items.allInnerTexts()).map((t) => t.trim());
			return shown.length === 1 ? shown : undefined;
		}, 10_000)) || (await items.allInnerTexts());
	const pickedCustomer = live.find((c) => c.params.name === PICKER_FILTER.pick);
	check(
		`…only "${PICKER_FILTER.pick} <${pickEmail}> (cus_…)" is left`,
		filtered.length === 1 &&
			!!pickedCustomer &&
			pickerEntry(pickedCustomer).test(String(filtered[0]).trim()),
		filtered,
	);
	reqs = await requestsSince(from);
	const searched = reqs.filter((r) => r.path === '/v1/customers/search');
	check(
		`…found by Stripe's search at the double (name~'${PICKER_FILTER.typed}')`,
		searched.some((r) => String(r.query.query).includes(`name~'${PICKER_FILTER.typed}'`)),
		showRequests(reqs),
	);
	await screenshot(page, 'customer-picker-filtered.png');
	await items.filter({ hasText: PICKER_FILTER.pick }).first().click();
	const picked = (await doubleState()).customers.find(
		(c) => c.params.name === PICKER_FILTER.pick && c.params.email === pickEmail,
	);
	const pickedLabel = await locator
		.getByTestId('rlc-input')
		.inputValue()
		.catch(() => '');
	check(
		`the Customer field shows "${PICKER_FILTER.pick} <${pickEmail}>"`,
		pickedLabel.includes(PICKER_FILTER.pick),
		pickedLabel,
	);
	step("open the picked customer's link (beside the field)");
	const [dashboard] = await Promise.all([
		page.context().waitForEvent('page'),
		locator.getByTestId('rlc-open-resource-link').click(),
	]);
	await dashboard.waitForLoadState('domcontentloaded').catch(() => {});
	const dashboardUrl = `https://dashboard.stripe.com/test/customers/${picked?.id}`;
	check(
		`…it opens the customer in the Stripe Dashboard (test mode): ${dashboardUrl}`,
		dashboard.url() === dashboardUrl,
		dashboard.url(),
	);
	await dashboard.close();
	step('run it ("Execute step")');
	from = (await doubleState()).requests.length;
	run = await executeStep(page, picked?.id || /cus_\w+/);
	const gotIds = customerIds(run.text);
	check(
		`the output shows ${PICKER_FILTER.pick}'s customer ID (${picked?.id})`,
		!!picked && gotIds[0] === picked.id && !run.error,
		run.text.slice(0, 600),
	);
	reqs = await requestsSince(from);
	check(
		`…read at the double with GET /v1/customers/${picked?.id}`,
		reqs.some(
			(r) => r.method === 'GET' && r.path === `/v1/customers/${picked?.id}` && r.status === 200,
		),
		showRequests(reqs),
	);
	await screenshot(page, 'get-output.png');

	// ------------------------------------------------------------------ By ID: an expression typed in Fixed mode
	step('By ID: type "{{ $json.customerId" (an expression, in Fixed mode)');
	await choose(page, locator.getByTestId('rlc-mode-selector'), 'By ID');
	await locator.getByTestId('rlc-input').fill('');
	await typeInto(locator.getByTestId('rlc-input'), '{{ $json.customerId');
	await locator.getByTestId('rlc-input').blur();
	// n8n marks the field and tells why on the mark: point at it, as a user does
	await locator.getByTestId('parameter-issues').hover();
	const idMessage = page.getByText(MESSAGES.byId);
	await idMessage
		.first()
		.waitFor()
		.catch(() => {});
	check(
		`By ID says what is wrong, and that an expression needs Expression mode: "${MESSAGES.byId}"`,
		await idMessage.first().isVisible(),
		await locator.innerText(),
	);
	await screenshot(page, 'customer-by-id.png');
	await page.mouse.move(5, 5);
	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
}

/**
 * n8n 2.41.1 adds "Custom API Call" to the Operation list only for nodes whose default version is their only
 * version, so version 1.1 never shows it; workflows saved with 0.1.0 (version 1 only) may still hold it.
 * @param {Page} page
 */
async function customApiCall(page) {
	const saved = {
		nodes: [
			{
				id: 'b0000000-0000-4000-8000-000000000001',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Stripe Customer (saved with 0.1.0)',
				type: 'n8n-nodes-stripe-customer.stripeCustomer',
				typeVersion: 1,
				position: [260, 0],
				parameters: { authentication: 'stripeCustomerApi', operation: '__CUSTOM_API_CALL__' },
				credentials: { stripeCustomerApi: { id: 'demoStripeCustCred', name: env.credentialName } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Stripe Customer (saved with 0.1.0)', type: 'main', index: 0 }]] },
		},
	};
	step(
		'new workflow; paste (Ctrl+V) a workflow saved with 0.1.0 whose node is set to "Custom API Call"',
	);
	await page.goto(`${env.url}/workflow/new`);
	const canvas = page.getByTestId('canvas-wrapper');
	await canvas.waitFor();
	await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(saved));
	await canvas.click({ position: { x: 300, y: 300 } });
	await page.keyboard.press('Control+V');
	const node = page.locator(
		'[data-test-id="canvas-node"][data-node-name="Stripe Customer (saved with 0.1.0)"]',
	);
	await node.waitFor();
	step('the pasted workflow is on the canvas'); // waitFor throws if not
	await node.dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor();
	const operation = ndv.getByTestId('parameter-input-operation');
	await operation.click();
	await dropdownOptions(page).first().waitFor();
	const offered = await optionHeadlines(page);
	await page.keyboard.press('Escape');
	check(
		'the Operation list of version 1 offers the seven operations and no "Custom API Call"',
		offered.length === 7 && !offered.includes('Custom API Call'),
		offered,
	);
	const from = (await doubleState()).requests.length;
	step('run it ("Execute step")');
	const run = await executeStep(page, MESSAGES.customApiCall);
	check(
		`the editor shows "${MESSAGES.customApiCall}"`,
		run.error === MESSAGES.customApiCall,
		run.text.slice(0, 600),
	);
	const reqs = await requestsSince(from);
	check('…and nothing reached the double', reqs.length === 0, showRequests(reqs));
	await screenshot(page, 'error-custom-api-call.png');
	await ndv.getByTestId('ndv-close-button').click();
}

/** @param {Page} page */
async function demoWorkflow(page) {
	step('open the demo workflow `npm start` imports and run it');
	await page.goto(`${env.url}/workflow/${env.workflowId}`);
	const create = page.locator('[data-test-id="canvas-node"][data-node-name="Create customers"]');
	const getMany = page.locator('[data-test-id="canvas-node"][data-node-name="Get many customers"]');
	await create.waitFor();
	await page.getByTestId('execute-workflow-button').click();
	await getMany
		.locator('[data-test-id="canvas-node-status-success"]')
		.waitFor({ timeout: RUN_TIMEOUT });
	check(
		'the demo workflow ran: Create customers → Get many customers',
		await create.locator('[data-test-id="canvas-node-status-success"]').isVisible(),
	);

	const ndv = page.getByTestId('ndv');
	const output = ndv.getByTestId('output-panel');
	await create.dblclick();
	await ndv.waitFor();
	await output
		.getByText(/cus_\w+/)
		.first()
		.waitFor();
	await output
		.getByTestId('radio-button-table')
		.click()
		.catch(() => {});
	const createdIds = customerIds(await output.innerText());
	const state = await doubleState();
	const made = state.customers.filter((c) => createdIds.includes(c.id));
	const emails = made.map((c) => c.params.email).sort();
	check(
		`"Create customers" shows two customer IDs, the double's customers for its two samples (${createdIds.join(', ')})`,
		createdIds.length === 2 &&
			made.length === 2 &&
			JSON.stringify(emails) === JSON.stringify(['ada@example.com', 'grace@example.com']),
		{ createdIds, emails },
	);
	check(
		'…each sent with billing and shipping address from the grouped fields (shipping name = the Name)',
		made.length === 2 &&
			made.every(
				(c) =>
					c.params.address?.country &&
					c.params.shipping?.name === c.params.name &&
					c.params.shipping?.address?.line1,
			),
		made.map((c) => ({ address: c.params.address, shipping: c.params.shipping })),
	);
	await closeToasts(page);
	await screenshot(page, 'output.png');
	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });

	await getMany.dblclick();
	await ndv.waitFor();
	await output
		.getByText(/cus_\w+/)
		.first()
		.waitFor();
	const listed = customerIds(await output.innerText());
	const live = state.customers.filter((c) => !c.deleted && !c.account);
	const newest = live
		.slice()
		.reverse()
		.slice(0, 10)
		.map((c) => c.id);
	check(
		`"Get many customers" lists the double's newest ${newest.length} customers, the two just created among them`,
		JSON.stringify(listed) === JSON.stringify(newest) &&
			createdIds.every((id) => listed.includes(id)),
		{ listed, newest },
	);
	await screenshot(page, 'demo-get-many.png');
	await ndv.getByTestId('ndv-close-button').click();
}

/**
 * The credential's connection test, as a user meets it in the credential modal. n8n 2.41 tests a credential
 * when it is opened and after every save; the modal then shows the banner "Connection tested successfully",
 * or "Couldn’t connect with these settings" with a "More details" link that reveals the test's message.
 * @param {Page} page
 */
async function credentialTests(page) {
	const dialog = page.getByTestId('credential-edit-dialog');
	const success = dialog.getByTestId('credentials-config-container-test-success');
	const failed = dialog.getByText(/Couldn.t connect with these settings/);
	/** Waits for the modal's verdict after a test. @returns {Promise<'success' | 'error'>} */
	const verdict = async () => {
		await success.or(failed).first().waitFor();
		return (await success.isVisible()) ? 'success' : 'error';
	};
	const close = async () => {
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });
	};
	/** The credential-test requests since `from`. @param {number} from */
	const testRequestsSince = async (from) =>
		(await requestsSince(from)).filter((r) => r.method === 'GET');

	// ------------------------------------------------------------------ the demo credential
	step(`open the credential "${env.credentialName}" (Overview → Credentials)`);
	await page.goto(`${env.url}/home/credentials`);
	let from = (await doubleState()).requests.length;
	await page
		.getByTestId('resources-list-item')
		.filter({ hasText: env.credentialName })
		.first()
		.click();
	await dialog.waitFor();
	const shownBaseUrl = await dialog
		.getByTestId('parameter-input-baseUrl')
		.locator('input')
		.first()
		.inputValue();
	check(
		`its API Base URL is the double (${shownBaseUrl})`,
		shownBaseUrl === env.doubleUrl,
		shownBaseUrl,
	);
	const demoVerdict = await verdict();
	const demoText = await dialog.innerText();
	check(
		'n8n tests it on opening: "Connection tested successfully"',
		demoVerdict === 'success' && demoText.includes('Connection tested successfully'),
		demoText.slice(0, 400),
	);
	let reqs = await testRequestsSince(from);
	check(
		'…the test request reached the double: GET /v1/customers?limit=1, no Stripe-Account, 200',
		reqs.length >= 1 &&
			reqs.every(
				(r) =>
					r.path === '/v1/customers' &&
					r.query.limit === '1' &&
					r.account === null &&
					r.status === 200,
			),
		showRequests(reqs),
	);
	await close();

	/**
	 * Create a credential of this package's type the way a user does and save it.
	 * @param {string} name @param {{secretKey: string, baseUrl: string, stripeAccount?: string}} data
	 */
	const createCredential = async (name, data) => {
		await page.getByTestId('add-resource-credential').click();
		const chooser = page.getByTestId('selectCredential-modal');
		await chooser
			.getByTestId('new-credential-type-select')
			.locator('input')
			.fill('Stripe Customer');
		await page
			.getByTestId('new-credential-type-select-option')
			.filter({ hasText: 'Stripe Customer API' })
			.first()
			.click();
		await chooser.getByTestId('new-credential-type-button').click();
		await dialog.waitFor();
		await page.getByTestId('credential-name').click();
		const nameInput = page.getByTestId('credential-name').getByTestId('inline-edit-input');
		await nameInput.fill(name);
		await nameInput.press('Enter');
		await dialog
			.getByTestId('parameter-input-secretKey')
			.locator('input')
			.first()
			.fill(data.secretKey);
		if (data.stripeAccount)
			await dialog
				.getByTestId('parameter-input-stripeAccount')
				.locator('input')
				.first()
				.fill(data.stripeAccount);
		await dialog.getByTestId('parameter-input-baseUrl').locator('input').first().fill(data.baseUrl);
		from = (await doubleState()).requests.length;
		await page.getByTestId('credential-save-button').click();
		const result = await verdict();
		const saved = await page.getByTestId('credential-name').getAttribute('title');
		return { result, saved };
	};

	// ------------------------------------------------------------------ a wrong key
	step(
		`create "Stripe Customer API (wrong key)": key ${WRONG_KEY}, API Base URL ${env.doubleUrl}; save`,
	);
	const wrong = await createCredential('Stripe Customer API (wrong key)', {
		secretKey: WRONG_KEY,
		baseUrl: env.doubleUrl,
	});
	check(
		`saved as "${wrong.saved}"; n8n shows "Couldn’t connect with these settings"`,
		wrong.result === 'error' && wrong.saved === 'Stripe Customer API (wrong key)',
		wrong,
	);
	await dialog.getByText('More details', { exact: true }).click();
	const details = dialog.getByText(RULE_401, { exact: true });
	await details.waitFor().catch(() => {});
	const wrongText = await dialog.innerText();
	check(
		'"More details" shows the credential\'s 401 rule: "Stripe refused the key…"',
		RULE_401.startsWith('Stripe refused the key') && (await details.isVisible()),
		wrongText.slice(0, 600),
	);
	await screenshot(page, 'credential-error.png');
	reqs = await testRequestsSince(from);
	check(
		// n8n sends a request that got a 401 once more (its generic "refresh the credential and retry" path)
		`…the double answered the test request GET /v1/customers?limit=1 with 401 (${reqs.length}×)`,
		reqs.length >= 1 &&
			reqs.every((r) => r.path === '/v1/customers' && r.query.limit === '1' && r.status === 401),
		showRequests(reqs),
	);
	await close();

	// ------------------------------------------------------------------ a base URL with a trailing slash
	step(
		`create "Stripe Customer API (trailing slash)": the demo key, API Base URL ${env.doubleUrl}/, Connected Account ID ${CONNECT_ACCOUNT}; save`,
	);
	const slash = await createCredential('Stripe Customer API (trailing slash)', {
		secretKey: DOUBLE_KEY,
		baseUrl: `${env.doubleUrl}/`,
		stripeAccount: CONNECT_ACCOUNT,
	});
	const slashText = await dialog.innerText();
	check(
		`saved as "${slash.saved}"; n8n shows "Connection tested successfully"`,
		slash.result === 'success' && slashText.includes('Connection tested successfully'),
		{ ...slash, text: slashText.slice(0, 400) },
	);
	reqs = await testRequestsSince(from);
	check(
		`…the double saw GET /v1/customers?limit=1 (no double slash) with Stripe-Account ${CONNECT_ACCOUNT}, 200`,
		reqs.length >= 1 &&
			reqs.every(
				(r) =>
					r.path === '/v1/customers' &&
					r.query.limit === '1' &&
					r.account === CONNECT_ACCOUNT &&
					r.status === 200,
			),
		showRequests(reqs),
	);
	await close();

	// ------------------------------------------------------------------ a publishable key
	step('create "Stripe Customer API (publishable key)": a pk_test_… key; save');
	const publishable = await createCredential('Stripe Customer API (publishable key)', {
		secretKey: 'pk_test_browser123',
		baseUrl: env.doubleUrl,
	});
	const pkNotice = dialog.getByText(
		/^This is a publishable key \(pk_…\): it cannot read or write customers/,
	);
	check(
		'a notice under the key says it is a publishable key and what to use instead',
		publishable.result === 'error' && (await pkNotice.isVisible()),
		(await dialog.innerText()).slice(0, 600),
	);
	await close();

	// ------------------------------------------------------------------ /v1 at the end of the address, as Stripe's docs write it
	step(`create "Stripe Customer API (/v1)": the demo key, API Base URL ${env.doubleUrl}/v1; save`);
	const v1 = await createCredential('Stripe Customer API (/v1)', {
		secretKey: DOUBLE_KEY,
		baseUrl: `${env.doubleUrl}/v1`,
	});
	const v1Text = await dialog.innerText();
	const v1Notice = dialog.getByText(
		"This address ends in /v1, as Stripe's docs write it: the node leaves that out, since each request's path starts with /v1.",
	);
	check(
		'an address ending in /v1 works ("Connection tested successfully"), and a notice says the /v1 is left out',
		v1.result === 'success' && (await v1Notice.isVisible()),
		v1Text.slice(0, 500),
	);
	const baseUrlHint = dialog.getByText(
		/^The server's address, without a path: each request's path \(\/v1\/…\) is added to it\./,
	);
	check(
		"the API Base URL's hint agrees with that notice: the address is given without a path, each request adds its /v1/… path",
		(await baseUrlHint.isVisible()) && !v1Text.includes('+ /v1'),
		v1Text.slice(0, 800),
	);
	reqs = await testRequestsSince(from);
	check(
		'…the double saw GET /v1/customers?limit=1 (not /v1/v1/…), 200',
		reqs.length >= 1 && reqs.every((r) => r.path === '/v1/customers' && r.status === 200),
		showRequests(reqs),
	);
	await close();

	// ------------------------------------------------------------------ nothing listens at the address
	const port = await closedPort();
	step(
		`create "Stripe Customer API (nothing listens)": API Base URL http://127.0.0.1:${port}; save`,
	);
	const refused = await createCredential('Stripe Customer API (nothing listens)', {
		secretKey: DOUBLE_KEY,
		baseUrl: `http://127.0.0.1:${port}`,
	});
	const refusedHint = dialog.getByText(
		/If the test says ECONNREFUSED, nothing accepts connections at this host and port/,
	);
	check(
		"n8n's test fails; the API Base URL's hint, on screen, says what ECONNREFUSED means",
		refused.result === 'error' && (await refusedHint.isVisible()),
		(await dialog.innerText()).slice(0, 600),
	);
	await screenshot(page, 'credential-refused.png');
	await close();
}

/** The labels an "Add …" list of a collection offers (opens and closes it). @param {Page} page @param {Locator} add */
async function addList(page, add) {
	await add.click();
	await dropdownOptions(page).first().waitFor();
	const shown = await optionHeadlines(page);
	await page.keyboard.press('Escape');
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
	return shown;
}

/** An "Add …" list of the open node, by its placeholder. @param {Locator} ndv @param {string} placeholder */
const addButton = (ndv, placeholder) =>
	ndv
		.getByTestId('collection-parameter-add')
		.filter({ has: ndv.page().locator(`input[placeholder="${placeholder}"]`) });

/**
 * A new Create node's options: what the node does (Options) apart from how it talks to Stripe (Request Options);
 * Idempotency Key only once Idempotency is "Custom Key"; the Idempotency choices readable without hovering.
 * @param {Page} page @param {Locator} ndv
 */
async function checkOptions(page, ndv) {
	step('Options and Request Options: open both "Add" lists');
	const options = await addList(page, addButton(ndv, 'Add Option'));
	check(
		'Options offers what the node does: Idempotency, If Email Exists, Return Full Customer',
		JSON.stringify(options) ===
			JSON.stringify(['Idempotency', 'If Email Exists', 'Return Full Customer']),
		options,
	);
	const requestOptions = await addList(page, addButton(ndv, 'Add Request Option'));
	const expectedRequest = [
		'Adapt to Rate Limit',
		'API Version',
		'Max Concurrency',
		'Max Retries',
		'Rate-Limit Wait (Seconds)',
		'Requests Per Second',
		'Timeout (Seconds)',
	];
	check(
		'Request Options offers how fast and how hard it talks to Stripe',
		JSON.stringify(requestOptions) === JSON.stringify(expectedRequest),
		requestOptions,
	);

	step('Options → Idempotency; open its list');
	await choose(page, addButton(ndv, 'Add Option'), 'Idempotency');
	const idempotency = ndv.getByTestId('parameter-input-idempotency');
	await idempotency.waitFor();
	await closeToasts(page);
	await idempotency.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	await idempotency.click();
	await dropdownOptions(page).first().waitFor();
	const choices = await dropdownOptions(page).evaluateAll((els) =>
		els.map((el) => ({
			text: /** @type {HTMLElement} */ (el).innerText,
			cut: [el, ...el.querySelectorAll('*')].some(
				(part) =>
					part.scrollWidth > part.clientWidth + 1 || part.scrollHeight > part.clientHeight + 1,
			),
		})),
	);
	const perInput = choices.find((c) => c.text.startsWith('Per Input'));
	check(
		'each Idempotency choice shows its whole explanation in the list (none cut off), e.g. "Per Input: Same values from this node: one customer for 24 h"',
		choices.length === 3 &&
			choices.every((c) => !c.cut && c.text.includes('\n')) &&
			!!perInput &&
			perInput.text.includes('Same values from this node: one customer for 24 h'),
		choices,
	);
	await screenshot(page, 'options.png');
	await page.keyboard.press('Escape');
	const hint = ndv.getByText(/^Which repeats return the customer already made/);
	check("Idempotency's hint is on screen without hovering", await hint.isVisible());
	check(
		'Idempotency Key is not offered while Idempotency is Per Input',
		!(await addList(page, addButton(ndv, 'Add Option'))).includes('Idempotency Key'),
	);
	await choose(page, idempotency, 'Custom Key');
	check(
		'…and is offered once Idempotency is "Custom Key"',
		(await addList(page, addButton(ndv, 'Add Option'))).includes('Idempotency Key'),
	);
	// back to the default for the run that follows
	await choose(page, idempotency, 'Per Input');
}

/**
 * Pastes nodes into a new workflow; returns a function that opens one of them.
 * @param {Page} page @param {{nodes: any[], connections: any}} workflow
 */
async function pasteWorkflow(page, workflow) {
	await page.goto(`${env.url}/workflow/new`);
	const canvas = page.getByTestId('canvas-wrapper');
	await canvas.waitFor();
	await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(workflow));
	await canvas.click({ position: { x: 300, y: 300 } });
	await page.keyboard.press('Control+V');
	const ndv = page.getByTestId('ndv');
	for (const node of workflow.nodes)
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${node.name}"]`).waitFor();
	return {
		canvasNode: (/** @type {string} */ name) =>
			page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`),
		open: async (/** @type {string} */ name) => {
			if (await ndv.isVisible()) {
				await ndv.getByTestId('ndv-close-button').click();
				await ndv.waitFor({ state: 'hidden' });
			}
			await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
			await ndv.waitFor();
			return ndv;
		},
	};
}

const CREDENTIAL = () => ({
	stripeCustomerApi: { id: 'demoStripeCustCred', name: env.credentialName },
});
/** @param {string} name @param {number} typeVersion @param {Record<string, unknown>} parameters @param {number} x */
const stripeNode = (
	name,
	typeVersion,
	parameters,
	x,
	type = 'n8n-nodes-stripe-customer.stripeCustomer',
) => ({
	id: `c0000000-0000-4000-8000-00000000000${x}`,
	name,
	type,
	typeVersion,
	position: [x * 220, 0],
	parameters,
	credentials: CREDENTIAL(),
});

/** Clear Fields as the README lists them (Update; Create or Update without Email). */
const CLEARABLE = [
	'Name',
	'Email',
	'Phone',
	'Description',
	'Billing Address',
	'Shipping',
	'Business Name',
	'Individual Name',
	'Preferred Locales',
	'Default Payment Method',
	'Invoice Custom Fields',
	'Invoice Footer',
	'Tax IP Address',
];

/**
 * The open node's Clear Fields: the values its list offers (pictured in `picture` when given), and where it sits
 * among the fields around it (the panel's labels from Additional Fields to Options).
 * @param {Page} page @param {Locator} ndv @param {string} [picture]
 */
async function clearingFields(page, ndv, picture) {
	const labels = await ndv
		.getByTestId('parameter-item')
		.evaluateAll((els) =>
			els.map((el) =>
				/** @type {HTMLElement} */ (
					el.querySelector('[data-test-id="input-label"]') || el
				).innerText
					.split('\n')[0]
					.trim(),
			),
		);
	const order = labels.slice(labels.indexOf('Additional Fields'), labels.indexOf('Options') + 1);
	const select = ndv.getByTestId('parameter-input-clearFields');
	await select.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	await select.click();
	await dropdownOptions(page).first().waitFor();
	const offered = await optionHeadlines(page);
	if (picture) await screenshot(page, picture);
	await page.keyboard.press('Escape');
	await dropdownOptions(page)
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => {});
	return { offered, order };
}

/**
 * Each operation's fields and texts as the editor shows them, on pasted nodes: the subtitle, the upsert wording and
 * its required Email, Test Clock on Create only, Get Many's email hint, a saved version 1.1 node's options.
 * @param {Page} page
 */
async function editorPromises(page) {
	step(
		'new workflow; paste Create, Create or Update, Update and Get Many (version 1.3, as a new node) and a Create saved with version 1.1',
	);
	const saved = { concurrency: 3, idempotencyKey: 'order-1' };
	const workflow = {
		nodes: [
			stripeNode('Create', 1.3, { operation: 'create' }, 1),
			stripeNode('Upsert', 1.3, { operation: 'upsert' }, 2),
			stripeNode('Update', 1.3, { operation: 'update' }, 3),
			stripeNode('List', 1.3, { operation: 'getMany', filters: { email: '' } }, 4),
			stripeNode(
				'Saved 1.1',
				1.1,
				{ operation: 'create', email: 'x@example.com', options: saved },
				5,
			),
		],
		connections: {},
	};
	const { canvasNode, open } = await pasteWorkflow(page, workflow);
	const subtitle = await canvasNode('Upsert').innerText();
	check(
		'the canvas names the operation: "Create or Update: Customer"',
		subtitle.includes('Create or Update: Customer') && !subtitle.includes('upsert'),
		subtitle,
	);
	const issues = async (/** @type {string} */ name) =>
		canvasNode(name).getByTestId('node-issues').count();
	check(
		'Create or Update with no Email is marked as missing a required field on the canvas; Create is not',
		(await issues('Upsert')) === 1 && (await issues('Create')) === 0,
		{ upsert: await issues('Upsert'), create: await issues('Create') },
	);

	let ndv = await open('Upsert');
	const emailIssue = ndv
		.getByTestId('parameter-item')
		.filter({ has: page.getByTestId('parameter-input-email') })
		.getByTestId('parameter-issues');
	check('…and its Email field shows the issue', (await emailIssue.count()) === 1);
	await ndv.getByTestId('parameter-input-operation').click();
	await dropdownOptions(page).first().waitFor();
	const upsertText = (
		await dropdownOptions(page).filter({ hasText: 'Create or Update' }).first().innerText()
	)
		.split('\n')
		.slice(1)
		.join(' ');
	await page.keyboard.press('Escape');
	check(
		'the Operation list says how Create or Update matches: "…unless one has this exact email (in any case)…"',
		upsertText.includes('this exact email (in any case)'),
		upsertText,
	);
	check(
		'Create or Update offers no Test Clock',
		!(await addList(page, addButton(ndv, 'Add Field'))).includes('Test Clock'),
	);
	const upsertClearing = await clearingFields(page, ndv);
	check(
		`Create or Update's Clear Fields offers the same values without Email (which finds the customer): ${CLEARABLE.filter((v) => v !== 'Email').join(', ')}`,
		JSON.stringify(upsertClearing.offered) ===
			JSON.stringify(CLEARABLE.filter((v) => v !== 'Email').sort()),
		upsertClearing.offered,
	);

	ndv = await open('Update');
	check(
		'Update offers no Test Clock (an error on update)',
		!(await addList(page, addButton(ndv, 'Add Field'))).includes('Test Clock'),
	);
	const updateClearing = await clearingFields(page, ndv, 'clear-fields.png');
	check(
		`Update's Clear Fields offers the values that can be removed: ${CLEARABLE.join(', ')}`,
		JSON.stringify(updateClearing.offered) === JSON.stringify([...CLEARABLE].sort()),
		updateClearing.offered,
	);
	check(
		'Clear Fields and Metadata Keys to Remove come below the others, after Additional Fields, before Options',
		updateClearing.order.join(' → ') ===
			'Additional Fields → Clear Fields → Metadata Keys to Remove → Options',
		updateClearing.order,
	);
	ndv = await open('Create');
	check(
		'Create offers Test Clock',
		(await addList(page, addButton(ndv, 'Add Field'))).includes('Test Clock'),
	);

	ndv = await open('List');
	const emailHint = ndv.getByText(/Exact and case-sensitive at Stripe.*Always Output Data/);
	await emailHint.waitFor().catch(() => {});
	check(
		"Get Many's Email filter says, on screen, that it is exact and case-sensitive and how to go on when nothing matches",
		await emailHint.isVisible(),
		(await ndv.innerText()).slice(0, 800),
	);
	await screenshot(page, 'get-many-email-hint.png');

	ndv = await open('Saved 1.1');
	const savedOptions = ndv
		.getByTestId('parameter-item')
		.filter({ has: page.getByTestId('parameter-input-concurrency') });
	const concurrency = await ndv
		.getByTestId('parameter-input-concurrency')
		.locator('input')
		.first()
		.inputValue()
		.catch(() => '');
	const key = await ndv
		.getByTestId('parameter-input-idempotencyKey')
		.locator('input')
		.first()
		.inputValue()
		.catch(() => '');
	check(
		'a node saved with version 1.1 keeps its saved options in its one Options collection (Max Concurrency 3, Idempotency Key order-1)',
		(await savedOptions.count()) > 0 &&
			concurrency === '3' &&
			key === 'order-1' &&
			(await addButton(ndv, 'Add Request Option').count()) === 0,
		{ concurrency, key },
	);
	await ndv.getByTestId('ndv-close-button').click();
}

/**
 * Create or Update added from the nodes panel, its Email left empty: what n8n marks, and that n8n does not run it.
 * @param {Page} page
 */
async function upsertWithoutEmail(page) {
	step('new workflow: a Manual Trigger, then "Create or update a customer" from the nodes panel');
	await page.goto(`${env.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('Manual Trigger');
	await page
		.getByTestId('node-creator-item-name')
		.getByText('Manual Trigger', { exact: true })
		.click();
	// the trigger stays selected, so n8n connects the next node to it
	await page.getByTestId('node-creator-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('stripe customer');
	await page
		.getByTestId('node-creator-item-name')
		.getByText('Stripe Customer', { exact: true })
		.click();
	await page
		.getByTestId('node-creator')
		.getByText('Create or update a customer', { exact: true })
		.first()
		.click();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor();
	const email = field(ndv, 'email');
	await email.waitFor();
	const emailMarks = () =>
		ndv
			.getByTestId('parameter-item')
			.filter({ has: page.getByTestId('parameter-input-email') })
			.getByTestId('parameter-issues')
			.count();
	check(
		'its panel opens with Email empty and not marked yet',
		(await email.inputValue()) === '' && (await emailMarks()) === 0,
		{ email: await email.inputValue(), marks: await emailMarks() },
	);
	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
	const node = page.locator(
		'[data-test-id="canvas-node"][data-node-name="Create or update a customer"]',
	);
	check(
		'the canvas marks the node at once',
		(await node.getByTestId('node-issues').count()) === 1,
		await node.innerText(),
	);

	step('open it, click into Email and leave it for Name');
	await node.dblclick();
	await ndv.waitFor();
	await email.click();
	await field(ndv, 'name').click();
	await until(async () => (await emailMarks()) === 1, 5000);
	check('…then the panel marks Email', (await emailMarks()) === 1);

	step('run it ("Execute step")');
	const from = (await doubleState()).requests.length;
	await ndv.getByTestId('node-execute-button').click();
	const refused = page
		.locator('.el-notification:visible')
		.filter({ hasText: 'Workflow execution cannot start' });
	await refused
		.first()
		.waitFor()
		.catch(() => {});
	const said = (await refused.allInnerTexts()).join('\n').replace(/\s+/g, ' ').trim();
	check(
		`n8n does not run it: "${MESSAGES.emailRequired}"`,
		said === MESSAGES.emailRequired,
		said || (await page.locator('.el-notification:visible').allInnerTexts()),
	);
	await screenshot(page, 'upsert-email-required.png');
	const reqs = await requestsSince(from);
	check('…and nothing reached the double', reqs.length === 0, showRequests(reqs));
	await closeToasts(page);
	await ndv.getByTestId('ndv-close-button').click();
}

/**
 * The node added to an AI Agent's Tool input, as a user adds it: its name and version, what the model is told, and
 * which fields it may fill.
 * @param {Page} page
 */
async function aiTool(page) {
	step('new workflow; nodes panel: add an AI Agent');
	await page.goto(`${env.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('AI Agent');
	await page
		.getByTestId('node-creator-item-name')
		.getByText('AI Agent', { exact: true })
		.first()
		.click();
	const ndv = page.getByTestId('ndv');
	const agent = page.locator('[data-test-id="canvas-node"][data-node-name="AI Agent"]');
	await agent.waitFor();
	// n8n opens the agent's panel: close it to reach the canvas.
	await ndv.waitFor({ timeout: 5000 }).catch(() => {});
	if (await ndv.isVisible()) await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });

	step('the agent\'s Tool input: "+", type "Stripe Customer", pick "Stripe Customer Tool"');
	await page
		.locator(
			'[data-test-id="canvas-node-input-handle"][data-node-name="AI Agent"][data-connection-type="ai_tool"]',
		)
		.getByTestId('canvas-handle-plus')
		.click();
	await page.getByTestId('node-creator-search-bar').pressSequentially('Stripe Customer', {
		delay: 10,
	});
	await page
		.getByTestId('node-creator-item-name')
		.getByText('Stripe Customer Tool', { exact: true })
		.click();
	await ndv.waitFor();
	const names = await page
		.getByTestId('canvas-node')
		.evaluateAll((els) => els.map((el) => el.getAttribute('data-node-name') || ''));
	const toolName = names.find((name) => name.includes('Stripe Customer')) || '';
	const attached = page.locator(
		`[data-test-id="edge"][data-source-node-name="${toolName}"][data-target-node-name="AI Agent"]`,
	);
	check(
		`n8n names the tool after its operation and the app, "${TOOL_NAME}", attached to the agent's Tool input`,
		toolName === TOOL_NAME && (await attached.count()) === 1,
		names,
	);
	const version = ((await ndv.getByTestId('node-version').textContent()) || '')
		.replace(/\s+/g, ' ')
		.trim();
	check(`the tool is version 1.3 ("${version}")`, /version 1\.3\b/.test(version), version);
	const credential = ndv.getByTestId('node-credentials-select');
	const credentialShown = async () =>
		(await credential
			.locator('input')
			.first()
			.inputValue()
			.catch(() => '')) || (await credential.innerText());
	// n8n picks the newest credential of the type; other sections (run alone) may have added some
	if (!(await credentialShown()).includes(env.credentialName)) {
		await credential.click();
		await page.getByRole('option', { name: env.credentialName }).first().click();
	}
	check(
		`credential "${env.credentialName}" selected`,
		(await credentialShown()).includes(env.credentialName),
		await credentialShown(),
	);
	await ndv.getByTestId('fixed-collection-address').getByTestId('fixed-collection-add').click();
	await ndv
		.getByTestId('fixed-collection-address')
		.getByTestId('parameter-input-country')
		.waitFor();
	const fields = await ndv.getByTestId('parameter-item').evaluateAll((els) =>
		els.map((el) => ({
			label: /** @type {HTMLElement} */ (
				el.querySelector('[data-test-id="input-label"]') || el
			).innerText
				.split('\n')[0]
				.trim(),
			model: !!el.querySelector('[data-test-id="from-ai-override-button"]'),
		})),
	);
	const labels = fields.map((f) => f.label);
	check(
		'one field labelled "Description" at most: the customer\'s is "Customer Description"',
		labels.filter((l) => l === 'Description').length === 0 &&
			labels.includes('Customer Description'),
		labels,
	);
	const told = await ndv
		.getByTestId('parameter-input-toolDescription')
		.locator('textarea, input')
		.first()
		.inputValue();
	check(
		'the tool tells the model what Create does and what the inputs mean',
		/^Creates one Stripe customer from the fields given .* returns its ID as customerId/.test(told),
		told,
	);
	const modelFills = [
		'Name',
		'Email',
		'Phone',
		'Customer Description',
		'Address Line 1',
		'City',
		'Country',
	];
	const without = modelFills.filter((label) => !fields.some((f) => f.label === label && f.model));
	check(`"let the model define this" on ${modelFills.join(', ')}`, without.length === 0, {
		without,
		fields,
	});
	const country = ndv
		.getByTestId('fixed-collection-address')
		.getByTestId('parameter-input-country');
	check(
		"Country is a text here (the model gives a code or a name), not the people's list",
		(await country.locator('.el-select').count()) === 0 &&
			(await country.locator('input[type="text"]').count()) === 1,
		await country.innerHTML(),
	);
	await closeToasts(page);
	await scrollToTop(credential);
	await screenshot(page, 'ai-tool.png');

	step('Operation → Get');
	await choose(page, ndv.getByTestId('parameter-input-operation'), 'Get');
	const renamed = page.locator(
		`[data-test-id="canvas-node"][data-node-name="${TOOL_NAME.replace('Create', 'Get')}"]`,
	);
	await renamed.waitFor({ state: 'attached', timeout: 5000 }).catch(() => {});
	check(
		`…n8n renames it "${TOOL_NAME.replace('Create', 'Get')}"`,
		(await renamed.count()) === 1,
		await page
			.getByTestId('canvas-node')
			.evaluateAll((els) => els.map((el) => el.getAttribute('data-node-name'))),
	);
	await ndv.getByTestId('ndv-close-button').click();
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
