#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Browser test: a user builds "Manual Trigger → Stripe Customer" in the real n8n editor and runs it,
 * then checks the package's credential test in n8n's credential modal (the demo credential, a wrong key,
 * a base URL with a trailing slash) and what those test requests looked like at the Stripe double.
 * Started by scripts/n8n/test-browser.sh, which starts n8n + the Stripe double (scripts/n8n/start.sh)
 * and passes N8N_READY_FILE (JSON: url, email, password, doubleUrl, credentialName).
 *
 * Drives Debian's Chromium (/usr/bin/chromium) with playwright-core; never downloads a browser.
 * Screenshots: test-results/browser/node-panel.png, output.png and credential-error.png (SCREENSHOT_DIR overrides);
 * on failure, failure-*.png in
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
// The only key the double accepts: the one start.sh gives it and puts in the demo credential.
const DOUBLE_KEY = 'sk_test_local_double_demo';
const WRONG_KEY = 'sk_test_wrong';
const CONNECT_ACCOUNT = 'acct_browser_slash';
// The credential's own test definition (the built file n8n loads), so the check follows the package's rule text.
const CREDENTIAL_TEST = (() => {
  const { StripeCustomerApi } = require(path.join(__dirname, '..', '..', 'dist', 'credentials', 'StripeCustomerApi.credentials.js'));
  return /** @type {{rules: {type: string, properties: {value: number, message: string}}[]}} */ (new StripeCustomerApi().test);
})();
const RULE_401 = CREDENTIAL_TEST.rules.find((r) => r.type === 'responseCode' && r.properties.value === 401)?.properties.message || '(no 401 rule)';

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

/** @returns {Promise<any>} */
async function doubleState() {
  return (await fetch(`${env.doubleUrl}/_double/state`)).json();
}

/**
 * The credential-test requests the double received since `from` (an index into its request log).
 * @param {number} from
 * @returns {Promise<{method: string, path: string, query: Record<string, string>, account: string | null, status: number}[]>}
 */
async function testRequestsSince(from) {
  const { requests } = await doubleState();
  return requests.slice(from).filter((/** @type {any} */ r) => r.method === 'GET');
}

/** @param {{method: string, path: string, query: Record<string, string>, account: string | null, status: number}[]} reqs */
const showRequests = (reqs) => reqs.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query)} account=${r.account} → ${r.status}`);

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
      // let the credential list close, or its options would be read as the Shipping options below
      await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
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
    await failure(page, 'browser flow', 'failure', err);
  }
  try {
    await credentialTests(page);
  } catch (err) {
    await failure(page, 'credential test in the editor', 'failure-credentials', err);
  } finally {
    await browser.close();
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`\nbrowser test (${((Date.now() - t0) / 1000).toFixed(1)} s): node added by ${how.add || '-'}; connected by ${how.connect || '-'}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed || !results.length ? 1 : 0;
  }
}

/**
 * Records a failed section and keeps a screenshot and the page's HTML.
 * @param {import('playwright-core').Page} page @param {string} name @param {string} file @param {unknown} err
 */
async function failure(page, name, file, err) {
  check(name, false, err instanceof Error ? err.message : String(err));
  const shot = path.join(ARTIFACTS, `${file}.png`);
  await page.screenshot({ path: shot }).catch(() => {});
  fs.writeFileSync(path.join(ARTIFACTS, `${file}.html`), await page.content().catch(() => ''));
  console.log(`  failure screenshot: ${shot}`);
}

