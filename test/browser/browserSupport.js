// @ts-check
'use strict';

/**
 * What the browser tests share: the n8n and Stripe double that scripts/n8n/test-browser.sh started (N8N_READY_FILE),
 * the log of checks and steps with its closing count, polling, screenshots, Debian's Chromium, signing in, and the
 * artifacts of a failed section.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium, selectors } = require('playwright-core');

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{url: string, email: string, password: string, doubleUrl: string, credentialName: string, workflowId: string}} ReadyEnv */

/** Every screenshot lands here (git-ignored); SCREENSHOT_DIR moves the README's pictures (docs/images/ holds its copies). */
const SHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'browser');
const README_SHOTS = path.resolve(process.env.SCREENSHOT_DIR || SHOTS);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** The started n8n's address, owner login, double and credential; a test run on its own stops here. @param {string} testFile */
function readyEnv(testFile) {
	const readyFile = process.env.N8N_READY_FILE;
	if (!readyFile || !fs.existsSync(readyFile)) {
		console.error(
			`${testFile}: N8N_READY_FILE is missing (run it through scripts/n8n/test-browser.sh)`,
		);
		process.exit(2);
	}
	return /** @type {ReadyEnv} */ (JSON.parse(fs.readFileSync(readyFile, 'utf8')));
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the last value. @template T @param {() => Promise<T>} probe */
async function until(probe, ms = 10_000) {
	const end = Date.now() + ms;
	let value = await probe();
	while (!value && Date.now() < end) {
		await sleep(200);
		value = await probe();
	}
	return value;
}

/**
 * The test's log: `check` records a claim and prints ✔/✘ (with what was seen when it fails), `step` prints what the
 * user does next with the time since start, `finish` prints "N passed, N failed" and sets the exit code (1 on any
 * failure, or when nothing was checked).
 */
function createReport() {
	const startedAt = Date.now();
	/** @type {{name: string, ok: boolean, detail?: string}[]} */
	const results = [];
	const seconds = () => ((Date.now() - startedAt) / 1000).toFixed(1);
	return {
		results,
		/** @param {string} name @param {boolean} ok @param {unknown} [detail] */
		check(name, ok, detail) {
			const shown =
				ok || detail === undefined
					? undefined
					: typeof detail === 'string'
						? detail
						: JSON.stringify(detail);
			results.push({ name, ok, detail: shown });
			console.log(
				`${ok ? '  ✔' : '  ✘'} ${name}${shown ? `\n      ${shown.slice(0, 1500)}` : ''}`,
			);
		},
		/** @param {string} message */
		step(message) {
			console.log(`- [${seconds().padStart(5)} s] ${message}`);
		},
		/** @param {string} title e.g. "browser test" */
		finish(title) {
			const passed = results.filter((result) => result.ok).length;
			const failed = results.length - passed;
			console.log(`\n${title} (${seconds()} s)`);
			console.log(`${passed} passed, ${failed} failed`);
			process.exitCode = failed || !results.length ? 1 : 0;
		},
	};
}

/** @typedef {ReturnType<typeof createReport>} Report */

/**
 * `screenshot(page, file)`: the README's pictures (`readmePictures`) go to README_SHOTS, the others to SHOTS.
 * @param {Report} report @param {string[]} readmePictures
 */
function screenshotter(report, readmePictures) {
	fs.mkdirSync(SHOTS, { recursive: true });
	fs.mkdirSync(README_SHOTS, { recursive: true });
	/** @param {Page} page @param {string} file */
	return async (page, file) => {
		const dir = readmePictures.includes(file) ? README_SHOTS : SHOTS;
		await page.mouse.move(5, 5); // no hover tooltips in the picture
		await sleep(300);
		await page.screenshot({ path: path.join(dir, file) });
		report.step(`screenshot ${path.relative(process.cwd(), path.join(dir, file))}`);
	};
}

/** Debian's Chromium, headless, never a downloaded browser; n8n marks its elements with data-test-id. */
async function launchChromium() {
	selectors.setTestIdAttribute('data-test-id');
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Signs in as the owner; throws (the section fails) when n8n stays on its sign-in page. @param {Page} page @param {ReadyEnv} env @param {Report} report */
async function signIn(page, env, report) {
	report.step(`sign in at ${env.url} as ${env.email}`);
	await page.goto(`${env.url}/signin`);
	await page.locator('input[name=emailOrLdapLoginId]').fill(env.email);
	await page.locator('input[name=password]').fill(env.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	report.step('signed in');
}

/** @type {string | undefined} one folder for the failures of a run */
let artifactsDir;

/**
 * A failed section: its check, and the page as it was (a screenshot and the HTML) in $BROWSER_ARTIFACTS or a temp folder.
 * @param {Report} report @param {Page} page @param {string} name @param {string} file @param {unknown} error
 */
async function recordFailure(report, page, name, file, error) {
	report.check(name, false, error instanceof Error ? error.stack || error.message : String(error));
	artifactsDir ??=
		process.env.BROWSER_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-browser-'));
	const artifacts = artifactsDir;
	fs.mkdirSync(artifacts, { recursive: true });
	const shot = path.join(artifacts, `${file}.png`);
	await page.screenshot({ path: shot }).catch(() => {});
	fs.writeFileSync(path.join(artifacts, `${file}.html`), await page.content().catch(() => ''));
	console.log(`  failure screenshot: ${shot}`);
}

module.exports = {
	readyEnv,
	sleep,
	until,
	createReport,
	screenshotter,
	launchChromium,
	signIn,
	recordFailure,
};
