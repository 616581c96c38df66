// @ts-check
'use strict';

/**
 * What the real-n8n end-to-end runners share: the n8n under test (from the environment scripts/n8n/test-e2e.sh sets),
 * the log of checks with its closing count, polling, the Stripe double in its own process, n8n's CLI and the run
 * `n8n execute --rawOutput` prints, and an n8n server driven through the REST API the editor uses.
 */

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '../..');
/** The owner every runner signs in as: the runners share one n8n user folder, and n8n sets its owner up once. */
const OWNER = { email: 'owner@example.com', password: 'E2eOwner1pass' };

/**
 * The n8n under test and this runner's artifacts folder; a runner started on its own stops here.
 * @param {string} runner e.g. "run-stop-e2e.js" @param {string} artifactsName a folder in the n8n user folder
 */
function runnerEnv(runner, artifactsName) {
	/** @param {string} name */
	const required = (name) => {
		const value = process.env[name];
		if (!value) {
			console.error(`${runner}: env ${name} is required (run it through scripts/n8n/test-e2e.sh)`);
			process.exit(2);
		}
		return value;
	};
	const nodeBin = required('N8N_NODE_BIN');
	const n8nBin = required('N8N_BIN');
	const userFolder = required('N8N_USER_FOLDER');
	const n8nDir = path.dirname(path.dirname(n8nBin));
	const version = /** @type {string} */ (
		JSON.parse(fs.readFileSync(path.join(n8nDir, 'package.json'), 'utf8')).version
	);
	const artifacts = path.join(userFolder, artifactsName);
	fs.mkdirSync(artifacts, { recursive: true });
	return {
		nodeBin,
		n8nBin,
		userFolder,
		/** the n8n package folder, to load n8n's own copies of its dependencies */
		n8nDir,
		version,
		major: Number(version.split('.')[0]),
		artifacts,
		verbose: process.env.E2E_VERBOSE === '1',
	};
}

/** @typedef {ReturnType<typeof runnerEnv>} RunnerEnv */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * The runner's log: `heading` starts a section (its title prefixes the checks' names in the summary), `check` records a
 * claim and prints ✔/✘ (with what was seen when it fails), `finish` lists the failures, prints "N passed, N failed"
 * and sets the exit code.
 */
