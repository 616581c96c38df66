#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Headless end-to-end test against a real n8n (started by scripts/n8n/test-e2e.sh, which installs
 * n8n, packs this package and installs the tarball into $N8N_USER_FOLDER/.n8n/nodes first).
 *
 * Starts the Stripe test double, imports a stripeCustomerApi credential and the workflows in
 * test/e2e/workflows/ (one import for all), runs each with `n8n execute --id … --rawOutput`, then checks n8n's
 * output, what the double received and what n8n stored. The node version 1 workflows stay as that version saved
 * them; the 1.1 ones read the double's state after each step through HTTP Request nodes. Runs against n8n 1.x
 * (from 1.85) and 2.x; where n8n 1.x cannot show what a check looks for, the check says what it looks at instead.
 * Last line: "N passed, N failed"; exit code 1 on any failure.
 *
 * Env: N8N_NODE_BIN (the Node that runs n8n), N8N_BIN, N8N_USER_FOLDER (required); E2E_VERBOSE=1 prints n8n's output.
 */

const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const {
	REPO_ROOT,
	runnerEnv,
	createChecks,
	parseRun,
	outputOf,
	checkRunSucceeded: checkRunSucceededIn,
} = require('./e2eSupport');

const env = runnerEnv('run-e2e.js', 'e2e-artifacts');
const { results, heading, check, checkEqual } = createChecks();
const {
	nodeBin: N8N_NODE_BIN,
	n8nBin: N8N_BIN,
	userFolder: USER_FOLDER,
	artifacts: ARTIFACTS,
	version: N8N_VERSION,
} = env;
const VERBOSE = env.verbose;
// n8n resolves the log file location against <user folder>/.n8n (1.x even an absolute one), so give it relative.
const N8N_LOG_FILE = path.join(USER_FOLDER, 'logs', 'n8n.log');
const N8N_LOG_FILE_SETTING = path.relative(path.join(USER_FOLDER, '.n8n'), N8N_LOG_FILE);

// Secrets that must never show up in anything n8n prints, logs or stores in clear text.
const SECRET_KEY = `sk_test_e2eCustom${crypto.randomBytes(12).toString('hex')}`;
const CONNECT_ACCOUNT = 'acct_1E2eConnectTest';
const CRED_ID = 'e2eStripeCustCred';
const COUPON_VERSION = '2025-02-24.acacia';
const NODE_TYPE = 'n8n-nodes-stripe-customer.stripeCustomer';

/** @param {string} name @param {() => void} fn */
function guard(name, fn) {
	try {
		fn();
	} catch (err) {
		check(name, false, `threw: ${err instanceof Error ? err.stack : err}`);
	}
}

// ---------------------------------------------------------------- processes

/** @type {string[]} everything n8n printed, for the secret scan */
const n8nOutputs = [];

function n8nEnv() {
	return {
		...process.env,
		N8N_USER_FOLDER: USER_FOLDER,
		// `execute --rawOutput` prints the run through n8n's logger: console is needed; file keeps a copy for the scan
		N8N_LOG_OUTPUT: 'console,file',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_FILE_LOCATION: N8N_LOG_FILE_SETTING,
		PATH: `${path.dirname(N8N_NODE_BIN)}:${process.env.PATH}`,
	};
}

/**
 * Runs one n8n CLI command, resolves with its exit code and output.
 * @param {string[]} args
 * @param {{ label: string, timeoutMs?: number }} opts
 * @returns {Promise<{code: number | null, stdout: string, stderr: string, ms: number}>}
 */
function n8n(args, { label, timeoutMs = 180_000 }) {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(N8N_NODE_BIN, [N8N_BIN, ...args], {
			env: n8nEnv(),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			stderr += `\n[run-e2e] timed out after ${timeoutMs} ms, killing n8n\n`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			const ms = Date.now() - started;
			n8nOutputs.push(stdout, stderr);
			fs.writeFileSync(path.join(ARTIFACTS, `${label}.stdout.txt`), stdout);
			fs.writeFileSync(path.join(ARTIFACTS, `${label}.stderr.txt`), stderr);
			console.log(`  (n8n ${args[0]} ${label}: exit ${code}, ${(ms / 1000).toFixed(1)} s)`);
			if (VERBOSE) console.log(stdout, stderr);
			resolve({ code, stdout, stderr, ms });
		});
	});
}

/**
 * The executions in n8n's SQLite database, read with n8n's own sqlite3 module (built for n8n's Node, so run there),
 * each with the error n8n stored for it (what the editor shows when the execution is opened): execution_data holds
 * the run in n8n's `flatted` format, which n8n's own copy of flatted parses.
 * @returns {{id: number, workflowId: string, status: string, finished: number, error: {message?: string, description?: string} | null}[]}
 */
