// @ts-check
'use strict';

// The child process of benchRules.runPlan:
//   node benchRulesChild.js <a benchSupport.js> '<plan as JSON>'
// loads that benchSupport (this build's, or a commit's copy: only its runNode and itemsFor are used, so both rules
// run the same workflow), resets the double, posts the plan's faults, runs the node, and prints one JSON line:
// the PlanResult.

/**
 * @param {string} controlUrl
 * @param {string} endpoint
 * @param {object} body
 */
async function postControl(controlUrl, endpoint, body) {
	const response = await fetch(`${controlUrl}/_double/${endpoint}`, {
		method: 'POST',
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json' },
	});
	if (!response.ok) throw new Error(`the double's /_double/${endpoint} answered ${response.status}`);
}

async function main() {
	const [supportPath, planJson] = process.argv.slice(2);
	/** @type {Pick<typeof import('./benchSupport'), 'runNode' | 'itemsFor'>} */
	const support = require(supportPath);
	/** @type {import('./benchRules').Plan} */
	const plan = JSON.parse(planJson);
	const items = support.itemsFor(plan.count, plan.prefix);
	await postControl(plan.controlUrl, 'reset', {});
	if (plan.faults) await postControl(plan.controlUrl, 'faults', plan.faults);
	const run = await support.runNode(plan.baseUrl, items, plan.options);
	const itemError = run.output.find((item) => item.json.error !== undefined)?.json.error;
	const error = run.error?.message ?? (itemError === undefined ? undefined : `an item failed: ${JSON.stringify(itemError)}`);
	/** @type {import('./benchRules').PlanResult} */
	const result = {
		seconds: run.seconds,
		customerIds: run.output.map((item) => /** @type {string | undefined} */ (item.json.customerId)),
		...(error === undefined ? {} : { error }),
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
