#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Browser test: a user builds "Manual Trigger → Stripe Customer" in the real n8n editor and runs it.
 * Started by scripts/n8n/test-browser.sh, which starts n8n + the Stripe double (scripts/n8n/start.sh)
 * and passes N8N_READY_FILE (JSON: url, email, password, doubleUrl, credentialName).
 *
 * Drives Debian's Chromium (/usr/bin/chromium) with playwright-core; never downloads a browser.
 * Screenshots: test-results/browser/node-panel.png and output.png (SCREENSHOT_DIR overrides); on failure, failure-*.png in
 * $BROWSER_ARTIFACTS (default: a temp folder, printed).
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, selectors } = require('playwright-core');

const READY_FILE = process.env.N8N_READY_FILE;
if (!READY_FILE || !fs.existsSync(READY_FILE)) {
  console.error('editor.test.js: N8N_READY_FILE is missing (run it through scripts/n8n/test-browser.sh)');
  process.exit(2);
}
/** @type {{url: string, email: string, password: string, doubleUrl: string, credentialName: string, workflowId: string}} */
const env = JSON.parse(fs.readFileSync(READY_FILE, 'utf8'));
// Screenshots go to a git-ignored folder; docs/images/ holds the copies the README shows (SCREENSHOT_DIR=docs/images to refresh them).
const SHOTS = path.resolve(process.env.SCREENSHOT_DIR || path.join(__dirname, '..', '..', 'test-results', 'browser'));
const ARTIFACTS = process.env.BROWSER_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-browser-'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const STEP_TIMEOUT = 30_000;

const CUSTOMER = { name: 'Browser Test Customer', email: 'ada.browser@example.com' };
const SHIPPING = { line1: '1 Canvas Way', city: 'Berlin', country: 'DE' };

/** @type {{name: string, ok: boolean, detail?: string}[]} */
const results = [];
/** @param {string} name @param {boolean} ok @param {unknown} [detail] */
function check(name, ok, detail) {
  const d = ok || detail === undefined ? undefined : typeof detail === 'string' ? detail : JSON.stringify(detail);
  results.push({ name, ok, detail: d });
  console.log(`${ok ? '  ✔' : '  ✘'} ${name}${d ? `\n      ${d.slice(0, 1500)}` : ''}`);
}
/** @param {string} msg */
const step = (msg) => console.log(`- ${msg}`);
/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A real mouse drag in small steps, the way a person moves the pointer.
 * @param {import('playwright-core').Page} page
 * @param {{x: number, y: number}} from
 * @param {{x: number, y: number}} to
 */
async function mouseDrag(page, from, to, steps = 25) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await sleep(15);
  }
  await page.mouse.up();
}

