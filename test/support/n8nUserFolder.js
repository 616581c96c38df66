// @ts-check
// jest's globalSetup / globalTeardown: one temporary n8n user folder for the whole run, so n8n-core writes its
// instance key there and never into the user's own ~/.n8n. Workers inherit N8N_USER_FOLDER.
const { randomBytes } = require('crypto');
const { mkdtempSync, rmSync } = require('fs');
const { tmpdir } = require('os');
const path = require('path');

const VARIABLE = 'N8N_USER_FOLDER';
const CREATED = 'STRIPE_CUSTOMER_TEST_USER_FOLDER';

module.exports.setup = async () => {
	if (process.env[VARIABLE]) return;
	process.env[VARIABLE] = process.env[CREATED] = mkdtempSync(
		path.join(tmpdir(), 'n8n-stripe-customer-jest-'),
	);
	// The instance's key for the whole run (what n8n keeps in the folder's config file).
	process.env.N8N_ENCRYPTION_KEY ??= randomBytes(24).toString('base64');
};

module.exports.teardown = async () => {
	if (process.env[CREATED]) rmSync(process.env[CREATED], { recursive: true, force: true });
};