/**
 * The credential's connection test, as a user meets it in the credential modal. n8n 2.41 tests a credential
 * when it is opened and after every save; the modal then shows the banner "Connection tested successfully",
 * or "Couldn’t connect with these settings" with a "More details" link that reveals the test's message.
 * @param {import('playwright-core').Page} page
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

  // ------------------------------------------------------------------ the demo credential
  step(`open the credential "${env.credentialName}" (Overview → Credentials)`);
  await page.goto(`${env.url}/home/credentials`);
  let from = (await doubleState()).requests.length;
  await page.getByTestId('resources-list-item').filter({ hasText: env.credentialName }).first().click();
  await dialog.waitFor();
  const shownBaseUrl = await dialog.getByTestId('parameter-input-baseUrl').locator('input').first().inputValue();
  check(`its API Base URL is the double (${shownBaseUrl})`, shownBaseUrl === env.doubleUrl, shownBaseUrl);
  const demoVerdict = await verdict();
  const demoText = await dialog.innerText();
  check('n8n tests it on opening: "Connection tested successfully"', demoVerdict === 'success' && demoText.includes('Connection tested successfully'), demoText.slice(0, 400));
  let reqs = await testRequestsSince(from);
  check(
    '…the test request reached the double: GET /v1/customers?limit=1, no Stripe-Account, 200',
    reqs.length >= 1 && reqs.every((r) => r.path === '/v1/customers' && r.query.limit === '1' && r.account === null && r.status === 200),
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
    await chooser.getByTestId('new-credential-type-select').locator('input').fill('Stripe Customer');
    await page.getByTestId('new-credential-type-select-option').filter({ hasText: 'Stripe Customer API' }).first().click();
    await chooser.getByTestId('new-credential-type-button').click();
    await dialog.waitFor();
    await page.getByTestId('credential-name').click();
    const nameInput = page.getByTestId('credential-name').getByTestId('inline-edit-input');
    await nameInput.fill(name);
    await nameInput.press('Enter');
    await dialog.getByTestId('parameter-input-secretKey').locator('input').first().fill(data.secretKey);
    if (data.stripeAccount) await dialog.getByTestId('parameter-input-stripeAccount').locator('input').first().fill(data.stripeAccount);
    await dialog.getByTestId('parameter-input-baseUrl').locator('input').first().fill(data.baseUrl);
    from = (await doubleState()).requests.length;
    await page.getByTestId('credential-save-button').click();
    const result = await verdict();
    const saved = await page.getByTestId('credential-name').getAttribute('title');
    return { result, saved };
  };

  // ------------------------------------------------------------------ a wrong key
  step(`create "Stripe Customer API (wrong key)": key ${WRONG_KEY}, API Base URL ${env.doubleUrl}; save`);
  const wrong = await createCredential('Stripe Customer API (wrong key)', { secretKey: WRONG_KEY, baseUrl: env.doubleUrl });
  check(`saved as "${wrong.saved}"; n8n shows "Couldn’t connect with these settings"`, wrong.result === 'error' && wrong.saved === 'Stripe Customer API (wrong key)', wrong);
  await dialog.getByText('More details', { exact: true }).click();
  const details = dialog.getByText(RULE_401, { exact: true });
  await details.waitFor().catch(() => {});
  const wrongText = await dialog.innerText();
  check('"More details" shows the credential\'s 401 rule: "Stripe refused the key…"', RULE_401.startsWith('Stripe refused the key') && (await details.isVisible()), wrongText.slice(0, 600));
  await page.mouse.move(5, 5);
  await page.screenshot({ path: path.join(SHOTS, 'credential-error.png') });
  step(`screenshot ${path.relative(process.cwd(), path.join(SHOTS, 'credential-error.png'))}`);
  reqs = await testRequestsSince(from);
  check(
    // n8n sends a request that got a 401 once more (its generic "refresh the credential and retry" path)
    `…the double answered the test request GET /v1/customers?limit=1 with 401 (${reqs.length}×)`,
    reqs.length >= 1 && reqs.every((r) => r.path === '/v1/customers' && r.query.limit === '1' && r.status === 401),
    showRequests(reqs),
  );
  await close();

  // ------------------------------------------------------------------ a base URL with a trailing slash
  step(`create "Stripe Customer API (trailing slash)": the demo key, API Base URL ${env.doubleUrl}/, Connected Account ID ${CONNECT_ACCOUNT}; save`);
  const slash = await createCredential('Stripe Customer API (trailing slash)', { secretKey: DOUBLE_KEY, baseUrl: `${env.doubleUrl}/`, stripeAccount: CONNECT_ACCOUNT });
  const slashText = await dialog.innerText();
  check(`saved as "${slash.saved}"; n8n shows "Connection tested successfully"`, slash.result === 'success' && slashText.includes('Connection tested successfully'), { ...slash, text: slashText.slice(0, 400) });
  reqs = await testRequestsSince(from);
  check(
    `…the double saw GET /v1/customers?limit=1 (no double slash) with Stripe-Account ${CONNECT_ACCOUNT}, 200`,
    reqs.length >= 1 && reqs.every((r) => r.path === '/v1/customers' && r.query.limit === '1' && r.account === CONNECT_ACCOUNT && r.status === 200),
    showRequests(reqs),
  );
  await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
