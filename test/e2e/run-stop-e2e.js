#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * End-to-end test of Stop in a real n8n server (started here with `n8n start`; the package is installed from its
 * tarball into $N8N_USER_FOLDER/.n8n/nodes by scripts/n8n/test-e2e.sh first), against the Stripe test double in its
 * own process. A webhook starts a workflow whose Stripe Customer node creates customers while the double answers
 * every create 429 (Rate-Limit Wait 120 s, so the node would go on retrying for two minutes); once the double has
 * seen three 429s, the execution is stopped through n8n's REST API, as the editor's Stop button does.
 * Checks: the execution ends as cancelled, the double receives no request after the stop (watched for longer than
 * the node's longest back-off), and no customer was created. Prints how long the execution took to end.
 * Needs the execution's cancel signal in n8n (IExecuteFunctions.getExecutionCancelSignal); an n8n without it is
 * skipped with the reason printed.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN, N8N_BIN, N8N_USER_FOLDER (required, from test-e2e.sh); E2E_VERBOSE=1 lists the artifacts.
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
const ARTIFACTS = path.join(USER_FOLDER, 'stop-e2e-artifacts');
const N8N_DIR = path.dirname(path.dirname(N8N_BIN));
const N8N_VERSION = JSON.parse(fs.readFileSync(path.join(N8N_DIR, 'package.json'), 'utf8')).version;
const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);

const SECRET_KEY = `sk_test_e2eStop${crypto.randomBytes(12).toString('hex')}`;
const OWNER = { email: 'owner@example.com', password: 'StopE2e1pass' };
const CREDENTIAL = { id: 'e2eStopCred', name: 'Stripe Customer API (stop e2e)' };
const WORKFLOW = 'e2eStopHeld01';
const WEBHOOK_PATH = 'e2e-stop-held-create';
/** Longer than the node's longest back-off between two 429 retries (5 s): a node that goes on sending shows here. */
const WATCH_AFTER_STOP_MS = 7_000;

/** @param {string} name */
function mustEnv(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`run-stop-e2e.js: env ${name} is required (run it through scripts/n8n/test-e2e.sh)`);
    process.exit(2);
  }
  return v;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- results

/** @type {{name: string, ok: boolean}[]} */
const results = [];
/** @param {string} name @param {boolean} ok @param {unknown} [detail] shown on failure */
function check(name, ok, detail) {
  results.push({ name, ok });
  const d = ok || detail === undefined ? '' : `\n      ${(typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 1500)}`;
  console.log(`${ok ? '  ✔' : '  ✘'} ${name}${d}`);
}
/** @param {string} name @param {unknown} actual @param {unknown} expected */
function checkEqual(name, actual, expected) {
  check(name, JSON.stringify(actual) === JSON.stringify(expected), `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the last value. @template T @param {() => Promise<T>} probe */
async function until(probe, ms = 15_000, every = 250) {
  const end = Date.now() + ms;
  let value = await probe();
  while (!value && Date.now() < end) {
    await sleep(every);
    value = await probe();
  }
  return value;
}

/** Whether this n8n gives nodes the execution's cancel signal (n8n-core's execute context, wherever npm put n8n-core). */
function n8nHasCancelSignal() {
  const core = path.dirname(require.resolve('n8n-core', { paths: [N8N_DIR] }));
  const context = path.join(core, 'execution-engine/node-execution-context/base-execute-context.js');
  return fs.existsSync(context) && fs.readFileSync(context, 'utf8').includes('getExecutionCancelSignal');
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

/** @param {string[]} args @param {string} label @returns {Promise<{code: number | null, output: string}>} */
function n8nCli(args, label) {
  return new Promise((resolve) => {
    const child = spawn(N8N_NODE_BIN, [N8N_BIN, ...args], { env: { ...process.env, PATH: `${path.dirname(N8N_NODE_BIN)}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      fs.writeFileSync(path.join(ARTIFACTS, `${label}.txt`), output);
      resolve({ code, output });
    });
  });
}

/** n8n's server, driven through the REST API the editor uses. */
class N8nServer {
  /** @param {number} port */
  constructor(port) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    /** @type {import('child_process').ChildProcess | undefined} */
    this.child = undefined;
    this.cookie = '';
  }

  async start() {
    const log = fs.openSync(path.join(ARTIFACTS, 'n8n-start.log'), 'w');
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
    if (ready !== 'ready') throw new Error(`n8n did not start (${ready || 'timeout'}); see ${ARTIFACTS}/n8n-start.log`);
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

  /** Activation as the editor does it: n8n 2.x publishes the saved version (applied in the background); 1.x saves with Active on. */
  async activate(/** @type {string} */ id) {
    const workflow = await this.rest('GET', `/workflows/${id}`);
    if (N8N_MAJOR < 2) return await this.rest('PATCH', `/workflows/${id}`, { active: true, versionId: workflow.versionId });
    await this.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
    const live = await until(async () => (await this.rest('GET', `/workflows/${id}/publication-status`)).liveVersionId === workflow.versionId, 60_000);
    if (!live) throw new Error(`publication of ${id} did not apply`);
  }

  /** The workflow's executions, newest first: id and status. @param {string} workflowId @returns {Promise<any[]>} */
  async executions(workflowId) {
    const filter = encodeURIComponent(JSON.stringify({ workflowId }));
    const list = await this.rest('GET', `/executions?filter=${filter}&limit=20`);
    return /** @type {any[]} */ (list.results ?? list).sort((a, b) => Number(b.id) - Number(a.id));
  }
}

// ---------------------------------------------------------------- the workflow and Stripe's side

