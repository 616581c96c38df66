// @ts-check
'use strict';

const { execFileSync } = require('child_process');
const { readFileSync } = require('fs');
const path = require('path');

// The releases CHANGELOG.md lists: each section's version, date and release commit. The bench and the upgrade test
// build an earlier release from git at the commit its section names; the publish workflow and npm run release
// refuse a tag whose version has no section.
//   node scripts/releases.js commit 0.2.0    prints the release commit of 0.2.0
//   node scripts/releases.js check v1.0.0    exits 1 unless CHANGELOG.md has a section for 1.0.0 and package.json says 1.0.0
//   node scripts/releases.js latest          prints the newest released version

/** @typedef {{ version: string; date?: string; commit?: string; body: string }} Release */

const SECTION = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$/;
const COMMIT = /^Release commit: ([0-9a-f]{7,40})\s*$/m;

/**
 * @param {string} text  CHANGELOG.md
 * @returns {Release[]}  newest first, as the changelog lists them ("Unreleased" left out)
 * @throws when a "## " line is not a section heading: a release it would silently leave out
 */
function parseChangelog(text) {
	/** @type {Release[]} */
	const releases = [];
	/** @type {Release | undefined} */
	let current;
	for (const line of text.split('\n')) {
		if (!line.startsWith('## ')) {
			if (current) current.body += `${line}\n`;
			continue;
		}
		const heading = SECTION.exec(line);
		if (!heading)
			throw new Error(
				`CHANGELOG.md: "${line}" is not a section heading ("## [x.y.z] - yyyy-mm-dd" or "## [Unreleased]")`,
			);
		current = { version: heading[1], date: heading[2], body: '' };
		if (current.version !== 'Unreleased') releases.push(current);
	}
	for (const release of releases) release.commit = COMMIT.exec(release.body)?.[1];
	return releases;
}

/**
 * @param {string} repoRoot
 * @returns {Release[]}
 */
function readReleases(repoRoot) {
	return parseChangelog(readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8'));
}

/** @param {string} repoRoot */
function packageVersion(repoRoot) {
	return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
}

/**
 * The commit a release was made from, as its changelog section names it.
 * @param {string} repoRoot
 * @param {string} version
 */
function releaseCommit(repoRoot, version) {
	const release = readReleases(repoRoot).find((entry) => entry.version === version);
	if (!release) throw new Error(`CHANGELOG.md has no section for ${version}`);
	if (!release.commit)
		throw new Error(`CHANGELOG.md's section for ${version} names no "Release commit:"`);
	return release.commit;
}

/**
 * package.json's version at a commit, or undefined when git does not have that commit.
 * @param {string} repoRoot
 * @param {string} commit
 * @returns {string | undefined}
 */
function versionAtCommit(repoRoot, commit) {
	try {
		const text = execFileSync('git', ['show', `${commit}:package.json`], {
			cwd: repoRoot,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		return JSON.parse(text).version;
	} catch {
		return undefined;
	}
}

/**
 * Why a tag may not be published, or undefined when it may: it is package.json's version, and its section says
 * what changed.
 * @param {string} tag  e.g. v1.0.0
 * @param {string} packageJsonVersion
 * @param {Release[]} releases
 */
function tagProblem(tag, packageJsonVersion, releases) {
	const version = tag.replace(/^v/, '');
	if (packageJsonVersion !== version)
		return `the tag ${tag} is not package.json's version (${packageJsonVersion})`;
	const release = releases.find((entry) => entry.version === version);
	if (!release)
		return `CHANGELOG.md has no section "## [${version}] - <date>": say what changed before publishing`;
	if (!release.body.trim()) return `CHANGELOG.md's section for ${version} is empty`;
	return undefined;
}

module.exports = {
	parseChangelog,
	readReleases,
	packageVersion,
	releaseCommit,
	versionAtCommit,
	tagProblem,
};

if (require.main === module) {
	const { repoRoot } = require('./checkoutPaths');
	const [command, argument] = process.argv.slice(2);
	try {
		if (command === 'commit' && argument) console.log(releaseCommit(repoRoot, argument));
		else if (command === 'latest') console.log(readReleases(repoRoot)[0]?.version ?? '');
		else if (command === 'check' && argument) {
			const problem = tagProblem(argument, packageVersion(repoRoot), readReleases(repoRoot));
			if (problem) throw new Error(problem);
			console.log(`${argument}: package.json and CHANGELOG.md agree`);
		} else
			throw new Error('usage: node scripts/releases.js commit <version> | check <tag> | latest');
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		process.exit(1);
	}
}
