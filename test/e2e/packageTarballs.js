// @ts-check
'use strict';

/**
 * The package as users get it, for the upgrade test: a release built from git at the commit CHANGELOG.md names for
 * it, this build, and this build repacked under a higher version (what an Update brings); and a tarball installed
 * into an n8n user folder the way that n8n installs a community package.
 */

const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { releaseCommit } = require('../../scripts/releases');

const REPO_ROOT = path.resolve(__dirname, '../..');
const PACKAGE_NAME = 'n8n-nodes-stripe-customer';

/** @param {string} cwd @param {string[]} args @param {NodeJS.ProcessEnv} [env] */
function npm(cwd, args, env = process.env) {
	return execFileSync('npm', args, {
		cwd,
		env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
	}).trim();
}

/** `npm pack` of a package folder into `destination`; returns the tarball's path. @param {string} folder @param {string} destination */
function pack(folder, destination) {
	fs.mkdirSync(destination, { recursive: true });
	const name = npm(folder, ['pack', '--silent', '--pack-destination', destination])
		.split('\n')
		.pop();
	return path.join(destination, /** @type {string} */ (name));
}

/**
 * A release as it was published: its commit (CHANGELOG.md's "Release commit:") checked out with `git archive` into a
 * temporary folder outside the repository (no linter, formatter, compiler or git looks there), built with the
 * project's toolchain (a `node_modules` link to this repository's) and packed. Cached by commit in `cacheDir`.
 * @param {string} version e.g. 0.2.0 @param {string} cacheDir
 * @returns {{ tgz: string, commit: string }}
 */