function heldWorkflow() {
  return {
    id: WORKFLOW,
    name: 'E2E: Stop while 429s hold the node back',
    active: false,
    settings: {},
    nodes: [
      {
        id: '5e2e5709-0000-4000-8000-000000000001',
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: '5e2e5709-0000-4000-8000-000000000002',
        // Answers at once: the execution goes on in the background, where Stop finds it.
        parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'onReceived', options: {} },
      },
      {
        id: '5e2e5709-0000-4000-8000-000000000003',
        name: 'Stripe Customer',
        type: 'n8n-nodes-stripe-customer.stripeCustomer',
        typeVersion: 1.1,
        position: [240, 0],
        parameters: {
          resource: 'customer',
          operation: 'create',
          name: '={{ $json.body.name }}',
          email: '={{ $json.body.email }}',
          options: { rateLimitWait: 120, concurrency: 1 },
        },
        credentials: { stripeCustomerApi: CREDENTIAL },
      },
    ],
    connections: { Webhook: { main: [[{ node: 'Stripe Customer', type: 'main', index: 0 }]] } },
  };
}

/** @param {string} doubleUrl */
async function importFixtures(doubleUrl) {
  const credentials = path.join(ARTIFACTS, 'credentials.json');
  fs.writeFileSync(credentials, JSON.stringify([{ ...CREDENTIAL, type: 'stripeCustomerApi', data: { secretKey: SECRET_KEY, stripeAccount: '', baseUrl: doubleUrl } }]), { mode: 0o600 });
  const c = await n8nCli(['import:credentials', `--input=${credentials}`], 'import-credentials');
  fs.rmSync(credentials);
  check('credential imported', c.code === 0, c.output);
  const workflows = path.join(ARTIFACTS, 'workflows.json');
  fs.writeFileSync(workflows, JSON.stringify([heldWorkflow()]));
  const w = await n8nCli(['import:workflow', `--input=${workflows}`], 'import-workflows');
  check('workflow imported', w.code === 0, w.output);
}

/** @param {string} doubleUrl @returns {Promise<any>} */
async function doubleState(doubleUrl) {
  return await (await fetch(`${doubleUrl}/_double/state`)).json();
}

/** @param {string} doubleUrl @param {unknown} body */
async function setFaults(doubleUrl, body) {
  const res = await fetch(`${doubleUrl}/_double/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`/_double/faults: HTTP ${res.status} ${await res.text()}`);
}

// ---------------------------------------------------------------- the test

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  console.log(`\n== Stop while 429s hold the node back (n8n ${N8N_VERSION})`);
  if (!n8nHasCancelSignal()) {
    console.log(`  skipped: n8n ${N8N_VERSION} gives nodes no execution cancel signal (getExecutionCancelSignal), so Stop cannot reach the node's waits`);
    console.log('0 passed, 0 failed');
    return;
  }
  const double = await startDouble();
  const n8n = new N8nServer(/** @type {number} */ (await freePort()));
  process.on('exit', () => {
    double.child.kill('SIGTERM');
    n8n.child?.kill('SIGKILL');
  });
  try {
    await importFixtures(double.url);
    await n8n.start();
    await n8n.activate(WORKFLOW);
    // Every customer create is answered 429 (Stripe's rate limiter: nothing stored) for as long as the test runs.
    await setFaults(double.url, { failNext: { n: 10_000, how: { status: 429 }, on: 'POST /v1/customers' } });

    const started = await fetch(`${n8n.url}/webhook/${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Held Back', email: 'held.back@example.com' }),
    });
    check('the webhook started the workflow', started.ok, `HTTP ${started.status} ${await started.text()}`);
    const heldBack = await until(async () => (await doubleState(double.url)).requests.filter((/** @type {any} */ r) => r.status === 429).length >= 3, 60_000);
    check('the node is held back by 429s (3 seen at the double)', heldBack === true);
    const running = (await n8n.executions(WORKFLOW)).find((e) => e.status === 'running' || e.finished === false);
    check('its execution is running', running !== undefined, await n8n.executions(WORKFLOW));
    if (!running) throw new Error('no running execution to stop');

    await n8n.rest('POST', `/executions/${running.id}/stop`);
    const stoppedAt = Date.now();
    const ended = await until(async () => {
      const execution = (await n8n.executions(WORKFLOW)).find((e) => e.id === running.id);
      return execution && execution.status !== 'running' && execution.status !== 'new' ? execution : undefined;
    }, 30_000, 100);
    console.log(`  the execution ended ${ended ? `${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the stop` : 'not within 30 s'}`);
    checkEqual('the execution ended as cancelled', ended?.status, 'canceled');

    await sleep(Math.max(0, stoppedAt + WATCH_AFTER_STOP_MS - Date.now()));
    const state = await doubleState(double.url);
    const after = state.requests.filter((/** @type {any} */ r) => r.at > stoppedAt);
    checkEqual(`the double received no request in the ${WATCH_AFTER_STOP_MS / 1000} s after the stop`, after.map((/** @type {any} */ r) => `${r.method} ${r.path} ${r.status}`), []);
    checkEqual('no customer was created', state.customers.length, 0);
  } catch (error) {
    check('the run completed', false, error instanceof Error ? error.stack : String(error));
  } finally {
    await n8n.stop();
    await fetch(`${double.url}/_double/state`)
      .then(async (res) => fs.writeFileSync(path.join(ARTIFACTS, 'double-state.json'), JSON.stringify(await res.json(), null, 1)))
      .catch(() => {});
    double.child.kill('SIGTERM');
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`\nn8n ${N8N_VERSION} stop e2e (${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${ARTIFACTS})`);
    if (failed) for (const r of results.filter((x) => !x.ok)) console.log(`  ✘ ${r.name}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
    if (VERBOSE) console.log(fs.readdirSync(ARTIFACTS));
  }
}

main();
