// @ts-check
'use strict';

// Which n8n instance n8n-core runs as in this process: its user folder and instance key, which n8n-core reads from
// the environment. The Node-runtime part of workflowRunner.ts (environment, files, process exit), kept in
// JavaScript because n8n's lint config refuses those in TypeScript.

const { Container } = require('@n8n/di');
const { createHash, randomBytes } = require('crypto');
const { mkdirSync, mkdtempSync, rmSync } = require('fs');
const { InstanceSettings } = require('n8n-core');
const { tmpdir } = require('os');
const path = require('path');

/**
 * n8n-core keeps an instance key in <user folder>/.n8n/config and writes one there when it finds none. Tests, the
 * demo and the benchmark give it a temporary user folder, never the user's home: jest's global setup makes one for
 * the whole run; a script that loads this file without one gets its own, removed when the process ends.
 * Each user folder is one n8n instance, with its own instance ID.
 * @returns {string}
 */
function ownTemporaryUserFolder() {
	const folder = mkdtempSync(path.join(tmpdir(), 'n8n-stripe-customer-'));
	process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
	return folder;
}
const defaultUserFolder = process.env.N8N_USER_FOLDER ?? ownTemporaryUserFolder();
process.env.N8N_USER_FOLDER = defaultUserFolder;

/**
 * An instance's key, given as n8n's N8N_ENCRYPTION_KEY (n8n derives the instance ID from it, and stays quiet about
 * making one). Stable for the whole run, since every test file of a jest run shares the user folder.
 */
const mainEncryptionKey = process.env.N8N_ENCRYPTION_KEY ?? randomBytes(24).toString('base64');
/** @param {string} name */
function encryptionKeyOf(name) {
	return name === 'main'
		? mainEncryptionKey
		: createHash('sha256').update(`${mainEncryptionKey}:${name}`).digest('base64');
}
process.env.N8N_ENCRYPTION_KEY = mainEncryptionKey;
let currentInstance = 'main';

/**
 * Makes n8n-core's next executions run as another n8n instance (another user folder, so another instance ID).
 * @param {string} name
 * @returns {void}
 */
function useInstance(name) {
	if (name === currentInstance) return;
	const folder =
		name === 'main' ? defaultUserFolder : path.join(defaultUserFolder, 'other-instances', name);
	mkdirSync(folder, { recursive: true });
	process.env.N8N_USER_FOLDER = folder;
	process.env.N8N_ENCRYPTION_KEY = encryptionKeyOf(name);
	// n8n-core's settings are singletons of its DI container: dropping them makes n8n build them again from the folder.
	Container.reset();
	currentInstance = name;
}

/**
 * The instance ID n8n-core gives nodes in the named instance.
 * @param {string} [name]
 * @returns {string}
 */
function instanceIdOf(name = 'main') {
	useInstance(name);
	return Container.get(InstanceSettings).instanceId;
}

module.exports = { useInstance, instanceIdOf };
