#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Waits for a starting n8n to answer, then sets up the owner account once (n8n 2.41.1:
 * POST /rest/owner/setup {email, firstName, lastName, password}, only while
 * GET /rest/settings says userManagement.showSetupOnFirstLoad).
 *   node setup-owner.js <baseUrl> <email> <password> [timeoutSeconds]
 * Prints one line: "created", "exists" (an owner was set up before), or exits 1 with a reason.
 */

const [baseUrl, email, password, timeoutArg] = process.argv.slice(2);
if (!baseUrl || !email || !password) {
	console.error('usage: setup-owner.js <baseUrl> <email> <password> [timeoutSeconds]');
	process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg || 180) * 1000;
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady() {
	let last = '';
	while (Date.now() < deadline) {
		try {
			const res = await fetch(`${baseUrl}/rest/settings`);
			if (res.ok) return /** @type {any} */ (await res.json()).data;
			last = `HTTP ${res.status}`;
		} catch (err) {
			last = err instanceof Error ? err.message : String(err);
		}
		await sleep(500);
	}
	throw new Error(`n8n did not answer ${baseUrl}/rest/settings in time (${last})`);
}

async function main() {
	const settings = await waitReady();
	if (!settings?.userManagement?.showSetupOnFirstLoad) {
		console.log('exists');
		return;
	}
	const res = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ email, firstName: 'Demo', lastName: 'Owner', password }),
	});
	if (!res.ok) throw new Error(`owner setup failed: HTTP ${res.status} ${await res.text()}`);
	console.log('created');
}

main().catch((err) => {
	console.error(err instanceof Error ? err.message : err);
	process.exit(1);
});