/** @param {import('playwright-core').Locator} locator */
async function center(locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`no bounding box for ${locator}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function main() {
  const t0 = Date.now();
  selectors.setTestIdAttribute('data-test-id'); // n8n's attribute for test IDs
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  let how = { add: '', connect: '' };
  try {
    // ------------------------------------------------------------------ sign in
    step(`sign in at ${env.url} as ${env.email}`);
    await page.goto(`${env.url}/signin`);
    await page.locator('input[name=emailOrLdapLoginId]').fill(env.email);
    await page.locator('input[name=password]').fill(env.password);
    await page.getByTestId('form-submit-button').click();
    await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
    check('signed in', true);

    // ------------------------------------------------------------------ new workflow + Manual Trigger
    step('new workflow, add a Manual Trigger');
    await page.goto(`${env.url}/workflow/new`);
    await page.getByTestId('canvas-plus-button').click();
    await page.getByTestId('node-creator-search-bar').fill('Manual Trigger');
    await page.getByTestId('node-creator-item-name').getByText('Manual Trigger', { exact: true }).click();
    const trigger = page.getByTestId('canvas-node').first();
    await trigger.waitFor();
    const triggerName = /** @type {string} */ (await trigger.getAttribute('data-node-name'));
    check(`Manual Trigger on the canvas ("${triggerName}")`, !!triggerName);
    // Deselect it: with a node selected, n8n connects a dropped node to it by itself; the user connects it here.
    await page.keyboard.press('Escape');
    const pane = page.getByTestId('canvas-wrapper');
    const paneBox = await pane.boundingBox();
    if (!paneBox) throw new Error('no canvas');
    await page.mouse.click(paneBox.x + 40, paneBox.y + paneBox.height - 140);

    // ------------------------------------------------------------------ nodes panel: search + drag
    step('open the nodes panel, search "Stripe Customer"');
    await page.getByTestId('node-creator-plus-button').click();
    await page.getByTestId('node-creator-search-bar').fill('Stripe Customer');
    const item = page.getByTestId('node-creator-item-name').getByText('Stripe Customer', { exact: true });
    await item.waitFor();
    check('the community node is listed in the nodes panel', true);
    // A node with actions opens its actions list; n8n 2.x makes the action rows draggable.
    await item.click();
    const action = page.getByTestId('node-creator').locator('[draggable]').filter({ hasText: 'Create a customer' }).first();
    await action.waitFor();
    await sleep(600); // let the actions list finish sliding in
    const tBox = await trigger.boundingBox();
    const panelBox = await page.getByTestId('node-creator').boundingBox();
    if (!tBox || !panelBox) throw new Error('trigger or nodes panel has no box');
    // to the right of the trigger, on the visible part of the canvas (the panel covers the right side)
    const dropAt = { x: Math.min(tBox.x + tBox.width + 220, panelBox.x - 80), y: tBox.y + tBox.height / 2 + 120 };
    step('drag "Create a customer" from the panel onto the canvas (mouse down, move, up)');
    await mouseDrag(page, await center(action), dropAt);
    const stripeNode = page.locator('[data-test-id="canvas-node"][data-node-name="Stripe Customer"]');
    try {
      await stripeNode.waitFor({ timeout: 5000 });
      how.add = 'mouse drag from the nodes panel';
    } catch {
      step('the drag added nothing: falling back to clicking the action');
      if (!(await page.getByTestId('node-creator').isVisible())) {
        await page.getByTestId('node-creator-plus-button').click();
        await page.getByTestId('node-creator-search-bar').fill('Stripe Customer');
        await page.getByTestId('node-creator-item-name').getByText('Stripe Customer', { exact: true }).click();
      }
      await action.click();
      await stripeNode.waitFor();
      how.add = 'click in the nodes panel (drag fallback)';
    }
    check(`Stripe Customer node added by ${how.add}`, true);
    // n8n opens the new node's panel: close it to reach the canvas.
    if (await page.getByTestId('ndv').isVisible()) await page.getByTestId('ndv-close-button').click();
    await page.getByTestId('ndv').waitFor({ state: 'hidden' });

    // ------------------------------------------------------------------ connect
    const edge = page.locator(`[data-test-id="edge"][data-source-node-name="${triggerName}"][data-target-node-name="Stripe Customer"]`);
    if ((await edge.count()) === 0) {
      step('connect: drag from the trigger\'s output handle to the Stripe Customer\'s input handle');
      const out = page.locator(`[data-test-id="canvas-node-output-handle"][data-node-name="${triggerName}"]`).first();
      const inp = page.locator('[data-test-id="canvas-node-input-handle"][data-node-name="Stripe Customer"]').first();
      await mouseDrag(page, await center(out.locator('.vue-flow__handle').first().or(out).first()), await center(inp.locator('.vue-flow__handle').first().or(inp).first()));
      how.connect = 'mouse drag between the handles';
    } else {
      how.connect = 'n8n connected it on drop';
    }
    await edge.waitFor({ timeout: 5000 }).catch(() => {});
    check(`Manual Trigger → Stripe Customer connected (${how.connect})`, (await edge.count()) === 1);

    // ------------------------------------------------------------------ node panel
    step('open the node, pick the credential, fill Name and Email, add Shipping fields');
    await stripeNode.dblclick();
    const ndv = page.getByTestId('ndv');
    await ndv.waitFor();
    const credSelect = ndv.getByTestId('node-credentials-select');
    await credSelect.waitFor();
    const credInput = credSelect.locator('input').first();
    let credValue = (await credInput.inputValue().catch(() => '')) || (await credSelect.innerText());
    if (!credValue.includes(env.credentialName)) {
      await credSelect.click();
      await page.getByRole('option', { name: env.credentialName }).first().click();
      credValue = (await credInput.inputValue().catch(() => '')) || (await credSelect.innerText());
    }
    check(`credential "${env.credentialName}" selected`, credValue.includes(env.credentialName), credValue);

    await ndv.getByTestId('parameter-input-name').locator('input, textarea').first().fill(CUSTOMER.name);
    await ndv.getByTestId('parameter-input-email').locator('input, textarea').first().fill(CUSTOMER.email);
    await ndv.getByTestId('parameter-input-email').locator('input, textarea').first().evaluate((el) => /** @type {HTMLElement} */ (el).blur());

    const shippingAdd = ndv.getByTestId('collection-parameter-add').filter({ has: page.locator('input[placeholder="Add Shipping Field"]') });
    /** @type {string[]} */
    const shippingOptions = [];
    for (const [label, name, value] of [['Address Line 1', 'line1', SHIPPING.line1], ['City', 'city', SHIPPING.city], ['Country', 'country', SHIPPING.country]]) {
      await shippingAdd.click();
      const options = page.locator('.el-select-dropdown__item:visible');
      await options.first().waitFor();
      if (!shippingOptions.length) shippingOptions.push(...(await options.allInnerTexts()).map((t) => t.trim()).filter(Boolean));
      await options.filter({ hasText: new RegExp(`^${label}$`) }).first().click();
      const input = ndv.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
      await input.fill(value);
      await input.evaluate((el) => /** @type {HTMLElement} */ (el).blur()); // its "Tip" popup would cover the next button
    }
    const expected = ['Recipient Name', 'Recipient Phone', 'Address Line 1', 'Address Line 2', 'City', 'State', 'ZIP / Postal Code', 'Country'];
    check('Shipping offers its address fields', expected.every((f) => shippingOptions.includes(f)), shippingOptions);
    const shippingText = await ndv.getByTestId('node-parameters').innerText();
    check('the added Shipping fields show in the panel', ['Address Line 1', 'City', 'Country'].every((f) => shippingText.includes(f)), shippingText.slice(0, 600));
    await page.mouse.move(5, 5);
    await sleep(300);
    await page.screenshot({ path: path.join(SHOTS, 'node-panel.png') });
    step(`screenshot ${path.relative(process.cwd(), path.join(SHOTS, 'node-panel.png'))}`);
    await ndv.getByTestId('ndv-close-button').click();
    await ndv.waitFor({ state: 'hidden' });

    // ------------------------------------------------------------------ run
    step('run the workflow from the editor ("Execute workflow")');
    await page.getByTestId('execute-workflow-button').click();
    const success = page.locator('[data-test-id="canvas-node"][data-node-name="Stripe Customer"] [data-test-id="canvas-node-status-success"]');
    await success.waitFor({ timeout: 60_000 });
    check('the Stripe Customer node ran successfully', true);

    step('open the node and read the output panel');
    await stripeNode.dblclick();
    await ndv.waitFor();
    const output = ndv.getByTestId('output-panel');
    await output.getByText(/cus_\w+/).first().waitFor();
    const outText = await output.innerText();
    const customerId = (outText.match(/cus_\w+/) || [])[0];
    check(`output panel shows a customerId (${customerId})`, !!customerId, outText.slice(0, 600));
    await page.mouse.move(5, 5);
    await sleep(300);
    await page.screenshot({ path: path.join(SHOTS, 'output.png') });
    step(`screenshot ${path.relative(process.cwd(), path.join(SHOTS, 'output.png'))}`);

    // ------------------------------------------------------------------ what the double received
    const state = await (await fetch(`${env.doubleUrl}/_double/state`)).json();
    /** @type {any} */
    const created = state.customers.find((/** @type {any} */ c) => c.id === customerId);
    check('the double holds that customer', !!created, state.customers.map((/** @type {any} */ c) => c.id));
    if (created) {
      check('…with the Name and Email typed in the editor', created.params.name === CUSTOMER.name && created.params.email === CUSTOMER.email, created.params);
      const ship = created.params.shipping;
      check(
        '…and the Shipping fields (recipient name defaults to the Name)',
        ship?.name === CUSTOMER.name && ship?.address?.line1 === SHIPPING.line1 && ship?.address?.city === SHIPPING.city && ship?.address?.country === SHIPPING.country,
        ship,
      );
    }

    // ------------------------------------------------------------------ the demo workflow `npm start` ships
    step('open the demo workflow and run it');
    await page.goto(`${env.url}/workflow/${env.workflowId}`);
    const demoNode = page.locator('[data-test-id="canvas-node"][data-node-name="Stripe Customer"]');
    await demoNode.waitFor();
    await page.getByTestId('execute-workflow-button').click();
    await demoNode.locator('[data-test-id="canvas-node-status-success"]').waitFor({ timeout: 60_000 });
    const after = await (await fetch(`${env.doubleUrl}/_double/state`)).json();
    const emails = after.customers.map((/** @type {any} */ c) => c.params.email);
    check('the demo workflow runs: its two sample customers reached the double', ['ada@example.com', 'grace@example.com'].every((e) => emails.includes(e)), emails);
  } catch (err) {
    check('browser flow', false, err instanceof Error ? err.message : String(err));
    const shot = path.join(ARTIFACTS, 'failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    fs.writeFileSync(path.join(ARTIFACTS, 'failure.html'), await page.content().catch(() => ''));
    console.log(`  failure screenshot: ${shot}`);
  } finally {
    await browser.close();
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`\nbrowser test (${((Date.now() - t0) / 1000).toFixed(1)} s): node added by ${how.add || '-'}; connected by ${how.connect || '-'}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed || !results.length ? 1 : 0;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
