// @ts-check
'use strict';

const { createHash } = require('crypto');
const { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } = require('fs');
const path = require('path');

// The checkout the scripts belong to, and where they put what they generate (the compiled scripts, earlier releases
// built from git, the bench's chart): under node_modules/.cache, which neither git, prettier, tsc nor eslint reads,
// in a folder of the checkout's own (git worktrees may share one node_modules).
//   node scripts/checkoutPaths.js generated       prints that folder
//   node scripts/checkoutPaths.js scripts-build   prints where the scripts are compiled to (and marks it as this
//                                                 checkout's)

/** Written beside the compiled scripts: the checkout they were compiled from. */
const CHECKOUT_MARKER = 'checkout-root';

/**
 * @param {string} root  a checkout
 * @returns {string}
 */
function generatedDir(root) {
	const real = realpathSync(root);
	const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
	return path.join(
		root,
		'node_modules',
		'.cache',
		'n8n-nodes-stripe-customer',
		`${path.basename(real)}-${id}`,
	);
}

/** @param {string} root */
function scriptsBuildDir(root) {
	return path.join(generatedDir(root), 'build');
}

/**
 * This checkout: the folder above scripts/, or, for a compiled copy, the checkout named beside it (its real path is
 * under node_modules, which may be shared by several checkouts).
 * @returns {string}
 */
function findRepoRoot() {
	const marker = path.join(__dirname, '..', CHECKOUT_MARKER);
	if (existsSync(marker)) return readFileSync(marker, 'utf8').trim();
	return path.resolve(__dirname, '..');
}

const repoRoot = findRepoRoot();

module.exports = { repoRoot, generatedDir, scriptsBuildDir };

if (require.main === module) {
	const command = process.argv[2];
	if (command === 'generated') {
		const folder = generatedDir(repoRoot);
		mkdirSync(folder, { recursive: true });
		console.log(folder);
	} else if (command === 'scripts-build') {
		const folder = scriptsBuildDir(repoRoot);
		mkdirSync(folder, { recursive: true });
		writeFileSync(path.join(folder, CHECKOUT_MARKER), `${repoRoot}\n`);
		console.log(folder);
	} else {
		console.error('usage: node scripts/checkoutPaths.js generated | scripts-build');
		process.exit(2);
	}
}
