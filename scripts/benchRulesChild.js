// @ts-check
'use strict';

const { createInterface } = require('readline');

const { startStripeDouble } = require('../test/stripe-double');

// The child process of benchRules.preparePlan:
//   node benchRulesChild.js <a benchSupport.js> '<plan as JSON>'
// loads that benchSupport (this build's, or a commit's copy: only its runNode and itemsFor are used, so both rules
// run the same workflow), warms up, prints READY_LINE, waits for a line on stdin, then resets the double, posts
// the plan's faults, runs the node, and prints one JSON line: the PlanResult.

/** What the child prints once it has loaded the node and warmed up; it then waits for a line on stdin to start. */
const READY_LINE = 'bench-child: ready';
/** Items of the warm-up run. */
const WARM_UP_ITEMS = 5;

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
	if (!response.ok)
		throw new Error(`the double's /_double/${endpoint} answered ${response.status}`);
}

async function main() {
	const [supportPath, planJson] = process.argv.slice(2);
	/** @type {Pick<typeof import('./benchSupport'), 'runNode' | 'itemsFor'>} */
	const support = require(supportPath);
	/** @type {import('./benchRules').Plan} */
	const plan = JSON.parse(planJson);
	const items = support.itemsFor(plan.count, plan.prefix);
	// The first workflow run of a process pays n8n-core's start-up (a second or more, while the other rules' child
	// starts too), which is no part of the limiter's rules: a short run first, against a double of its own (another
	// base URL, so another account and another limiter: the timed run's limiter starts fresh).
	const warmUpDouble = await startStripeDouble({ secretKeys: [plan.secretKey] });
	try {
		await support.runNode(warmUpDouble.url, support.itemsFor(WARM_UP_ITEMS, 'warm-up'), {});
	} finally {
		await warmUpDouble.close();
	}
	process.stdout.write(`${READY_LINE}\n`);
	await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
	await postControl(plan.controlUrl, 'reset', {});
	if (plan.faults) await postControl(plan.controlUrl, 'faults', plan.faults);
	const startedAt = Date.now();
	const run = await support.runNode(plan.baseUrl, items, plan.options);
	const itemError = run.output.find((item) => item.json.error !== undefined)?.json.error;
	const error =
		run.error?.message ??
		(itemError === undefined ? undefined : `an item failed: ${JSON.stringify(itemError)}`);
	/** @type {import('./benchRules').PlanResult} */
	const result = {
		seconds: run.seconds,
		startedAt,
		customerIds: run.output.map((item) => /** @type {string | undefined} */ (item.json.customerId)),
		...(error === undefined ? {} : { error }),
	};
	process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { READY_LINE };
