#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * End-to-end test of the Stripe Customer Trigger in a real n8n server (started here with `n8n start`; the package is
 * installed from its tarball into $N8N_USER_FOLDER/.n8n/nodes by scripts/n8n/test-e2e.sh first), against the Stripe
 * test double in its own process, which keeps the webhook endpoints and delivers signed events for customer writes.
 * Everything a user does goes through n8n's REST API, as the editor sends it:
 *   1. activate the trigger workflow (n8n 2.x: publish), then publish it twice more (2.x: after an edit each time;
 *      1.x: save the active workflow), restart n8n, change the events and publish;
 *   2. create, update and delete a customer with the Stripe Customer action node (a webhook-started workflow);
 *   3. a delivery Stripe sends twice, and a forged one;
 *   4. deactivate.
 * Checks: exactly one endpoint at the double all along (the same one, events changed in place, never created
 * again), each event starts exactly one execution whose item is that event, the forged delivery starts none and
 * gets a 400, no endpoint left after deactivation.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh); E2E_VERBOSE=1 prints n8n's output.
 */

const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../..');
const N8N_NODE_BIN = mustEnv('N8N_NODE_BIN');
const N8N_BIN = mustEnv('N8N_BIN');
const USER_FOLDER = mustEnv('N8N_USER_FOLDER');
const VERBOSE = process.env.E2E_VERBOSE === '1';
const ARTIFACTS = path.join(USER_FOLDER, 'trigger-e2e-artifacts');
const N8N_DIR = path.dirname(path.dirname(N8N_BIN));
const N8N_VERSION = JSON.parse(fs.readFileSync(path.join(N8N_DIR, 'package.json'), 'utf8')).version;
const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
// n8n keeps execution data in the `flatted` format; n8n's own copy reads it.
const flatted = require(require.resolve('flatted', { paths: [N8N_DIR] }));

const SECRET_KEY = `sk_test_e2eTrigger${crypto.randomBytes(12).toString('hex')}`;
const OWNER = { email: 'owner@example.com', password: 'TriggerE2e1' };
const CREDENTIAL = { id: 'e2eTriggerCred', name: 'Stripe Customer API (trigger e2e)' };
// n8n saves a workflow's static data only when its ID has at most 16 characters (1.x; 2.x: 21): utils.js isWorkflowIdValid.
const TRIGGER_WORKFLOW = 'e2eCustTrigger01';
const ACTIONS_WORKFLOW = 'e2eCustActions01';
const TRIGGER_NODE = 'Customer Changes';
const TRIGGER_WEBHOOK_ID = '5e2e7716-0000-4000-8000-00000000c0de';
/** How long a deactivated trigger's endpoint may take to go (the node's grace period is 30 s). */
const RELEASE_WAIT_MS = 60_000;

/** @param {string} name */
function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`run-trigger-e2e.js: env ${name} is required (run it through scripts/n8n/test-e2e.sh)`);
    process.exit(2);
  }
  return v;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- results

/** @type {{name: string, ok: boolean}[]} */
const results = [];
let section = '';
/** @param {string} title */
function heading(title) {
  section = title;
  console.log(`\n== ${title}`);
}
/** @param {string} name @param {boolean} ok @param {unknown} [detail] shown on failure */
function check(name, ok, detail) {
  results.push({ name: `${section}: ${name}`, ok });
  const d = ok || detail === undefined ? '' : `\n      ${(typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 1500)}`;
  console.log(`${ok ? '  ✔' : '  ✘'} ${name}${d}`);
}
/** @param {string} name @param {unknown} actual @param {unknown} expected */
function checkEqual(name, actual, expected) {
  check(name, JSON.stringify(actual) === JSON.stringify(expected), `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the last value. @template T @param {() => Promise<T>} probe */
async function until(probe, ms = 15_000) {
  const end = Date.now() + ms;
  let value = await probe();
  while (!value && Date.now() < end) {
    await sleep(250);
    value = await probe();
  }
  return value;
}

// ---------------------------------------------------------------- processes

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @returns {Promise<{url: string, child: import('child_process').ChildProcess}>} */
function startDouble() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'test/stripe-double/cli.js'), '--port', '0', '--key', SECRET_KEY, '--seed', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Stripe double did not start: ${err}`)), 15_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        resolve({ url: JSON.parse(out.slice(0, nl)).url, child });
      } catch (e) {
        reject(e);
      }
    });
    child.on('exit', (code) => reject(new Error(`Stripe double exited (${code}): ${err}`)));
  });
}