function createChecks() {
	const startedAt = Date.now();
	/** @type {{name: string, ok: boolean}[]} */
	const results = [];
	let section = '';
	/** @param {string} name @param {boolean} ok @param {unknown} [detail] shown on failure */
	const check = (name, ok, detail) => {
		results.push({ name: section ? `${section}: ${name}` : name, ok });
		const shown =
			ok || detail === undefined
				? ''
				: `\n      ${(typeof detail === 'string' ? detail : JSON.stringify(detail)).slice(0, 1500)}`;
		console.log(`${ok ? '  ✔' : '  ✘'} ${name}${shown}`);
	};
	return {
		results,
		check,
		/** @param {string} name @param {unknown} actual @param {unknown} expected */
		checkEqual(name, actual, expected) {
			check(
				name,
				JSON.stringify(actual) === JSON.stringify(expected),
				`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
			);
		},
		/** @param {string} title */
		heading(title) {
			section = title;
			console.log(`\n== ${title}`);
		},
		/** @param {string} title e.g. "n8n 2.41.1 stop e2e" @param {string} artifacts */
		finish(title, artifacts) {
			const passed = results.filter((result) => result.ok).length;
			const failed = results.length - passed;
			console.log(
				`\n${title} (${((Date.now() - startedAt) / 1000).toFixed(1)} s; artifacts in ${artifacts})`,
			);
			if (failed)
				for (const result of results.filter((r) => !r.ok)) console.log(`  ✘ ${result.name}`);
			console.log(`${passed} passed, ${failed} failed`);
			process.exitCode = failed ? 1 : 0;
		},
	};
}

/** @returns {Promise<number>} a port free on 127.0.0.1 right now */
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

/**
 * The Stripe double in its own process (its CLI), accepting `secretKey`.
 * @param {string} secretKey @returns {Promise<{url: string, child: import('child_process').ChildProcess}>}
 */
function startDoubleProcess(secretKey) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				path.join(REPO_ROOT, 'test/stripe-double/cli.js'),
				'--port',
				'0',
				'--key',
				secretKey,
				'--seed',
				'1',
				// n8n runs on loopback here, as on a developer's machine with the Stripe CLI forwarding.
				'--local-webhooks',
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		let err = '';
		const timer = setTimeout(
			() => reject(new Error(`Stripe double did not start: ${err}`)),
			15_000,
		);
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

/** What the double holds and received (`GET /_double/state`), kept as double-state.json for a failed run. @param {string} doubleUrl @param {string} artifacts */
async function saveDoubleState(doubleUrl, artifacts) {
	await fetch(`${doubleUrl}/_double/state`)
		.then(async (res) =>
			fs.writeFileSync(
				path.join(artifacts, 'double-state.json'),
				JSON.stringify(await res.json(), null, 1),
			),
		)
		.catch(() => {});
}

/**
 * An n8n CLI command (import:credentials, import:workflow, execute…); its output goes to `<artifacts>/<label>.txt`.
 * A command still running after `timeoutMs` is killed (its output says so).
 * @param {RunnerEnv} env @param {string[]} args @param {string} label @param {Record<string, string>} [extraEnv]
 * @returns {Promise<{code: number | null, output: string, stdout: string}>} `output`: stdout and stderr as printed
 */
function n8nCli(env, args, label, extraEnv = {}, timeoutMs = 300_000) {
	return new Promise((resolve) => {
		const child = spawn(env.nodeBin, [env.n8nBin, ...args], {
			env: {
				...process.env,
				...extraEnv,
				PATH: `${path.dirname(env.nodeBin)}:${process.env.PATH}`,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		let stdout = '';
		const timer = setTimeout(() => {
			output += `\n[${label}] still running after ${timeoutMs / 1000} s: killed\n`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.stdout.on('data', (d) => {
			output += d;
			stdout += d;
		});
		child.stderr.on('data', (d) => (output += d));
		child.on('close', (code) => {
			clearTimeout(timer);
			fs.writeFileSync(path.join(env.artifacts, `${label}.txt`), output);
			resolve({ code, output, stdout });
		});
	});
}

/**
 * Imports Stripe Customer credentials with n8n's CLI. The file holds the secret key in clear text, so it is readable
 * only by this user and removed at once: the runs' secret scans must find the key nowhere else.
 * @param {RunnerEnv} env @param {Array<{id: string, name: string, data: Record<string, string>}>} credentials
 */
async function importCredentials(env, credentials) {
	const file = path.join(env.artifacts, 'credentials.json');
	const saved = credentials.map((credential) => ({ ...credential, type: 'stripeCustomerApi' }));
	fs.writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
	try {
		return await n8nCli(env, ['import:credentials', `--input=${file}`], 'import-credentials');
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * `n8n execute --rawOutput` prints the run as pretty JSON through n8n's logger (`this.log` → logger.info),
 * so other log lines share stdout, and at debug level the block is framed as
 * "<time> | info  | {" … "} {<log metadata>}". Take the first line ending in "{" that is either bare or
 * such a log prefix, and the shortest block from there that parses.
 * @param {string} stdout
 */
function parseRun(stdout) {
	const lines = stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
	const first = lines.findIndex((l) => l === '{' || /\| info\s*\| \{$/.test(l));
	if (first !== -1) {
		const block = ['{'];
		for (let i = first + 1; i < lines.length; i++) {
			const line = lines[i];
			if (!line.startsWith('}')) {
				block.push(line);
				continue;
			}
			try {
				return JSON.parse([...block, '}'].join('\n'));
			} catch {
				block.push(line); // a "}" inside the run, not its end
			}
		}
	}
	throw new Error(`no JSON run in n8n's output:\n${stdout.slice(0, 2000)}`);
}

/** @param {any} run @param {string} node @returns {any[]} items of output 0 of the node's first run */
function outputOf(run, node) {
	const r = run?.data?.resultData?.runData?.[node];
	if (!r)
		throw new Error(
			`node "${node}" did not run; ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')}`,
		);
	return r[0]?.data?.main?.[0] ?? [];
}

/**
 * Checks that a run `n8n execute --rawOutput` printed succeeded. n8n 2.x prints it with status "success"; n8n 1.x
 * prints the status the run had when it started ("running") and sets the final one only in its database, so there
 * the check is finished: true instead.
 * @param {(name: string, ok: boolean, detail?: unknown) => void} check @param {any} run @param {RunnerEnv} env
 */
function checkRunSucceeded(check, run, env) {
	const error = run.data?.resultData?.error;
	if (env.major >= 2 || run.status !== 'running') {
		check('execution status is success', run.status === 'success' && !error, error ?? run.status);
		return;
	}
	check(
		`execution finished without error (n8n ${env.version} prints status "running" in --rawOutput: checked finished: true instead)`,
		run.finished === true && !error,
		error ?? { status: run.status, finished: run.finished },
	);
}

/** `n8n start` on a port, with an owner signed in, driven through the REST API the editor uses. */
class N8nServer {
	/** @param {RunnerEnv} env @param {number} port */
	constructor(env, port, owner = OWNER) {
		this.env = env;
		this.port = port;
		this.owner = owner;
		this.url = `http://127.0.0.1:${port}`;
		/** @type {import('child_process').ChildProcess | undefined} */
		this.child = undefined;
		this.starts = 0;
		this.cookie = '';
	}

	/** Starts n8n (its output in `<artifacts>/n8n-start-N.log`), sets up the owner and signs in. */
	async start() {
		this.starts++;
		const logFile = path.join(this.env.artifacts, `n8n-start-${this.starts}.log`);
		const log = fs.openSync(logFile, 'w');
		this.child = spawn(this.env.nodeBin, [this.env.n8nBin, 'start'], {
			env: {
				...process.env,
				N8N_PORT: String(this.port),
				PATH: `${path.dirname(this.env.nodeBin)}:${process.env.PATH}`,
			},
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
		if (ready !== 'ready')
			throw new Error(`n8n did not start (${ready || 'timeout'}); see ${logFile}`);
		const setup = spawn(
			process.execPath,
			[
				path.join(REPO_ROOT, 'scripts/n8n/setup-owner.js'),
				this.url,
				this.owner.email,
				this.owner.password,
				'60',
			],
			{ stdio: 'inherit' },
		);
		await new Promise((resolve) => setup.on('close', resolve));
		const login = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				emailOrLdapLoginId: this.owner.email,
				email: this.owner.email,
				password: this.owner.password,
			}),
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

	/**
	 * n8n 2.x applies a publish in the background (its publication outbox): waits until the version is live, and fails
	 * with the trigger's error when its activation failed.
	 * @param {string} id @param {string} versionId
	 */
	async publicationApplied(id, versionId) {
		/** @type {any} */
		let status;
		const settled = await until(async () => {
			status = await this.rest('GET', `/workflows/${id}/publication-status`);
			return (
				status.status !== 'in_progress' &&
				(status.liveVersionId === versionId ||
					status.triggers.some((/** @type {any} */ t) => t.status === 'failed'))
			);
		}, 60_000);
		const failed = status?.triggers?.filter((/** @type {any} */ t) => t.status === 'failed') ?? [];
		if (!settled || failed.length)
			throw new Error(`publication of ${id} did not apply: ${JSON.stringify(status)}`);
	}

	/** Activation as the editor does it: n8n 2.x publishes the saved version; n8n 1.x saves with Active on. @param {string} id */
	async activate(id) {
		const workflow = await this.rest('GET', `/workflows/${id}`);
		if (this.env.major < 2)
			return await this.rest('PATCH', `/workflows/${id}`, {
				active: true,
				versionId: workflow.versionId,
			});
		await this.rest('POST', `/workflows/${id}/activate`, { versionId: workflow.versionId });
		await this.publicationApplied(id, workflow.versionId);
	}

	/** @param {string} id */
	async deactivate(id) {
		const workflow = await this.rest('GET', `/workflows/${id}`);
		if (this.env.major < 2)
			return await this.rest('PATCH', `/workflows/${id}`, {
				active: false,
				versionId: workflow.versionId,
			});
		await this.rest('POST', `/workflows/${id}/deactivate`, {});
		await until(
			async () =>
				(await this.rest('GET', `/workflows/${id}/publication-status`)).status === 'not_published',
			60_000,
		);
	}

	/** The workflow's executions (id, status, mode…), oldest first. @param {string} workflowId @returns {Promise<any[]>} */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await this.rest('GET', `/executions?filter=${filter}&limit=100`);
		return /** @type {any[]} */ (list.results ?? list).sort((a, b) => Number(a.id) - Number(b.id));
	}
}

module.exports = {
	REPO_ROOT,
	runnerEnv,
	sleep,
	until,
	createChecks,
	freePort,
	startDoubleProcess,
	saveDoubleState,
	n8nCli,
	importCredentials,
	parseRun,
	outputOf,
	checkRunSucceeded,
	N8nServer,
};
