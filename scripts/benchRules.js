// @ts-check
'use strict';

const { execFileSync, spawn } = require('child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('fs');
const path = require('path');
const { createInterface } = require('readline');

const { READY_LINE } = require('./benchRulesChild');
const { stopOnExit } = require('./benchSupport');
const { generatedDir, repoRoot } = require('./checkoutPaths');
const { releaseCommit } = require('./releases');

// Runs a bench plan with the node of a set of rules: the current node (this build), or the node exactly as at a git
// commit, built from git into rules-<name>/ in the checkout's generated folder (checkoutPaths.js) with the project's
// tsc. Every plan runs in a child process of its own (benchRulesChild.js), so each run starts with a fresh limiter:
// the limiter lives as long as the process.

/** @typedef {{ name: string; commit?: string }} Rules  without a commit: the node of this build */

/** @type {Rules} */
const CURRENT_RULES = { name: 'current' };
/** Release 0.2.0, the old limiter: Concurrency 10 by default, rate lowered on 429s and raised again slowly. */
/** @type {Rules} */
const RULES_0_2_0 = { name: '0.2.0', commit: releaseCommit(repoRoot, '0.2.0') };

/** What a commit's copy needs to run its workflow runner (its benchSupport.runNode). */
const PATHS_FROM_GIT = [
	'nodes',
	'credentials',
	'test/support',
	'test/stripe-double',
	'tsconfig.json',
	'tsconfig.scripts.json',
	'package.json',
	'scripts/benchSupport.js',
];

/**
 * The benchSupport module of `rules`: this build's, or that of the commit's copy (built once; kept while the
 * commit is the same).
 * @param {Rules} rules
 * @returns {string}
 */
function benchSupportOf(rules) {
	if (!rules.commit) return path.join(__dirname, 'benchSupport.js');
	const folder = path.join(generatedDir(repoRoot), `rules-${rules.name}`);
	const support = path.join(folder, 'build', 'scripts', 'benchSupport.js');
	const marker = path.join(folder, '.commit');
	const commit = execFileSync('git', ['rev-parse', `${rules.commit}^{commit}`], {
		cwd: repoRoot,
		encoding: 'utf8',
	}).trim();
	if (existsSync(support) && existsSync(marker) && readFileSync(marker, 'utf8') === commit)
		return support;

	process.stderr.write(
		`bench: building the node of ${commit.slice(0, 7)} (rules ${rules.name}) into ${path.relative(repoRoot, folder)}\n`,
	);
	rmSync(folder, { recursive: true, force: true });
	mkdirSync(folder, { recursive: true });
	const tar = execFileSync('git', ['archive', '--format=tar', commit, ...PATHS_FROM_GIT], {
		cwd: repoRoot,
		maxBuffer: 256 * 1024 * 1024,
	});
	execFileSync('tar', ['-x', '-C', folder], { input: tar });
	// Under node_modules, so the copy finds the checkout's packages and @types by Node's resolution.
	const tsc = require.resolve('typescript/bin/tsc', { paths: [repoRoot] });
	execFileSync(process.execPath, [tsc, '-p', path.join(folder, 'tsconfig.scripts.json')], {
		cwd: folder,
		stdio: 'inherit',
	});
	writeFileSync(marker, commit);
	return support;
}

/**
 * @typedef {object} Plan
 * @property {string} baseUrl The double's API URL.
 * @property {string} controlUrl Where the double's /_double/* answers.
 * @property {string} secretKey The key the double accepts (the credential's).
 * @property {number} count Items, one customer each.
 * @property {string} prefix Of the items' emails (see benchSupport.itemsFor).
 * @property {Record<string, number | boolean>} options The node's options; the others keep their defaults.
 * @property {object} [faults] Posted to /_double/faults after the double's reset, right before the node starts, so
 *   a rate-limit window's period starts with the run.
 */

/**
 * @typedef {object} PlanResult
 * @property {number} seconds The workflow's run, as benchSupport.runNode times it (the child's start-up excluded).
 * @property {number} startedAt When the run started (Date.now(), as the double's requests[].at).
 * @property {Array<string | undefined>} customerIds The output's customerId, per input item.
 * @property {string} [error] The workflow's error, or the first item's error (continue-on-fail output).
 */

/**
 * @typedef {object} PreparedPlan
 * @property {() => Promise<PlanResult>} run Lets the child start: it resets the double, posts the plan's faults and
 *   runs the node over the plan's items.
 */

/**
 * Starts a child process for `plan` with the node of `rules`; resolves once it has loaded the node and warmed up,
 * so that several runs can start their timed part together.
 * @param {Rules} rules
 * @param {Plan} plan
 * @returns {Promise<PreparedPlan>}
 */
async function preparePlan(rules, plan) {
	const child = stopOnExit(
		spawn(
			process.execPath,
			[path.join(__dirname, 'benchRulesChild.js'), benchSupportOf(rules), JSON.stringify(plan)],
			{
				stdio: ['pipe', 'pipe', 'inherit'],
			},
		),
	);
	/** @type {string[]} */
	const lines = [];
	// 'close': the child has exited and its stdout has been read to the end.
	/** @type {Promise<number | null>} */
	const closed = new Promise((resolve) => child.once('close', resolve));
	await new Promise((resolve, reject) => {
		createInterface({ input: child.stdout }).on('line', (line) => {
			if (line === READY_LINE) resolve(undefined);
			else lines.push(line);
		});
		closed.then((code) =>
			reject(
				new Error(
					`the bench child for rules ${rules.name} exited with ${code} before it was ready`,
				),
			),
		);
	});
	return {
		run: async () => {
			child.stdin.end('go\n');
			const code = await closed;
			if (code !== 0)
				throw new Error(`the bench child for rules ${rules.name} exited with ${code}`);
			return JSON.parse(lines.pop() ?? '');
		},
	};
}

/**
 * preparePlan, then run.
 * @param {Rules} rules
 * @param {Plan} plan
 * @returns {Promise<PlanResult>}
 */
async function runPlan(rules, plan) {
	return await (await preparePlan(rules, plan)).run();
}

module.exports = { CURRENT_RULES, RULES_0_2_0, benchSupportOf, preparePlan, runPlan };
