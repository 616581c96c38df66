// @ts-check
'use strict';

/**
 * Workflows saved with an earlier release, opened in the real n8n editor after the update (called by
 * test/e2e/run-upgrade-e2e.js on n8n 2.x, which holds the updated user folder and the running n8n). For each saved
 * node of this package, as a user sees it: the canvas marks no issue on it; its panel marks no parameter; every saved
 * expression and number is shown; and saving the workflow in the editor (which keeps only the parameters the node
 * still knows and shows) stores every saved parameter unchanged.
 */

const { launchChromium, signIn, recordFailure, until } = require('./browserSupport');

/** @typedef {import('playwright-core').Page} Page */

const PACKAGE_PREFIX = 'n8n-nodes-stripe-customer.';

/** The same value with object keys sorted, so two saves compare whatever order the editor writes. @param {any} value @returns {any} */
function canonical(value) {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object')
		return Object.fromEntries(
			Object.keys(value)
				.sort()
				.map((key) => [key, canonical(value[key])]),
		);
	return value;
}

/** What the panel must show of a node's saved values: its expressions (as `{{ … }}`) and numbers. @param {any} value @returns {string[]} */
function shownValues(value) {
	if (typeof value === 'string') return value.startsWith('=') ? [value.slice(1).trim()] : [];
	if (typeof value === 'number') return [String(value)];
	if (value && typeof value === 'object') return Object.values(value).flatMap(shownValues);
	return [];
}

/**
 * @param {{ url: string, email: string, password: string, workflows: any[], artifacts: string,
 *   check: (name: string, ok: boolean, detail?: unknown) => void,
 *   rest: (method: string, path: string) => Promise<any> }} options
 */
async function checkSavedWorkflowsInEditor(options) {
	const { url, workflows, check, rest } = options;
	const report = {
		check,
		step: (/** @type {string} */ message) => console.log(`  - ${message}`),
	};
	process.env.BROWSER_ARTIFACTS ??= options.artifacts;
	const browser = await launchChromium();
	const page = await (
		await browser.newContext({ viewport: { width: 1600, height: 1000 } })
	).newPage();
	try {
		await signIn(page, options, report);
		for (const workflow of workflows) {
			try {
				await checkWorkflow(page, url, workflow, check, rest);
			} catch (error) {
				await recordFailure(report, page, `${workflow.name}: opened and saved`, workflow.id, error);
			}
		}
	} finally {
		await browser.close();
	}
}

/**
 * @param {Page} page @param {string} url @param {any} workflow
 * @param {(name: string, ok: boolean, detail?: unknown) => void} check
 * @param {(method: string, path: string) => Promise<any>} rest
 */
async function checkWorkflow(page, url, workflow, check, rest) {
	const ours = /** @type {any[]} */ (workflow.nodes).filter((n) =>
		n.type.startsWith(PACKAGE_PREFIX),
	);
	await page.goto(`${url}/workflow/${workflow.id}`);
	const canvasNode = (/** @type {string} */ name) =>
		page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	for (const node of workflow.nodes) await canvasNode(node.name).waitFor();
	const ndv = page.getByTestId('ndv');
	for (const node of ours) {
		const label = `${workflow.name} → ${node.name} (version ${node.typeVersion})`;
		check(
			`${label}: no issue on the canvas`,
			(await canvasNode(node.name).getByTestId('node-issues').count()) === 0,
		);
		await canvasNode(node.name).dblclick();
		await ndv.waitFor();
		await ndv
			.getByTestId('parameter-input-operation')
			.or(ndv.getByTestId('parameter-input-events'))
			.first()
			.waitFor();
		const marked = await ndv
			.getByTestId('parameter-item')
			.filter({ has: page.getByTestId('parameter-issues') })
			.allInnerTexts();
		check(
			`${label}: no parameter marked in its panel`,
			marked.length === 0,
			marked.map((text) => text.split('\n')[0]),
		);
		const expected = shownValues(node.parameters);
		// The panel fills its fields in a moment after it opens: read it until all are there (or 10 s pass).
		const notShown = async () => {
			const text = [
				await ndv.innerText(),
				...(await ndv
					.locator('input, textarea')
					.evaluateAll((els) => els.map((el) => /** @type {HTMLInputElement} */ (el).value))),
			].join('\n');
			return expected.filter((value) => !text.includes(value));
		};
		await until(async () => (await notShown()).length === 0);
		const missing = await notShown();
		check(
			`${label}: its ${expected.length} saved expressions and numbers are shown`,
			missing.length === 0,
			missing,
		);
		await ndv.getByTestId('ndv-close-button').click();
		await ndv.waitFor({ state: 'hidden' });
	}

	// A user moves a node and saves: the editor writes the parameters it knows and shows.
	const before = await rest('GET', `/workflows/${workflow.id}`);
	const first = canvasNode(workflow.nodes[0].name);
	const box = await first.boundingBox();
	if (!box) throw new Error(`no box for ${workflow.nodes[0].name}`);
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 40, { steps: 10 });
	await page.mouse.up();
	await page.keyboard.press('Control+s');
	const saved = await until(async () => {
		const current = await rest('GET', `/workflows/${workflow.id}`);
		return current.versionId !== before.versionId ? current : undefined;
	});
	check(`${workflow.name}: saved in the editor`, !!saved);
	if (!saved) return;
	const changed = ours
		.map((node) => ({
			node: node.name,
			imported: canonical(node.parameters),
			saved: canonical(
				saved.nodes.find((/** @type {any} */ n) => n.name === node.name)?.parameters,
			),
		}))
		.filter((entry) => JSON.stringify(entry.imported) !== JSON.stringify(entry.saved));
	check(
		`${workflow.name}: saving it in the editor keeps every saved parameter of its Stripe nodes`,
		changed.length === 0,
		changed,
	);
}

module.exports = { checkSavedWorkflowsInEditor };