const n8nLogs = path.join(USER_FOLDER, 'logs');

/** @param {string[]} args @param {string} label @param {Record<string, string>} [env] */
function n8nCli(args, label, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(N8N_NODE_BIN, [N8N_BIN, ...args], { env: { ...process.env, ...env, PATH: `${path.dirname(N8N_NODE_BIN)}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      fs.writeFileSync(path.join(ARTIFACTS, `${label}.txt`), output);
      resolve({ code, output });
    });
  });
}

class N8nServer {
  /** @param {number} port */
  constructor(port) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    /** @type {import('child_process').ChildProcess | undefined} */
    this.child = undefined;
    this.starts = 0;
    this.cookie = '';
  }

  async start() {
    this.starts++;
    const log = fs.openSync(path.join(ARTIFACTS, `n8n-start-${this.starts}.log`), 'w');
    this.child = spawn(N8N_NODE_BIN, [N8N_BIN, 'start'], {
      env: { ...process.env, N8N_PORT: String(this.port), PATH: `${path.dirname(N8N_NODE_BIN)}:${process.env.PATH}` },
      stdio: ['ignore', log, log],
    });
    const ready = await until(async () => {
      if (this.child?.exitCode !== null) return 'exited';
      try {
        return (await fetch(`${this.url}/rest/settings`)).ok ? 'ready' : '';
      } catch {
        return '';
      }
    }, 180_000);
    if (ready !== 'ready') throw new Error(`n8n did not start (${ready || 'timeout'}); see ${ARTIFACTS}/n8n-start-${this.starts}.log`);
    const setup = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/n8n/setup-owner.js'), this.url, OWNER.email, OWNER.password, '60'], { stdio: 'inherit' });
    await new Promise((resolve) => setup.on('close', resolve));
    const login = await fetch(`${this.url}/rest/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, email: OWNER.email, password: OWNER.password }),
    });
    if (!login.ok) throw new Error(`login failed: HTTP ${login.status} ${await login.text()}`);
    this.cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    const exited = await until(async () => child.exitCode !== null, 30_000);
    if (!exited) child.kill('SIGKILL');
  }

  /** @param {string} method @param {string} p @param {unknown} [body] @returns {Promise<any>} */
  async rest(method, p, body) {
    const res = await fetch(`${this.url}/rest${p}`, {
      method,
      headers: { 'Content-Type': 'application/json', cookie: this.cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /rest${p}: HTTP ${res.status} ${text.slice(0, 500)}`);
    const parsed = text ? JSON.parse(text) : {};
    return parsed.data ?? parsed;
  }
}

// ---------------------------------------------------------------- the workflows

/** @param {string[]} events */
function triggerNode(events) {
  return {
    id: '5e2e7716-0000-4000-8000-000000000001',
    name: TRIGGER_NODE,
    type: 'n8n-nodes-stripe-customer.stripeCustomerTrigger',
    typeVersion: 1,
    position: [0, 0],
    webhookId: TRIGGER_WEBHOOK_ID,
    parameters: { events, options: {} },
    credentials: { stripeCustomerApi: CREDENTIAL },
  };
}

/** @param {number} x */
function receivedNode(x) {
  return { id: '5e2e7716-0000-4000-8000-000000000002', name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [x, 0], parameters: {} };
}

/** @param {string[]} events @param {number} x */
function triggerWorkflowContent(events, x) {
  return {
    nodes: [triggerNode(events), receivedNode(x)],
    connections: { [TRIGGER_NODE]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
  };
}

const ACTIONS = ['create', 'update', 'delete'];

function actionsWorkflow() {
  /** @type {any[]} */
  const nodes = [];
  /** @type {Record<string, any>} */
  const connections = {};
  const customerId = { __rl: true, mode: 'id', value: '={{ $json.body.customerId }}' };
  const parameters = {
    create: { resource: 'customer', operation: 'create', name: '={{ $json.body.name }}', email: '={{ $json.body.email }}' },
    update: { resource: 'customer', operation: 'update', customerId, name: '={{ $json.body.name }}' },
    delete: { resource: 'customer', operation: 'delete', customerId },
  };
  ACTIONS.forEach((action, i) => {
    const hook = `Webhook ${action}`;
    const stripe = `Stripe ${action}`;
    nodes.push({
      id: `5e2e7716-0000-4000-8000-0000000001${i}0`,
      name: hook,
      type: 'n8n-nodes-base.webhook',
      typeVersion: 2,
      position: [0, i * 200],
      webhookId: `5e2e7716-0000-4000-8000-0000000001${i}1`,
      parameters: { httpMethod: 'POST', path: `e2e-trigger-${action}-customer`, responseMode: 'lastNode', options: {} },
    });
    nodes.push({
      id: `5e2e7716-0000-4000-8000-0000000001${i}2`,
      name: stripe,
      type: 'n8n-nodes-stripe-customer.stripeCustomer',
      typeVersion: 1.1,
      position: [240, i * 200],
      parameters: parameters[/** @type {'create' | 'update' | 'delete'} */ (action)],
      credentials: { stripeCustomerApi: CREDENTIAL },
    });
    connections[hook] = { main: [[{ node: stripe, type: 'main', index: 0 }]] };
  });
  return { id: ACTIONS_WORKFLOW, name: 'E2E: customer writes with the action node', active: false, nodes, connections, settings: {} };
}

/** @param {string} doubleUrl */
async function importFixtures(doubleUrl) {
  const credentials = path.join(ARTIFACTS, 'credentials.json');
  fs.writeFileSync(credentials, JSON.stringify([{ ...CREDENTIAL, type: 'stripeCustomerApi', data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } }]), { mode: 0o600 });
  const c = /** @type {any} */ (await n8nCli(['import:credentials', `--input=${credentials}`], 'import-credentials'));
  fs.rmSync(credentials);
  check('credential imported', c.code === 0, c.output);
  const workflows = path.join(ARTIFACTS, 'workflows.json');
  const trigger = { id: TRIGGER_WORKFLOW, name: 'E2E: Stripe Customer Trigger', active: false, ...triggerWorkflowContent(['customer.created', 'customer.updated'], 240), settings: {} };
  fs.writeFileSync(workflows, JSON.stringify([trigger, actionsWorkflow()]));
  const w = /** @type {any} */ (await n8nCli(['import:workflow', `--input=${workflows}`], 'import-workflows'));
  check('workflows imported', w.code === 0, w.output);
}

// ---------------------------------------------------------------- n8n's UI actions, per major version

/**
 * n8n 2.x applies a publish in the background (its publication outbox): waits until the version is live, and fails
 * with the trigger's error when its activation failed.
 * @param {N8nServer} n8n @param {string} id @param {string} versionId
 */
async function publicationApplied(n8n, id, versionId) {
  /** @type {any} */
  let status;
  const settled = await until(async () => {
    status = await n8n.rest('GET', `/workflows/${id}/publication-status`);
    return status.status !== 'in_progress' && (status.liveVersionId === versionId || status.triggers.some((/** @type {any} */ t) => t.status === 'failed'));
  }, 60_000);
  const failed = status?.triggers?.filter((/** @type {any} */ t) => t.status === 'failed') ?? [];
  if (!settled || failed.length) throw new Error(`publication of ${id} did not apply: ${JSON.stringify(status)}`);
}

/**
 * Activation as the editor does it: n8n 2.x publishes the saved version; n8n 1.x saves with Active on.
 * @param {N8nServer} n8n @param {string} id
 */
async function activate(n8n, id) {
  const workflow = await n8n.rest('GET', `/workflows/${id}`);
  if (N8N_MAJOR < 2) return await n8n.rest('PATCH', `/workflows/${id}`, { active: true, versionId: workflow.versionId });
  await n8n.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
  await publicationApplied(n8n, id, workflow.versionId);
}

/** @param {N8nServer} n8n @param {string} id */
async function deactivate(n8n, id) {
  const workflow = await n8n.rest('GET', `/workflows/${id}`);
  if (N8N_MAJOR < 2) return await n8n.rest('PATCH', `/workflows/${id}`, { active: false, versionId: workflow.versionId });
  await n8n.rest('POST', `/workflows/${id}/deactivate`, {});
  await until(async () => (await n8n.rest('GET', `/workflows/${id}/publication-status`)).status === 'not_published', 60_000);
}

/**
 * The user edits the trigger workflow and makes the edit live: n8n 2.x saves a new version and publishes it;
 * n8n 1.x saves the active workflow (which re-registers its webhooks).
 * @param {N8nServer} n8n @param {{nodes: any[], connections: any}} content
 */
async function saveAndPublish(n8n, content) {
  const current = await n8n.rest('GET', `/workflows/${TRIGGER_WORKFLOW}`);
  const saved = await n8n.rest('PATCH', `/workflows/${TRIGGER_WORKFLOW}`, { ...content, versionId: current.versionId });
  if (N8N_MAJOR < 2) return;
  await n8n.rest('POST', `/workflows/${TRIGGER_WORKFLOW}/activate`, { versionId: saved.versionId });
  await publicationApplied(n8n, TRIGGER_WORKFLOW, saved.versionId);
}

// ---------------------------------------------------------------- Stripe's side

/** @param {string} doubleUrl @returns {Promise<any[]>} the webhook endpoints at the double */
async function endpoints(doubleUrl) {
  const res = await fetch(`${doubleUrl}/v1/webhook_endpoints?limit=100`, { headers: { Authorization: `Bearer ${SECRET_KEY}` } });
  if (!res.ok) throw new Error(`GET /v1/webhook_endpoints: HTTP ${res.status} ${await res.text()}`);
  return /** @type {any} */ (await res.json()).data;
}

/** @param {string} doubleUrl @returns {Promise<any[]>} the requests the double received */
async function doubleRequests(doubleUrl) {
  const state = /** @type {any} */ (await (await fetch(`${doubleUrl}/_double/state`)).json());
  return state.requests ?? [];
}

/** @param {string} doubleUrl @param {string} p @param {unknown} [body] @returns {Promise<any>} a control call of the double */
async function control(doubleUrl, p, body) {
  const res = await fetch(doubleUrl + p, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  return await res.json();
}

/** @param {N8nServer} n8n @param {string} action @param {Record<string, string>} body */
async function customerWrite(n8n, action, body) {
  const res = await fetch(`${n8n.url}/webhook/e2e-trigger-${action}-customer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action} customer: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** The trigger workflow's executions, oldest first, each with the item the trigger emitted. @param {N8nServer} n8n */
async function triggerExecutions(n8n) {
  const filter = encodeURIComponent(JSON.stringify({ workflowId: TRIGGER_WORKFLOW }));
  const list = await n8n.rest('GET', `/executions?filter=${filter}&limit=100`);
  const summaries = /** @type {any[]} */ (list.results ?? list).sort((a, b) => Number(a.id) - Number(b.id));
  const executions = [];
  for (const summary of summaries) {
    const full = await n8n.rest('GET', `/executions/${summary.id}`);
    const data = typeof full.data === 'string' ? flatted.parse(full.data) : full.data;
    const items = data?.resultData?.runData?.Received?.[0]?.data?.main?.[0] ?? [];
    executions.push({ id: summary.id, status: full.status ?? summary.status, mode: full.mode, items: items.map((/** @type {any} */ i) => i.json) });
  }
  return executions;
}

// ---------------------------------------------------------------- the test

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.mkdirSync(n8nLogs, { recursive: true });
  heading(`setup (n8n ${N8N_VERSION})`);
  const double = await startDouble();
  console.log(`  Stripe double on ${double.url}`);
  const n8n = new N8nServer(/** @type {number} */ (await freePort()));
  const stopAll = () => {
    double.child.kill('SIGTERM');
    n8n.child?.kill('SIGKILL');
  };
  process.on('exit', stopAll);
  /** @type {number[]} how many endpoints the double held after each step */
  const counts = [];
  const countEndpoints = async () => {
    const list = await endpoints(double.url);
    counts.push(list.length);
    return list;
  };

  try {
    await importFixtures(double.url);
    await n8n.start();
    console.log(`  n8n on ${n8n.url}`);
    await activate(n8n, ACTIONS_WORKFLOW);

    heading(N8N_MAJOR >= 2 ? 'publish three times, restart' : 'activate, save the active workflow twice, restart');
    await activate(n8n, TRIGGER_WORKFLOW);
    const [first] = await countEndpoints();
    const productionUrl = `${n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
    check('activation registered one endpoint for the production URL', !!first && first.url === productionUrl, await endpoints(double.url));
    checkEqual('with the chosen events', first?.enabled_events, ['customer.created', 'customer.updated']);
    for (const x of [480, 720]) {
      await saveAndPublish(n8n, triggerWorkflowContent(['customer.created', 'customer.updated'], x));
      await countEndpoints();
    }
    await n8n.stop();
    await n8n.start();
    const afterRestart = await countEndpoints();
    checkEqual('after 3 publishes and a restart: still that one endpoint', afterRestart.map((e) => e.id), [first?.id]);

    heading('change the events');
    await saveAndPublish(n8n, triggerWorkflowContent(['customer.created', 'customer.deleted', 'customer.updated'], 720));
    const changed = await until(async () => {
      const list = await countEndpoints();
      return list.length === 1 && list[0].enabled_events.length === 3 ? list : undefined;
    });
    checkEqual('the same endpoint, its events updated in place', changed?.map((e) => [e.id, e.enabled_events]), [[first?.id, ['customer.created', 'customer.deleted', 'customer.updated']]]);
    const created = (await doubleRequests(double.url)).filter((r) => r.method === 'POST' && r.path === '/v1/webhook_endpoints');
    checkEqual('Stripe was asked to create an endpoint once in all', created.length, 1);

    heading('customer writes with the action node; Stripe delivers one event twice and signs one wrongly first');
    await control(double.url, '/_double/webhooks', { failNext: { n: 1, how: 'duplicate' } });
    const made = await customerWrite(n8n, 'create', { name: 'Trigger E2E', email: 'trigger.e2e@example.com' });
    const customerId = made.customerId;
    check('the action node created a customer', typeof customerId === 'string' && customerId.startsWith('cus_'), made);
    await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
    await control(double.url, '/_double/webhooks', { failNext: { n: 1, how: 'wrong-signature' } });
    await customerWrite(n8n, 'update', { customerId, name: 'Trigger E2E (renamed)' });
    await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
    await customerWrite(n8n, 'delete', { customerId });
    await control(double.url, '/_double/webhooks/idle', { timeoutMs: 15_000 });
    const attempts = /** @type {any[]} */ ((await control(double.url, '/_double/webhooks')).deliveries).sort((a, b) => a.seq - b.seq);
    checkEqual(
      "Stripe's deliveries and the trigger's answers",
      attempts.map((a) => [a.type, a.attempt, a.duplicate, a.signing, a.status]),
      [
        ['customer.created', 1, false, 'valid', 200],
        ['customer.created', 1, true, 'valid', 200],
        ['customer.updated', 1, false, 'wrong-secret', 400],
        ['customer.updated', 2, false, 'valid', 200],
        ['customer.deleted', 1, false, 'valid', 200],
      ],
    );
    const runs = await until(async () => {
      const list = await triggerExecutions(n8n);
      return list.length >= 3 ? list : undefined;
    }, 30_000);
    await sleep(2_000); // room for a duplicate run to show
    const executions = await triggerExecutions(n8n);
    checkEqual(
      'each event started exactly one execution, with its customer',
      executions.map((e) => [e.status, e.items.length, e.items[0]?.event, e.items[0]?.customerId]),
      [
        ['success', 1, 'customer.created', customerId],
        ['success', 1, 'customer.updated', customerId],
        ['success', 1, 'customer.deleted', customerId],
      ],
    );
    check('the update event carries what changed', executions[1]?.items[0]?.previousAttributes?.name === 'Trigger E2E', executions[1]?.items[0]);
    if (!runs) console.log('  (waited 30 s for 3 executions)');

    heading('a forged delivery');
    const forged = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: 'cus_forged', object: 'customer' } } });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = crypto.createHmac('sha256', 'whsec_guessed').update(`${timestamp}.${forged}`).digest('hex');
    const forgedAnswer = await fetch(productionUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${timestamp},v1=${signature}` }, body: forged });
    checkEqual('is answered 400', forgedAnswer.status, 400);
    await sleep(1_000);
    checkEqual('and starts no execution', (await triggerExecutions(n8n)).length, 3);

    heading('deactivate');
    checkEqual('one endpoint at the double at every step until now', counts.filter((n) => n !== 1), []);
    await deactivate(n8n, TRIGGER_WORKFLOW);
    const gone = await until(async () => (await endpoints(double.url)).length === 0, RELEASE_WAIT_MS);
    check(`no endpoint left at the double (after the trigger's grace period)`, gone === true, await endpoints(double.url));
  } catch (error) {
    check('the run completed', false, error instanceof Error ? error.stack : String(error));
  } finally {
    await n8n.stop();
    // What the double received and delivered, for a failed run.
    await fetch(`${double.url}/_double/state`)
      .then(async (res) => fs.writeFileSync(path.join(ARTIFACTS, 'double-state.json'), JSON.stringify(await res.json(), null, 1)))
      .catch(() => {});
    double.child.kill('SIGTERM');
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`\nn8n ${N8N_VERSION} trigger e2e (${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${ARTIFACTS})`);
    if (failed) for (const r of results.filter((x) => !x.ok)) console.log(`  ✘ ${r.name}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
    if (VERBOSE) console.log(fs.readdirSync(ARTIFACTS));
  }
}

main();