function storedExecutions() {
	const script = `
    const n8nDir = require('path').dirname(require.resolve('n8n/package.json', { paths: [process.argv[1]] }));
    const sqlite3 = require(require.resolve('sqlite3', { paths: [n8nDir] }));
    const { parse } = require(require.resolve('flatted', { paths: [n8nDir] }));
    const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
    const sql = 'SELECT e.id, e.workflowId, e.status, e.finished, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ORDER BY e.id';
    db.all(sql, (err, rows) => {
      if (err) { console.error(err.message); process.exit(1); }
      console.log(JSON.stringify(rows.map(({ data, ...row }) => {
        const error = data ? parse(data).resultData?.error : undefined;
        return { ...row, error: error ? { message: error.message, description: error.description } : null };
      })));
      db.close();
    });`;
	const res = spawnSync(
		N8N_NODE_BIN,
		['-e', script, N8N_BIN, path.join(USER_FOLDER, '.n8n', 'database.sqlite')],
		{ encoding: 'utf8' },
	);
	if (res.status !== 0)
		throw new Error(`reading execution_entity / execution_data failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

/**
 * Both workflow files as one import (one n8n start instead of two). The HTTP Request nodes of the 1.1 workflows
 * read the double's state; its port is only known now.
 * @param {string} doubleUrl
 */
function workflowsForImport(doubleUrl) {
	const read = (/** @type {string} */ file) =>
		fs.readFileSync(path.join(__dirname, 'workflows', file), 'utf8');
	const all = [
		...JSON.parse(read('e2e-workflows.json')),
		...JSON.parse(read('e2e-workflows-v1.1.json').replaceAll('__STRIPE_DOUBLE_URL__', doubleUrl)),
	];
	const file = path.join(ARTIFACTS, 'workflows.json');
	fs.writeFileSync(file, JSON.stringify(all, null, 2));
	return file;
}

/**
 * `n8n execute` of one workflow; n8n prints the run as JSON also when the execution fails.
 * @param {string} workflowId
 * @param {string} label
 */
async function execute(workflowId, label) {
	const ex = await n8n(['execute', '--id', workflowId, '--rawOutput'], { label });
	/** @type {any} */
	let run;
	try {
		run = parseRun(ex.stdout);
	} catch (err) {
		check(`n8n printed the run as JSON (${label})`, false, String(err));
	}
	return { ...ex, run };
}

/** @returns {Promise<{url: string, port: number, child: import('child_process').ChildProcess}>} */
function startDouble() {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				path.join(REPO_ROOT, 'test/stripe-double/cli.js'),
				'--port',
				'0',
				'--key',
				SECRET_KEY,
				'--seed',
				'1',
			],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let buf = '';
		let err = '';
		const timer = setTimeout(
			() => reject(new Error(`Stripe double did not start: ${err}`)),
			15_000,
		);
		child.stderr.on('data', (d) => (err += d));
		child.stdout.on('data', (d) => {
			buf += d;
			const nl = buf.indexOf('\n');
			if (nl !== -1) {
				clearTimeout(timer);
				try {
					const info = JSON.parse(buf.slice(0, nl));
					resolve({ url: info.url, port: info.port, child });
				} catch (e) {
					reject(e);
				}
			}
		});
		child.on('exit', (code) => reject(new Error(`Stripe double exited (${code}): ${err}`)));
	});
}

/** @param {string} base @param {string} p @param {unknown} [body] */
async function control(base, p, body) {
	const res = await fetch(
		base + p,
		body === undefined
			? {}
			: {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify(body),
				},
	);
	if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
	return res.json();
}

// ---------------------------------------------------------------- the test

async function main() {
	const t0 = Date.now();
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	fs.mkdirSync(path.dirname(N8N_LOG_FILE), { recursive: true });

	heading(`setup (n8n ${N8N_VERSION})`);
	const double = await startDouble();
	console.log(`  Stripe double on ${double.url}`);
	const stopDouble = () => double.child.kill('SIGTERM');
	process.on('exit', stopDouble);

	try {
		const credsFile = path.join(ARTIFACTS, 'credentials.json');
		fs.writeFileSync(
			credsFile,
			JSON.stringify([
				{
					id: CRED_ID,
					name: 'Stripe Customer API (e2e double)',
					type: 'stripeCustomerApi',
					data: { secretKey: SECRET_KEY, stripeAccount: CONNECT_ACCOUNT, baseUrl: double.url },
				},
			]),
			{ mode: 0o600 },
		);
		const imp1 = await n8n(['import:credentials', `--input=${credsFile}`], {
			label: 'import-credentials',
		});
		fs.rmSync(credsFile); // holds the secret in clear text; the scan below must not find it anywhere else
		check('credentials imported', imp1.code === 0, imp1.stderr + imp1.stdout);
		const imp2 = await n8n(['import:workflow', `--input=${workflowsForImport(double.url)}`], {
			label: 'import-workflows',
		});
		check('workflows imported', imp2.code === 0, imp2.stderr + imp2.stdout);
		if (imp1.code !== 0 || imp2.code !== 0) return;

		const installed = path.join(
			USER_FOLDER,
			'.n8n/nodes/node_modules/n8n-nodes-stripe-customer/package.json',
		);
		check(
			'package installed from its tarball (not a symlink)',
			fs.existsSync(installed) && !fs.lstatSync(path.dirname(installed)).isSymbolicLink(),
		);
		check(
			'no second n8n-workflow next to the package',
			!fs.existsSync(path.join(USER_FOLDER, '.n8n/nodes/node_modules/n8n-workflow')),
			'n8n-workflow was installed into .n8n/nodes/node_modules: the node would use another copy than n8n',
		);

		// ------------------------------------------------------------ workflow 1
		await control(double.url, '/_double/reset', {});
		// The first create answers 500 (nothing stored), the second creates and drops the connection:
		// both must be retried with the same idempotency key and end as one customer each.
		await control(double.url, '/_double/faults', { failNext: { n: 1, how: { status: 500 } } });
		await control(double.url, '/_double/faults', {
			failNext: { n: 1, how: { drop: 'after-create' } },
		});
		heading('workflow "E2E: Stripe Customer (three branches)"');
		const ex1 = await n8n(['execute', '--id', 'e2eMainWorkflow', '--rawOutput'], {
			label: 'execute-main',
		});
		check('n8n execute exits 0', ex1.code === 0, ex1.stderr.slice(-3000) + ex1.stdout.slice(-3000));
		/** @type {any} */
		let run1;
		try {
			run1 = parseRun(ex1.stdout);
			checkRunSucceeded(run1);
		} catch (err) {
			check('--rawOutput is a JSON run', false, String(err));
		}
		const state1 = await control(double.url, '/_double/state');
		fs.writeFileSync(
			path.join(ARTIFACTS, 'double-state-main.json'),
			JSON.stringify(state1, null, 2),
		);
		if (run1) checkMainWorkflow(run1, state1);

		// ------------------------------------------------------------ workflow 2
		heading('workflow "E2E: Stripe Customer stops on a bad item"');
		await control(double.url, '/_double/reset', {});
		const ex2 = await n8n(['execute', '--id', 'e2eStopOnError', '--rawOutput'], {
			label: 'execute-stop',
		});
		const all2 = ex2.stdout + ex2.stderr;
		check(
			'n8n execute reports the failure (non-zero exit or error status)',
			ex2.code !== 0 || /"status":\s*"error"/.test(ex2.stdout),
			`exit ${ex2.code}`,
		);
		check(
			"the error names the field and the item ('[item 1] Account Balance (Cents)')",
			all2.includes('[item 1] Account Balance (Cents)'),
			all2.slice(-3000),
		);
		const state2 = await control(double.url, '/_double/state');
		fs.writeFileSync(
			path.join(ARTIFACTS, 'double-state-stop.json'),
			JSON.stringify(state2, null, 2),
		);
		checkEqual(
			'nothing reached Stripe (the good item is not created either)',
			state2.requests.length,
			0,
		);

		// ------------------------------------------------------------ workflow 3 (node version 1.1)
		await control(double.url, '/_double/reset', {});
		// Stripe creates the first three customers it is sent, then drops the connection before answering. These are
		// the top branch's, which runs first.
		await control(double.url, '/_double/faults', {
			failNext: { n: 3, how: { drop: 'after-create' } },
		});
		heading('workflow "node version 1.1 — Retry On Fail, and the Customer chain"');
		const ex3 = await execute('e2eV11ChainRetry', 'execute-v1.1-chain-retry');
		check('n8n execute exits 0', ex3.code === 0, ex3.stderr.slice(-3000) + ex3.stdout.slice(-3000));
		if (ex3.run) checkRunSucceeded(ex3.run);
		const state3 = await control(double.url, '/_double/state');
		fs.writeFileSync(
			path.join(ARTIFACTS, 'double-state-v1.1-chain-retry.json'),
			JSON.stringify(state3, null, 2),
		);
		if (ex3.run) {
			checkRetryOnFail(ex3.run, state3);
			checkChain(ex3.run, state3);
		}

		// ------------------------------------------------------------ workflow 4 (node version 1.1), run twice
		await control(double.url, '/_double/reset', {});
		heading(
			'workflow "node version 1.1 — a Stripe error on item 2 of 5 stops the run" (On Error: Stop)',
		);
		const ex4 = await execute('e2eV11StripeErrorStops', 'execute-v1.1-stripe-error');
		const state4 = await control(double.url, '/_double/state');
		fs.writeFileSync(
			path.join(ARTIFACTS, 'double-state-v1.1-stripe-error.json'),
			JSON.stringify(state4, null, 2),
		);
		const firstRun = checkStoppedOnStripeError(ex4, state4, []);

		heading('the same workflow run again: a new execution, Idempotency "Per Input" (the default)');
		const ex5 = await execute('e2eV11StripeErrorStops', 'execute-v1.1-stripe-error-again');
		const state5 = await control(double.url, '/_double/state');
		fs.writeFileSync(
			path.join(ARTIFACTS, 'double-state-v1.1-stripe-error-again.json'),
			JSON.stringify(state5, null, 2),
		);
		const secondRun = checkStoppedOnStripeError(ex5, state5, state4.requests, true);
		checkEqual(
			'no new customers: the double still holds the 4 of the first run',
			state5.customers.map((/** @type {any} */ c) => c.id),
			state4.customers.map((/** @type {any} */ c) => c.id),
		);
		check(
			'the error lists the same item → customer IDs as the first run',
			firstRun.length === 4 && JSON.stringify(secondRun) === JSON.stringify(firstRun),
			{ firstRun, secondRun },
		);
		/** @type {any[]} */
		const againCreates = state5.requests
			.slice(state4.requests.length)
			.filter((/** @type {any} */ r) => r.method === 'POST');
		checkEqual(
			'Stripe answered the 4 good items from its idempotency store (Idempotent-Replayed), the bad one with 400 again',
			againCreates.map((r) => [r.params.email, r.status, r.replayed]).sort(),
			[
				['bad@localhost', 400, false],
				...[0, 1, 3, 4].map((i) => [`stop${i}@example.com`, 200, true]),
			].sort(),
		);

		// ------------------------------------------------------------ executions list
		heading("executions as n8n stored them (the editor's Executions list)");
		guard('stored executions', () => {
			const stored = storedExecutions();
			const last = (/** @type {string} */ id) => stored.filter((e) => e.workflowId === id).pop();
			checkEqual(
				'"three branches": stored as success, finished',
				[last('e2eMainWorkflow')?.status, !!last('e2eMainWorkflow')?.finished],
				['success', true],
			);
			checkEqual(
				'"stops on a bad item": stored as error, not finished',
				[last('e2eStopOnError')?.status, !!last('e2eStopOnError')?.finished],
				['error', false],
			);
			checkEqual(
				'"Retry On Fail, and the Customer chain": stored as success, finished',
				[last('e2eV11ChainRetry')?.status, !!last('e2eV11ChainRetry')?.finished],
				['success', true],
			);
			const stopRuns = stored.filter((e) => e.workflowId === 'e2eV11StripeErrorStops');
			checkEqual(
				'"a Stripe error on item 2 of 5": both runs stored as error',
				stopRuns.map((e) => e.status),
				['error', 'error'],
			);
			const printed = ex4.run?.data?.resultData?.error;
			const kept = stopRuns[0]?.error;
			check(
				"the first run's stored error (what the editor shows) has the message and the list of created customers n8n printed",
				!!printed &&
					kept?.message === printed.message &&
					kept?.description === printed.description &&
					/- item 0 → cus_\w+ \(created\)/.test(kept?.description ?? ''),
				{ printed: { message: printed?.message, description: printed?.description }, stored: kept },
			);
		});

		// ------------------------------------------------------------ secrets
		heading('secret keys stay secret');
		const logText = fs.existsSync(N8N_LOG_FILE) ? fs.readFileSync(N8N_LOG_FILE, 'utf8') : '';
		check('n8n wrote a log file (debug level)', logText.length > 0, N8N_LOG_FILE);
		check(
			`n8n loaded the community package from .n8n/nodes (node type ${NODE_TYPE} and the trigger)`,
			/Loaded all credentials and nodes from n8n-nodes-stripe-customer.*"nodes":2/.test(logText),
		);
		const dbFiles = ['database.sqlite', 'database.sqlite-wal', 'database.sqlite-shm'].map((f) =>
			path.join(USER_FOLDER, '.n8n', f),
		);
		const places = {
			"n8n's stdout/stderr": n8nOutputs.join('\n'),
			"n8n's log file": logText,
			'the double-state dumps': JSON.stringify([state1, state2, state3, state4, state5]),
			"n8n's database (credentials encrypted, execution data)": dbFiles
				.filter((f) => fs.existsSync(f))
				.map((f) => fs.readFileSync(f).toString('latin1'))
				.join('\n'),
		};
		for (const [where, text] of Object.entries(places)) {
			const leaks = [SECRET_KEY].filter((s) => text.includes(s) || text.includes(s.slice(8)));
			check(`no secret key in ${where}`, leaks.length === 0, `found ${leaks.length} key(s)`);
		}
		check(
			'the scan sees what n8n stored (the Connect account ID is in the double state)',
			places['the double-state dumps'].includes(CONNECT_ACCOUNT),
		);
		check(
			"the database was scanned (it holds this run's executions)",
			places["n8n's database (credentials encrypted, execution data)"].includes('Ada Lovelace'),
		);
	} finally {
		stopDouble();
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		console.log(
			`\nn8n ${N8N_VERSION} e2e (${((Date.now() - t0) / 1000).toFixed(1)} s; artifacts in ${ARTIFACTS})`,
		);
		if (failed) {
			console.log('Failed:');
			for (const r of results.filter((x) => !x.ok)) console.log(`  ✘ ${r.name}`);
		}
		console.log(`${passed} passed, ${failed} failed`);
		process.exitCode = failed || !results.length ? 1 : 0;
	}
}

/** @param {any} run */
const checkRunSucceeded = (run) => checkRunSucceededIn(check, run, env);

/** @param {any} run @param {any} state */
function checkMainWorkflow(run, state) {
	/** @type {any[]} */
	const customers = state.customers;
	const byId = new Map(customers.map((c) => [c.id, c]));
	/** @param {string} email */
	const withEmail = (email) => customers.filter((c) => c.params.email === email);

	// ---- branch 1: several items, every field, pairing, coupon version, retries
	heading('branch 1: 3 items with expressions → Stripe Customer → Set (pairing)');
	guard('branch 1', () => {
		const out = outputOf(run, 'Stripe Customer');
		checkEqual('3 input items → 3 output items', out.length, 3);
		// a create retried after its answer was lost is answered from Stripe's store: the output says replayed: true
		const replayedIds = new Set(
			state.requests
				.filter(
					(/** @type {any} */ r) => r.replayed && r.method === 'POST' && r.path === '/v1/customers',
				)
				.map(
					(/** @type {any} */ r) =>
						customers.find((c) => c.idempotencyKey === r.idempotencyKey)?.id,
				),
		);
		check(
			'every output is { customerId: "cus_…" }, with replayed: true exactly where Stripe answered from its store, and nothing else',
			out.every(
				(i) =>
					/^cus_\w+$/.test(i.json.customerId) &&
					Object.keys(i.json).join() ===
						(replayedIds.has(i.json.customerId) ? 'customerId,replayed' : 'customerId') &&
					(i.json.replayed ?? true) === true,
			),
			{ outputs: out.map((i) => i.json), replayed: [...replayedIds] },
		);
		checkEqual(
			'pairedItem follows the input order',
			out.map((i) => i.pairedItem?.item ?? i.pairedItem),
			[0, 1, 2],
		);
		const paired = outputOf(run, 'Paired');
		checkEqual(
			"Set node reads $('Customers In').item in order",
			paired.map((i) => i.json.ref),
			['r0', 'r1', 'r2'],
		);
		check(
			"Set node's $json.customerId and $('Stripe Customer').item agree",
			paired.every(
				(p, k) =>
					p.json.customerId === out[k].json.customerId &&
					p.json.customerIdViaNode === out[k].json.customerId,
			),
			paired.map((p) => p.json),
		);
		const created = out.map((i) => byId.get(i.json.customerId));
		check(
			'each customerId exists in the double',
			created.every(Boolean),
			out.map((i) => i.json.customerId),
		);
		if (!created.every(Boolean)) return;
		checkEqual(
			'each customer was created from its own input item (email)',
			created.map((c) => c.params.email),
			paired.map((p) => p.json.email),
		);
		const [ada, grace, alan] = created;

		checkEqual(
			'item 0: name, email, phone, description',
			[ada.params.name, ada.params.email, ada.params.phone, ada.params.description],
			['Ada Lovelace', 'ada@example.com', '+44 20 7946 0000', 'E2E item 0'],
		);
		checkEqual('item 0: billing address (country upper-cased)', ada.params.address, {
			line1: '12 Analytical St',
			line2: 'Floor 2',
			city: 'London',
			state: 'Greater London',
			postal_code: 'N1 9GU',
			country: 'GB',
		});
		checkEqual('item 0: shipping with recipient name and phone', ada.params.shipping, {
			name: 'Ada at Work',
			address: { line1: '1 Engine Way', city: 'Manchester', postal_code: 'M1 1AA', country: 'GB' },
			phone: '+44 20 7946 0001',
		});
		checkEqual('item 0: balance -500 (cents)', ada.params.balance, '-500');
		checkEqual('item 0: VAT ID as tax_id_data eu_vat', ada.params.tax_id_data, [
			{ type: 'eu_vat', value: 'DE123456789' },
		]);
		checkEqual('item 0: metadata from expressions', ada.params.metadata, {
			ref: 'r0',
			plan: 'pro',
		});
		checkEqual(
			'item 0: business_name and source',
			[ada.params.business_name, ada.params.source],
			['Analytical Engines Ltd', 'tok_visa'],
		);
		check('item 0: no coupon sent', !('coupon' in ada.params), ada.params);
		checkEqual(
			'item 1: coupon SUMMER25 and balance 250',
			[grace.params.coupon, grace.params.balance],
			['SUMMER25', '250'],
		);
		checkEqual(
			'item 1: no shipping, no tax IDs (empty fields are not sent)',
			['shipping' in grace.params, 'tax_id_data' in grace.params],
			[false, false],
		);
		checkEqual('item 2: only name, email and metadata sent', Object.keys(alan.params).sort(), [
			'email',
			'metadata',
			'name',
		]);

		checkEqual(
			`coupon rule: the coupon customer was created with Stripe-Version ${COUPON_VERSION}`,
			grace.apiVersion,
			COUPON_VERSION,
		);
		check(
			`coupon rule: the others were not sent ${COUPON_VERSION}`,
			ada.apiVersion !== COUPON_VERSION && alan.apiVersion !== COUPON_VERSION,
			[ada.apiVersion, alan.apiVersion],
		);
		checkEqual(
			"Connect: the credential's account is sent as Stripe-Account",
			created.map((c) => c.account),
			[CONNECT_ACCOUNT, CONNECT_ACCOUNT, CONNECT_ACCOUNT],
		);
		checkEqual(
			'idempotency: Options → Idempotency Key expression used for item 1',
			grace.idempotencyKey,
			'e2e-order-1001',
		);
		const derived = [ada.idempotencyKey, alan.idempotencyKey];
		// n8n-sc:<instance>:<workflow>:<node>:input:<hash of the request> (per input), or with the execution before the node
		const derivedForThisNode =
			/^n8n-sc:[^:]+:e2eMainWorkflow:(?:[^:]+:)?00000000-0000-4000-8000-000000000002:/;
		check(
			'idempotency: the others get distinct derived keys n8n-sc:<instance>:<workflow>:…<node>…',
			derived.every((k) => derivedForThisNode.test(k ?? '')) && derived[0] !== derived[1],
			derived,
		);

		const mainEmails = ['ada@example.com', 'grace@example.com', 'alan@example.com'];
		/** @type {any[]} */
		const posts = state.requests.filter(
			(/** @type {any} */ r) =>
				r.method === 'POST' && r.path === '/v1/customers' && mainEmails.includes(r.params.email),
		);
		const faulted = posts.filter((/** @type {any} */ r) => r.fault);
		checkEqual(
			'faults injected: one 500 and one dropped-after-create',
			faulted.map((r) => r.fault).sort(),
			['failNext:500', 'failNext:drop-after-create'].sort(),
		);
		check(
			'each faulted request was retried with the same idempotency key',
			faulted.every((f) =>
				posts.some((r) => r !== f && r.idempotencyKey === f.idempotencyKey && r.status === 200),
			),
			posts.map((r) => ({
				key: r.idempotencyKey,
				status: r.status,
				fault: r.fault,
				replayed: r.replayed,
			})),
		);
		checkEqual(
			'retries created no duplicates: one customer per email',
			mainEmails.map((e) => withEmail(e).filter((c) => c.account === CONNECT_ACCOUNT).length),
			[1, 1, 1],
		);
	});

	// ---- branch 2: continue on fail
	heading("branch 2: onError 'continueRegularOutput' with 2 bad items of 4");
	guard('branch 2', () => {
		const out = outputOf(run, 'Stripe Customer (continue)');
		checkEqual(
			'4 input items → 4 output items, in order',
			out.map((i) => i.pairedItem?.item),
			[0, 1, 2, 3],
		);
		check(
			'items 0 and 3 have a customerId',
			/^cus_/.test(out[0]?.json.customerId) && /^cus_/.test(out[3]?.json.customerId),
			out.map((i) => i.json),
		);
		const e1 = out[1]?.json ?? {};
		check(
			'item 1 (balance 12.5) is an error item naming the field',
			typeof e1.error === 'string' &&
				e1.field === 'Account Balance (Cents)' &&
				e1.error.includes('[item 1]') &&
				!e1.customerId,
			e1,
		);
		const e2 = out[2]?.json ?? {};
		check(
			"item 2 (email 'bad@localhost') is Stripe's 400 as an error item",
			typeof e2.error === 'string' &&
				e2.statusCode === 400 &&
				e2.param === 'email' &&
				!e2.customerId,
			e2,
		);
		checkEqual(
			'the double created the good items only',
			['good0@example.com', 'badbalance@example.com', 'bad@localhost', 'good3@example.com'].map(
				(e) => withEmail(e).length,
			),
			[1, 0, 0, 1],
		);
		check(
			'the bad balance never reached Stripe',
			!state.requests.some((/** @type {any} */ r) => r.params?.email === 'badbalance@example.com'),
		);
		const good0 = withEmail('good0@example.com')[0];
		checkEqual(
			'the good items are the output customers',
			[good0?.id, withEmail('good3@example.com')[0]?.id],
			[out[0]?.json.customerId, out[3]?.json.customerId],
		);
		checkEqual('item 0 balance 100 sent as an integer', good0?.params.balance, '100');
	});

	// ---- branch 3: If a Customer With This Email Exists → Use the Existing One
	heading("branch 3: Options → ifEmailExists 'useExisting'");
	guard('branch 3', () => {
		const out = outputOf(run, 'Stripe Customer (dedupe)');
		const ada = withEmail('ada@example.com').find((c) => c.account === CONNECT_ACCOUNT);
		const dups = withEmail('dup@example.com');
		checkEqual(
			'existing email → its customer, action "existing"',
			[out[0]?.json.customerId, out[0]?.json.action],
			[ada?.id, 'existing'],
		);
		checkEqual(
			'new email → created once',
			[out[1]?.json.action, dups.length, out[1]?.json.customerId],
			['created', 1, dups[0]?.id],
		);
		checkEqual(
			'same email again in the same run → the one just created',
			[out[2]?.json.action, out[2]?.json.customerId],
			['existing', dups[0]?.id],
		);
		checkEqual(
			'pairedItem in order',
			out.map((i) => i.pairedItem?.item),
			[0, 1, 2],
		);
	});

	heading('all branches');
	checkEqual('the double holds exactly 3 + 2 + 1 customers', customers.length, 6);
	const ran = Object.entries(run.data.resultData.runData);
	checkEqual(
		'every node ran once, branches top to bottom',
		ran.map(([name, runs]) => `${name}×${runs.length}`),
		[
			'Start',
			'Customers In',
			'Stripe Customer',
			'Paired',
			'Bad Items In',
			'Stripe Customer (continue)',
			'Dedupe Items In',
			'Stripe Customer (dedupe)',
		].map((n) => `${n}×1`),
	);
}

/** @param {number} n */
const range = (n) => Array.from({ length: n }, (_, i) => i);
/** @param {any} state @returns {Map<string, string>} customer ID → email it was created with */
const emailsById = (state) =>
	new Map(state.customers.map((/** @type {any} */ c) => [c.id, c.params.email]));

/** @param {any} run @param {any} state */
function checkRetryOnFail(run, state) {
	heading(
		'Retry On Fail (Max Tries 2) with Options → Max Retries 0: Stripe creates 3 customers, their answers are lost',
	);
	guard('Retry On Fail', () => {
		const node = 'Create (Retry On Fail)';
		const emails = range(10).map((i) => `retry${i}@example.com`);
		const out = outputOf(run, node);
		const emailOf = emailsById(state);
		checkEqual(
			'10 items → 10 outputs, each paired to its input item and holding the customer made from it (email)',
			out.map((i) => [i.pairedItem?.item, emailOf.get(i.json.customerId)]),
			emails.map((email, i) => [i, email]),
		);
		checkEqual(
			'the node shows one run, without error (the failed try is not kept)',
			run.data.resultData.runData[node].map((/** @type {any} */ r) => r.error ?? 'ok'),
			['ok'],
		);
		checkEqual(
			'no duplicates: one customer per email',
			emails.map(
				(e) => state.customers.filter((/** @type {any} */ c) => c.params.email === e).length,
			),
			emails.map(() => 1),
		);
		/** @type {any[]} */
		const creates = state.requests.filter(
			(/** @type {any} */ r) =>
				r.method === 'POST' && r.path === '/v1/customers' && emails.includes(r.params.email),
		);
		const [firstTry, retry] = [creates.slice(0, 10), creates.slice(10)];
		checkEqual('exactly one retry: every item sent once per try (20 creates)', creates.length, 20);
		checkEqual(
			'first try: 3 created and dropped before the answer (Max Retries 0: not retried inside the node), 7 answered',
			firstTry.map((r) => r.fault ?? String(r.status)).sort(),
			[...Array(3).fill('failNext:drop-after-create'), ...Array(7).fill('200')].sort(),
		);
		check(
			"the retry sent the first try's 10 idempotency keys; Stripe answered all 10 from its store (Idempotent-Replayed)",
			retry.every((r) => r.status === 200 && r.replayed) &&
				JSON.stringify(retry.map((r) => r.idempotencyKey).sort()) ===
					JSON.stringify(firstTry.map((r) => r.idempotencyKey).sort()),
			retry.map((r) => ({ key: r.idempotencyKey, status: r.status, replayed: r.replayed })),
		);
	});
}

/**
 * Each step's output against the double's state read by the HTTP Request node right after it ("Double after …").
 * @param {any} run @param {any} finalState
 */
function checkChain(run, finalState) {
	heading(
		'Customer chain, node version 1.1: each step reads the previous one ($json.customerId), the double read after each step',
	);
	const steps = [
		'Create',
		'Get',
		'Update',
		'Create or Update',
		'Search',
		'Get Many',
		'Delete',
		'Get Deleted',
	];
	guard('chain order', () => {
		const ran = Object.entries(run.data.resultData.runData).map(
			([name, runs]) => `${name}×${/** @type {any[]} */ (runs).length}`,
		);
		const chain = ran.slice(ran.indexOf('Chain In×1'));
		// Search sees writes late at Stripe (the double: 1 s): the chain waits before it, as the README tells users to
		const order = [
			'Chain In',
			...steps.flatMap((s) =>
				s === 'Search' ? ['Wait for search', s, `Double after ${s}`] : [s, `Double after ${s}`],
			),
		];
		checkEqual(
			'every step and its read of the double ran once, each read right after its step; Search after a wait',
			chain,
			order.map((n) => `${n}×1`),
		);
	});
	/** @type {Record<string, any>} */
	const after = {};
	/** @type {Record<string, any[]>} */
	const out = {};
	/** @type {Record<string, any[]>} */
	const sent = {};
	// the retry branch ran before the chain: its creates come first in the double's request log
	// (its creates, and the reads of the customers Stripe replayed to it: the node checks that a replayed customer still exists)
	const retryIds = new Set(
		finalState.customers
			.filter((/** @type {any} */ c) => /^retry\d+@example\.com$/.test(c.params?.email ?? ''))
			.map((/** @type {any} */ c) => `/v1/customers/${c.id}`),
	);
	let previous = {
		requests: finalState.requests.filter(
			(/** @type {any} */ r) =>
				/^retry\d+@example\.com$/.test(r.params?.email ?? '') ||
				(r.method === 'GET' && retryIds.has(r.path)),
		),
	};
	try {
		for (const step of steps) {
			after[step] = outputOf(run, `Double after ${step}`)[0]?.json;
			out[step] = outputOf(run, step).map((i) => ({ ...i.json, pairedItem: i.pairedItem?.item }));
			// the requests of this step alone (control requests are not recorded), sorted: items run concurrently
			sent[step] = after[step].requests
				.slice(previous.requests.length)
				.map(
					(/** @type {any} */ r) =>
						`${r.method} ${r.path}${r.query?.email ? `?email=${r.query.email}` : ''}${r.query?.query ? `?query=${r.query.query}` : ''} → ${r.status}`,
				)
				.sort();
			previous = after[step];
		}
	} catch (err) {
		check('every step ran and its read of the double is there', false, String(err));
		return;
	}
	/** @param {any} state @param {string} id */
	const stored = (state, id) => state.customers.find((/** @type {any} */ c) => c.id === id);
	/** @param {any} a @param {any} b */
	const sameCustomers = (a, b) => JSON.stringify(a.customers) === JSON.stringify(b.customers);
	const ids = out.Create.map((o) => o.customerId);
	const [id0, id1] = ids;

	heading('chain 1: Create (billing address and shipping as 1.1 groups)');
	guard('Create', () => {
		checkEqual(
			'2 items → { customerId } each, paired in order',
			out.Create.map((o) => [Object.keys(o).join(), o.pairedItem]),
			[
				['customerId,pairedItem', 0],
				['customerId,pairedItem', 1],
			],
		);
		checkEqual('the double: 2 creates, nothing else', sent.Create, [
			'POST /v1/customers → 200',
			'POST /v1/customers → 200',
		]);
		checkEqual(
			'the double holds them, made from their own items (email)',
			ids.map((id) => stored(after.Create, id)?.params.email),
			['chain0@example.com', 'chain1@example.com'],
		);
		const p0 = stored(after.Create, id0)?.params ?? {};
		checkEqual(
			'item 0: the grouped billing address and shipping arrive as Stripe fields; description and metadata from expressions',
			[p0.address, p0.shipping, p0.description, p0.metadata],
			[
				{ line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' },
				{
					name: 'Zero Warehouse',
					address: { line1: 'Lagerweg 5', city: 'Potsdam', postal_code: '14467', country: 'DE' },
				},
				'chain k0',
				{ ref: 'k0' },
			],
		);
		checkEqual(
			'item 1: its address, and no shipping (all its shipping fields are empty)',
			[
				stored(after.Create, id1)?.params.address,
				'shipping' in (stored(after.Create, id1)?.params ?? {}),
			],
			[{ line1: '5 Rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' }, false],
		);
	});

	heading('chain 2: Get (customerId from Create)');
	guard('Get', () => {
		checkEqual(
			'the customers Create made, paired in order',
			out.Get.map((o) => [o.customerId, o.pairedItem]),
			[
				[id0, 0],
				[id1, 1],
			],
		);
		check(
			'each output customer is the one the double holds',
			out.Get.every(
				(o) =>
					JSON.stringify(o.customer) === JSON.stringify(stored(after.Get, o.customerId)?.customer),
			),
			out.Get,
		);
		checkEqual(
			'the double: 2 reads by ID, nothing changed',
			[sent.Get, sameCustomers(after.Create, after.Get)],
			[[`GET /v1/customers/${id0} → 200`, `GET /v1/customers/${id1} → 200`].sort(), true],
		);
	});

	heading("chain 3: Update (customerId and name from Get's output)");
	guard('Update', () => {
		checkEqual('{ customerId } of the same customers, paired in order', out.Update, [
			{ customerId: id0, pairedItem: 0 },
			{ customerId: id1, pairedItem: 1 },
		]);
		// An address given in part: the customer is read first, so the parts not given are sent as they are.
		checkEqual(
			'the double: each customer read, then updated',
			sent.Update,
			[
				`GET /v1/customers/${id0} → 200`,
				`GET /v1/customers/${id1} → 200`,
				`POST /v1/customers/${id0} → 200`,
				`POST /v1/customers/${id1} → 200`,
			].sort(),
		);
		const c0 = stored(after.Update, id0)?.customer ?? {};
		checkEqual(
			'the double shows the new name, the grouped address (line 1 kept from Get), metadata added to the old',
			[c0.name, c0.address, c0.metadata],
			[
				'Chain Zero (updated)',
				{
					city: 'Hamburg',
					country: 'DE',
					line1: 'Hauptstr. 1',
					line2: null,
					postal_code: '20095',
					state: null,
				},
				{ ref: 'k0', stage: 'updated' },
			],
		);
		checkEqual(
			'item 1 too; nothing else changed (shipping kept)',
			[
				stored(after.Update, id1)?.customer.name,
				stored(after.Update, id1)?.customer.address.city,
				c0.shipping?.name,
			],
			['Chain One (updated)', 'Hamburg', 'Zero Warehouse'],
		);
	});

	heading('chain 4: Create or Update, an existing email (item 0) and a new one (item 1)');
	guard('Create or Update', () => {
		const created = out['Create or Update'][1]?.customerId;
		checkEqual(
			'existing email → that customer, "updated"; new email → a new customer, "created"',
			out['Create or Update'].map((o) => [
				o.customerId === id0
					? 'id0'
					: o.customerId === id1
						? 'id1'
						: /^cus_/.test(o.customerId)
							? 'new'
							: o.customerId,
				o.action,
				o.pairedItem,
			]),
			[
				['id0', 'updated', 0],
				['new', 'created', 1],
			],
		);
		checkEqual(
			'the double: a lookup by email each (the new one also by search, in any case), then an update of the existing customer and one create',
			sent['Create or Update'],
			[
				'GET /v1/customers?email=chain0@example.com → 200',
				`POST /v1/customers/${id0} → 200`,
				'GET /v1/customers?email=chain-new@example.com → 200',
				"GET /v1/customers/search?query=email:'chain-new@example.com' → 200",
				'POST /v1/customers → 200',
			].sort(),
		);
		const c0 = stored(after['Create or Update'], id0)?.customer ?? {};
		const fresh = stored(after['Create or Update'], created);
		checkEqual(
			'the double: item 0 updated (name, phone, metadata), item 1 created with its values',
			[
				c0.name,
				c0.phone,
				c0.metadata,
				fresh?.params.email,
				fresh?.params.name,
				fresh?.params.phone,
			],
			[
				'Chain Zero (upserted)',
				'+49 30 55500',
				{ ref: 'k0', stage: 'upserted' },
				'chain-new@example.com',
				'Chain One (upserted)',
				'+49 30 55501',
			],
		);
		checkEqual(
			'3 chain customers now, none twice',
			after['Create or Update'].customers.filter((/** @type {any} */ c) =>
				/^chain/.test(c.params.email),
			).length,
			3,
		);
	});

	heading("chain 5: Search (Stripe's query language, the email of the chain's input item)");
	guard('Search', () => {
		checkEqual(
			'one result per item: the chain customers, as { customerId, customer }, paired in order',
			out.Search.map((o) => [o.customerId, o.customer?.email, o.pairedItem]),
			[
				[id0, 'chain0@example.com', 0],
				[id1, 'chain1@example.com', 1],
			],
		);
		checkEqual(
			'the double: 2 searches, nothing changed',
			[sent.Search, sameCustomers(after['Create or Update'], after.Search)],
			[
				[
					`GET /v1/customers/search?query=email:'chain0@example.com' → 200`,
					`GET /v1/customers/search?query=email:'chain1@example.com' → 200`,
				],
				true,
			],
		);
	});

	heading("chain 6: Get Many (Filters → Email from Search's output)");
	guard('Get Many', () => {
		checkEqual(
			'one customer per item, paired in order',
			out['Get Many'].map((o) => [o.customerId, o.pairedItem]),
			[
				[id0, 0],
				[id1, 1],
			],
		);
		checkEqual(
			'the double: 2 lists by email, nothing changed',
			[sent['Get Many'], sameCustomers(after.Search, after['Get Many'])],
			[
				[
					'GET /v1/customers?email=chain0@example.com → 200',
					'GET /v1/customers?email=chain1@example.com → 200',
				],
				true,
			],
		);
	});

	heading("chain 7: Delete (customerId from Get Many's output)");
	guard('Delete', () => {
		checkEqual('{ customerId, deleted: true }, paired in order', out.Delete, [
			{ customerId: id0, deleted: true, pairedItem: 0 },
			{ customerId: id1, deleted: true, pairedItem: 1 },
		]);
		checkEqual(
			'the double: 2 deletes',
			sent.Delete,
			[`DELETE /v1/customers/${id0} → 200`, `DELETE /v1/customers/${id1} → 200`].sort(),
		);
		const upserted = out['Create or Update'][1]?.customerId;
		checkEqual(
			'the double: both deleted, the customer made by Create or Update still there',
			[id0, id1, upserted].map((id) => !!stored(after.Delete, id)?.deleted),
			[true, true, false],
		);
	});

	heading("chain 8: Get a deleted customer (customerId from Delete's output)");
	guard('Get Deleted', () => {
		checkEqual('{ customerId, deleted: true }, paired in order', out['Get Deleted'], [
			{ customerId: id0, deleted: true, pairedItem: 0 },
			{ customerId: id1, deleted: true, pairedItem: 1 },
		]);
		checkEqual(
			'the double: 2 reads, nothing changed since the deletes',
			[
				sent['Get Deleted'],
				sameCustomers(after.Delete, after['Get Deleted']),
				sameCustomers(after['Get Deleted'], finalState),
			],
			[[`GET /v1/customers/${id0} → 200`, `GET /v1/customers/${id1} → 200`].sort(), true, true],
		);
	});
}

/**
 * @param {{code: number | null, stdout: string, stderr: string, run: any}} ex
 * @param {any} state the double after the run
 * @param {any[]} earlier the double's requests before the run
 * @param {boolean} [again] a re-run: its customers were made by the first run, and the error must say so
 * @returns {string[]} the "item N → cus_…" the error lists
 */
function checkStoppedOnStripeError(ex, state, earlier, again = false) {
	/** @type {string[]} */
	const lines = [];
	guard('stopped run', () => {
		const error = ex.run?.data?.resultData?.error ?? {};
		const description = String(error.description ?? '');
		check('n8n execute fails (exit code not 0)', ex.code !== 0, `exit ${ex.code}`);
		check(
			"the error is Stripe's answer for item 2: '[item 2] Stripe: … bad@localhost …'",
			/^\[item 2\] Stripe: .*bad@localhost/.test(error.message ?? ''),
			error.message,
		);
		// n8n's CLI prints only the message as its error line; the description is in the run it prints (and stores)
		check(
			"n8n's error line says the same",
			ex.stdout.replace(/\x1b\[[0-9;]*m/g, '').includes(`| error | ${error.message}`),
			ex.stdout.slice(-2000),
		);
		const listed = [...description.matchAll(/^- item (\d+) → (cus_\w+)/gm)];
		lines.push(...listed.map((m) => `item ${m[1]} → ${m[2]}`));
		const emailOf = emailsById(state);
		checkEqual(
			'its description lists the customers, item → customer ID (checked against the double by email)',
			listed.map((m) => [Number(m[1]), emailOf.get(m[2])]),
			[0, 1, 3, 4].map((i) => [i, `stop${i}@example.com`]),
		);
		if (!again) {
			check(
				'… as "Done before the run stopped (4 items):" "- item 0 → cus_… (created)" …, and says a re-run (Per Input) returns them',
				/Done before the run stopped \(4 items\):\n(- item \d → cus_\w+ \(created\)\n){4}Running the node again .*\(Options → Idempotency: Per Input\)/.test(
					description,
				),
				description,
			);
		} else {
			check(
				'… and on the re-run says those customers were created earlier and returned by Stripe, not created again',
				/Done before the run stopped \(4 items\):\n(- item \d → cus_\w+ \(created earlier; Stripe returned it for the same idempotency key\)\n){4}/.test(
					description,
				),
				description,
			);
		}
		/** @type {any[]} */
		const creates = state.requests
			.slice(earlier.length)
			.filter((/** @type {any} */ r) => r.method === 'POST');
		checkEqual(
			'every item was sent (the others after item 2 failed too); Stripe refused item 2 with 400',
			creates.map((r) => `${r.params.email} → ${r.status}`).sort(),
			[0, 1, 2, 3, 4]
				.map((i) => (i === 2 ? 'bad@localhost → 400' : `stop${i}@example.com → 200`))
				.sort(),
		);
		checkEqual(
			'the double holds the 4 other customers',
			state.customers.map((/** @type {any} */ c) => c.params.email).sort(),
			[0, 1, 3, 4].map((i) => `stop${i}@example.com`),
		);
	});
	return lines;
}

main().catch((err) => {
	console.error(err);
	console.log(
		`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`,
	);
	process.exit(1);
});
