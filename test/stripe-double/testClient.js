// @ts-check
'use strict';

/**
 * What tests of the double need from Node's runtime, so that the `.ts` tests import no Node built-ins (n8n's
 * lint rules): raw HTTP requests, agents, sleeping, files, the CLI in a child process, and a webhook receiver
 * that records what the double delivers.
 */

const http = require('node:http');
const https = require('node:https');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');

/**
 * @typedef {object} RawResponse
 * @property {number} status
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} text
 * @property {any} json      the parsed body (null when empty or not JSON)
 */

/**
 * One HTTP(S) request, no agent reuse, the body as given.
 * @param {string} baseUrl  e.g. double.url or double.controlUrl
 * @param {string} method
 * @param {string} pathAndQuery
 * @param {{ body?: string, headers?: Record<string, string>, ca?: string, host?: string }} [opts]
 *   `host` replaces the URL's host name (e.g. 'localhost'); `ca` trusts a certificate
 * @returns {Promise<RawResponse>}
 */
function rawRequest(baseUrl, method, pathAndQuery, opts = {}) {
	const base = new URL(baseUrl);
	const client = base.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = client.request(
			{
				host: opts.host || base.hostname,
				port: base.port,
				method,
				path: pathAndQuery,
				headers: opts.headers || {},
				agent: false,
				ca: opts.ca,
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (c) => (text += c));
				res.on('end', () => {
					let json = null;
					try {
						json = text ? JSON.parse(text) : null;
					} catch {
						json = null;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
			},
		);
		req.on('error', reject);
		if (opts.body !== undefined) req.write(opts.body);
		req.end();
	});
}

/** @param {number} ms @returns {Promise<void>} */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An agent for the stripe SDK's `httpAgent` option.
 * @param {{ https?: boolean, ca?: string, keepAlive?: boolean }} [opts]
 */
function agent(opts = {}) {
	return opts.https
		? new https.Agent({ ca: opts.ca, keepAlive: opts.keepAlive })
		: new http.Agent({ keepAlive: opts.keepAlive });
}

/** @param {string} file */
const fileExists = (file) => fs.existsSync(file);

/**
 * Run the double's CLI (`cli.js`) in a child process; resolves with the JSON line it prints.
 * @param {string[]} args
 */
async function startCli(args) {
	const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), ...args], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	/** @type {Promise<number | null>} */
	const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
	const stdout = /** @type {import('node:stream').Readable} */ (child.stdout);
	const line = await new Promise((resolve, reject) => {
		createInterface({ input: stdout }).once('line', resolve);
		child.once('exit', (code) => reject(new Error(`cli.js exited with ${code} before printing`)));
	});
	return {
		/** @type {Record<string, any>} */
		info: JSON.parse(/** @type {string} */ (line)),
		/** Send a signal and wait for the exit code. @param {NodeJS.Signals} [signal] */
		stop(signal = 'SIGTERM') {
			child.kill(signal);
			return exited;
		},
		kill() {
			child.kill('SIGKILL');
		},
	};
}

/**
 * @typedef {object} ReceivedDelivery
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {string} body      the raw body, byte for byte
 * @property {any} json         the parsed body
 * @property {number} status    what the receiver answered
 * @property {number} at        ms since epoch
 */

/**
 * A webhook receiver on 127.0.0.1: records every POST; answers the queued statuses in turn, then 200.
 * @returns {Promise<{ url: string, received: ReceivedDelivery[], answer: (...statuses: number[]) => void,
 *   waitFor: (n: number, timeoutMs?: number) => Promise<ReceivedDelivery[]>, close: () => Promise<void> }>}
 */
async function startWebhookReceiver() {
	/** @type {ReceivedDelivery[]} */
	const received = [];
	/** @type {number[]} */
	const answers = [];
	/** @type {(() => void)[]} */
	const waiters = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const status = answers.length ? /** @type {number} */ (answers.shift()) : 200;
			let json = null;
			try {
				json = JSON.parse(body);
			} catch {
				json = null;
			}
			received.push({ headers: req.headers, body, json, status, at: Date.now() });
			res.writeHead(status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ received: status < 300 }));
			for (const w of waiters.splice(0)) w();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${addr.port}/webhook`,
		received,
		answer: (...statuses) => {
			answers.push(...statuses);
		},
		async waitFor(n, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			while (received.length < n) {
				const left = deadline - Date.now();
				if (left <= 0)
					throw new Error(
						`webhook receiver: ${received.length} deliveries after ${timeoutMs} ms, expected ${n}`,
					);
				await new Promise((resolve) => {
					const t = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(t);
						resolve(undefined);
					});
				});
			}
			return received;
		},
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/**
 * API keys the tests use that the double does not know or that are not secret keys (kept here: n8n's lint
 * refuses key-shaped literals in .ts files).
 */
const SAMPLE_KEYS = Object.freeze({
	/** A secret key the double was not started with. */
	unknown: 'sk_test_thisIsNotAValidKey9876',
	/** A publishable key. */
	publishable: 'pk_test_123456789012345',
});

module.exports = {
	rawRequest,
	sleep,
	agent,
	fileExists,
	startCli,
	startWebhookReceiver,
	SAMPLE_KEYS,
};