function releaseTarball(version, cacheDir) {
	const named = releaseCommit(REPO_ROOT, version);
	let commit;
	try {
		commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${named}^{commit}`], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		}).trim();
	} catch {
		throw new Error(
			`${version}'s release commit ${named} (CHANGELOG.md) is not in this clone; a shallow clone needs "git fetch --unshallow"`,
		);
	}
	const tgz = path.join(
		cacheDir,
		'releases',
		`${PACKAGE_NAME}-${version}-${commit.slice(0, 12)}.tgz`,
	);
	if (fs.existsSync(tgz)) return { tgz, commit };
	const work = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-release-${version}-`));
	try {
		const tar = execFileSync('git', ['archive', '--format=tar', commit], {
			cwd: REPO_ROOT,
			maxBuffer: 512 * 1024 * 1024,
		});
		execFileSync('tar', ['-x', '-C', work], { input: tar });
		fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(work, 'node_modules'));
		npm(work, ['run', 'build']);
		const packed = pack(work, path.join(work, '.packed'));
		fs.mkdirSync(path.dirname(tgz), { recursive: true });
		fs.copyFileSync(packed, `${tgz}.partial`);
		fs.renameSync(`${tgz}.partial`, tgz);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
	return { tgz, commit };
}

/** This build (`dist/`, built by the caller) packed into `destination`. @param {string} destination */
function currentTarball(destination) {
	return pack(REPO_ROOT, destination);
}

/**
 * A tarball's package under another version, as the next release of the same code: package.json's version changed,
 * packed again into `destination`.
 * @param {string} tgz @param {string} version @param {string} destination
 */
function repackAs(tgz, version, destination) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-repack-'));
	try {
		execFileSync('tar', ['-xzf', tgz, '-C', work]);
		const folder = path.join(work, 'package');
		const manifest = path.join(folder, 'package.json');
		const packageJson = JSON.parse(fs.readFileSync(manifest, 'utf8'));
		packageJson.version = version;
		fs.writeFileSync(manifest, `${JSON.stringify(packageJson, null, 2)}\n`);
		return pack(folder, destination);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/** A digest of a package's files (paths and contents), package.json left out: which build a folder holds. @param {string} folder */
function buildDigest(folder) {
	const hash = crypto.createHash('sha256');
	/** @param {string} dir */
	const walk = (dir) => {
		for (const entry of fs
			.readdirSync(dir, { withFileTypes: true })
			.sort((a, b) => (a.name < b.name ? -1 : 1))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== 'node_modules') walk(full);
			} else if (path.relative(folder, full) !== 'package.json') {
				hash.update(path.relative(folder, full)).update('\0').update(fs.readFileSync(full));
			}
		}
	};
	walk(folder);
	return hash.digest('hex').slice(0, 16);
}

/** The digest of a tarball's package (see buildDigest). @param {string} tgz */
function tarballDigest(tgz) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-digest-'));
	try {
		execFileSync('tar', ['-xzf', tgz, '-C', work]);
		return buildDigest(path.join(work, 'package'));
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/**
 * Installs (or updates to) a tarball in `<userFolder>/.n8n/nodes` as the given n8n does, n8n being stopped:
 * - n8n 2.x (Settings → Community Nodes → Install/Update): the package folder `node_modules/<name>` moved aside, the
 *   tarball extracted in its place, its dev, peer and optional dependencies dropped from its package.json, `npm install`
 *   run in it for its own dependencies, its version written into the folder's package.json;
 * - n8n 1.x: `npm install <package>` in the folder (n8n 1.85 runs `npm install <name>@<version>` there), with the
 *   flags the rest of the harness uses (no scripts, no dev or peer dependencies: n8n-workflow is n8n's own).
 * Returns what is installed: its version and build digest.
 * @param {string} userFolder @param {string} tgz @param {number} n8nMajor @param {string} nodeBin the Node that runs n8n
 */
function installLikeN8n(userFolder, tgz, n8nMajor, nodeBin) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const ledger = path.join(nodesDir, 'package.json');
	fs.mkdirSync(nodesDir, { recursive: true });
	if (!fs.existsSync(ledger))
		fs.writeFileSync(
			ledger,
			`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`,
		);
	const env = { ...process.env, PATH: `${path.dirname(nodeBin)}:${process.env.PATH}` };
	if (n8nMajor >= 2) {
		const backup = `${packageDir}.backup-${Date.now()}`;
		if (fs.existsSync(packageDir)) fs.renameSync(packageDir, backup);
		fs.mkdirSync(packageDir, { recursive: true });
		execFileSync('tar', ['-xzf', tgz, '-C', packageDir, '--strip-components=1']);
		const manifest = path.join(packageDir, 'package.json');
		const {
			devDependencies: _dev,
			peerDependencies: _peer,
			optionalDependencies: _optional,
			...packageJson
		} = JSON.parse(fs.readFileSync(manifest, 'utf8'));
		fs.writeFileSync(manifest, JSON.stringify(packageJson, null, 2));
		npm(
			packageDir,
			[
				'install',
				'--audit=false',
				'--fund=false',
				'--bin-links=false',
				'--install-strategy=shallow',
				'--ignore-scripts=true',
				'--package-lock=false',
				'--loglevel=error',
			],
			env,
		);
		const installed = JSON.parse(fs.readFileSync(ledger, 'utf8'));
		installed.dependencies = { ...installed.dependencies, [PACKAGE_NAME]: packageJson.version };
		fs.writeFileSync(ledger, JSON.stringify(installed, null, 2));
		fs.rmSync(backup, { recursive: true, force: true });
	} else {
		npm(
			nodesDir,
			[
				'install',
				'--no-audit',
				'--no-fund',
				'--ignore-scripts',
				'--omit=dev',
				'--legacy-peer-deps',
				'--bin-links=false',
				'--loglevel=error',
				tgz,
			],
			env,
		);
	}
	return installedPackage(userFolder);
}

/** The package installed in a user folder: its version and build digest. @param {string} userFolder */
function installedPackage(userFolder) {
	const packageDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	return { version: /** @type {string} */ (version), digest: buildDigest(packageDir) };
}

module.exports = {
	PACKAGE_NAME,
	releaseTarball,
	currentTarball,
	repackAs,
	tarballDigest,
	installLikeN8n,
	installedPackage,
};
