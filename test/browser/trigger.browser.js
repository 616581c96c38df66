#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Browser test: a user adds the Stripe Customer Trigger in the real n8n editor (Chromium) and listens for a test event.
 *  - finds it by typing "stripe customer" in the nodes panel: n8n lists its events as triggers ("On customer
 *    created"…); choosing one puts the trigger on the canvas with that event;
 *  - adds an event by name in its events picker ("Tax ID Created", found by typing "tax");
 *  - listens for a test event ("Execute step" on a trigger in n8n 2.x): a temporary endpoint appears at the Stripe double for n8n's test URL, with
 *    exactly the chosen events;
 *  - a customer is created at the double: the double delivers the signed event to n8n, the editor shows the item
 *    (customer ID, event type), and the temporary endpoint is gone afterwards.
 * Started by scripts/n8n/test-browser.sh after editor.browser.js (same n8n, same double; N8N_READY_FILE).
 * Screenshots: test-results/browser/trigger-*.png; trigger-panel.png goes to SCREENSHOT_DIR when set (the README's).
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 */

const {
	readyEnv,
	until,
	createReport,
	screenshotter,
	launchChromium,
	signIn,
	recordFailure,
} = require('./browserSupport');

const env = readyEnv('trigger.browser.js');
const report = createReport();
const { check, step } = report;
const screenshot = screenshotter(report, ['trigger-panel.png']);
// The only key the double accepts: the one start.sh gives it and puts in the demo credential.
const DOUBLE_KEY = 'sk_test_local_double_demo';
const NODE_NAME = 'Stripe Customer Trigger';
/** n8n lists a trigger's events as its triggers ("On …") in the nodes panel; choosing one sets that event. */
const FIRST_TRIGGER = 'On customer created';
const ADDED_EVENT = { typed: 'tax', name: 'Tax ID Created', type: 'customer.tax_id.created' };

/** @typedef {import('playwright-core').Page} Page */

/** The double's live webhook endpoints (with their secrets and URLs). @returns {Promise<any[]>} */
async function liveEndpoints() {
	const view = /** @type {any} */ (await (await fetch(`${env.doubleUrl}/_double/webhooks`)).json());
	return view.endpoints.filter((/** @type {any} */ w) => !w.deleted);
}

/** Creates a customer at the double, as anything else writing to Stripe would. @param {string} name */
async function createCustomerAtStripe(name) {
	const res = await fetch(`${env.doubleUrl}/v1/customers`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${DOUBLE_KEY}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ name }).toString(),
	});
	return /** @type {any} */ (await res.json());
}

/** @param {Page} page */
async function triggerFlow(page) {
	step('new workflow; nodes panel: type "stripe customer", open it');
	await page.goto(`${env.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page
		.getByTestId('node-creator-search-bar')
		.pressSequentially('stripe customer', { delay: 10 });
	const listed = page.getByTestId('node-creator-item-name');
	await listed.getByText('Stripe Customer', { exact: true }).click();
	const creator = page.getByTestId('node-creator');
	await creator.getByText(FIRST_TRIGGER, { exact: true }).waitFor();
	const panel = await creator.innerText();
	const triggers = panel
		.slice(panel.indexOf('Triggers ('), panel.indexOf('Actions ('))
		.split('\n')
		.slice(1)
		.map((t) => t.trim())
		.filter(Boolean);
	check(
		`its triggers are the events, by name: ${triggers.length}, "${triggers[0]}" first`,
		triggers.length === 23 &&
			triggers[0] === 'On any customer event' &&
			triggers.includes(FIRST_TRIGGER) &&
			triggers.includes('On tax id created'),
		triggers,
	);
	await screenshot(page, 'trigger-nodes-panel.png');
	step(`click "${FIRST_TRIGGER}"`);
	await creator.getByText(FIRST_TRIGGER, { exact: true }).click();
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"]`);
	await node.waitFor().catch(() => {});
	check('the trigger is on the canvas', await node.isVisible());

	const ndv = page.getByTestId('ndv');
	if (!(await ndv.isVisible())) await node.dblclick();
	await ndv.waitFor();
	const credSelect = ndv.getByTestId('node-credentials-select');
	await credSelect.waitFor();
	const credValue = async () =>
		(await credSelect
			.locator('input')
			.first()
			.inputValue()
			.catch(() => '')) || (await credSelect.innerText());
	if (!(await credValue()).includes(env.credentialName)) {
		await credSelect.click();
		await page.getByRole('option', { name: env.credentialName }).first().click();
	}
	check(
		`credential "${env.credentialName}" selected`,
		(await credValue()).includes(env.credentialName),
		await credValue(),
	);
	// The credential list closes with a transition; until it is gone its entries are visible options too.
	await page
		.locator('.el-select-dropdown__item:visible', { hasText: 'Stripe Customer API' })
		.first()
		.waitFor({ state: 'hidden' });

	step(`events picker: type "${ADDED_EVENT.typed}" and pick "${ADDED_EVENT.name}"`);
	const events = ndv.getByTestId('parameter-input-events');
	const chips = async () =>
		(await events.locator('.el-select__tags-text').allInnerTexts())
			.map((t) => t.trim())
			.filter(Boolean);
	check(
		`"${FIRST_TRIGGER}" set the event Customer Created`,
		JSON.stringify(await chips()) === JSON.stringify(['Customer Created']),
		await chips(),
	);
	await events.click();
	const options = page
		.locator('.el-select-dropdown__item:visible')
		.filter({ hasNotText: 'Stripe Customer API' });
	await options.first().waitFor();
	const offered = (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	check(
		'the picker offers the two groups first, then the events by name',
		offered[0] === 'Any Customer Event' &&
			offered[1] === 'Any Subscription Event' &&
			offered[2] === 'Customer Created',
		offered.slice(0, 6),
	);
	await page.keyboard.type(ADDED_EVENT.typed, { delay: 20 });
	const filtered = await until(async () => {
		const shown = (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim());
		return shown.length && shown.every((t) => /tax/i.test(t)) ? shown : undefined;
	}, 5000);
	check(
		`typing "${ADDED_EVENT.typed}" leaves the tax ID events`,
		JSON.stringify(filtered) ===
			JSON.stringify(['Tax ID Created', 'Tax ID Deleted', 'Tax ID Updated']),
		filtered,
	);
	await options
		.filter({ has: page.getByText(ADDED_EVENT.name, { exact: true }) })
		.first()
		.click();
	await page.keyboard.press('Escape');
	check(
		`"${ADDED_EVENT.name}" added to the chosen events`,
		JSON.stringify(await chips()) === JSON.stringify(['Customer Created', ADDED_EVENT.name]),
		await chips(),
	);

	step('Listen for test event ("Execute step" on a trigger)');
	const endpointsBefore = (await liveEndpoints()).length;
	await ndv.getByTestId('node-execute-button').first().click();
	const testEndpoint = await until(
		async () => (await liveEndpoints()).find((w) => w.endpoint.url.includes('/webhook-test/')),
		15_000,
	);
	check(
		'a temporary endpoint for the test URL appears at Stripe',
		!!testEndpoint,
		await liveEndpoints(),
	);
	check(
		'with exactly the chosen events',
		JSON.stringify(testEndpoint?.endpoint.enabled_events) ===
			JSON.stringify(['customer.created', ADDED_EVENT.type]),
		testEndpoint?.endpoint.enabled_events,
	);
	await screenshot(page, 'trigger-listening.png');

	step('a customer is created at Stripe; the double delivers the signed event to the test URL');
	const customer = await createCustomerAtStripe('Browser Trigger Customer');
	const output = ndv.getByTestId('output-panel');
	await output
		.getByText(customer.id)
		.first()
		.waitFor({ timeout: 20_000 })
		.catch(() => {});
	const text = await output.innerText();
	check(
		`the editor shows the event's item (${customer.id}, customer.created)`,
		text.includes(customer.id) && text.includes('customer.created'),
		text.slice(0, 800),
	);
	// The picture: the item as JSON, without n8n's notifications over it.
	await output
		.getByText('JSON', { exact: true })
		.first()
		.click()
		.catch(() => {});
	const closeToast = page.locator('.el-notification__closeBtn:visible');
	for (let i = (await closeToast.count()) - 1; i >= 0; i--)
		await closeToast
			.nth(i)
			.click()
			.catch(() => {});
	await screenshot(page, 'trigger-panel.png');
	const gone = await until(async () => (await liveEndpoints()).length === endpointsBefore, 15_000);
	check(
		'after the test event the temporary endpoint is removed',
		gone === true,
		await liveEndpoints(),
	);
}

async function main() {
	const browser = await launchChromium();
	const page = await (
		await browser.newContext({ viewport: { width: 1440, height: 900 } })
	).newPage();
	page.setDefaultTimeout(30_000);
	try {
		await signIn(page, env, report);
		await triggerFlow(page);
	} catch (error) {
		await recordFailure(report, page, 'the flow completed', 'failure-trigger', error);
	} finally {
		await browser.close();
		report.finish('trigger browser test');
	}
}

main();
