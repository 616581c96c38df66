// @ts-check
'use strict';

/**
 * A throwaway self-signed certificate for the HTTPS double, made with the `openssl` CLI into a
 * temp folder (subjectAltName IP:127.0.0.1 and DNS:localhost). The certificate is its own CA:
 * a client trusts the double with `ca: caPem` (or NODE_EXTRA_CA_CERTS=caFile).
 */

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Folders still on disk; removed on process exit if their double was never closed. */
const liveDirs = new Set();
let exitHookInstalled = false;

/** @param {string} dir */
function removeDir(dir) {
	liveDirs.delete(dir);
	fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * @returns {Promise<{ keyPem: string, certPem: string, certFile: string, remove: () => void }>}
 */
async function createSelfSignedCertificate() {
	const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'stripe-double-tls-'));
	liveDirs.add(dir);
	if (!exitHookInstalled) {
		exitHookInstalled = true;
		process.once('exit', () => {
			for (const d of [...liveDirs]) removeDir(d);
		});
	}
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	try {
		await new Promise((resolve, reject) => {
			execFile(
				'openssl',
				[
					'req',
					'-x509',
					'-newkey',
					'ec',
					'-pkeyopt',
					'ec_paramgen_curve:prime256v1',
					'-nodes',
					'-keyout',
					keyFile,
					'-out',
					certFile,
					'-days',
					'2',
					'-subj',
					'/CN=Stripe test double',
					'-addext',
					'subjectAltName=IP:127.0.0.1,DNS:localhost',
				],
				{ timeout: 30_000 },
				(err, _stdout, stderr) =>
					err
						? reject(new Error(`openssl could not make a certificate: ${stderr || err.message}`))
						: resolve(undefined),
			);
		});
		const [keyPem, certPem] = await Promise.all([
			fs.promises.readFile(keyFile, 'utf8'),
			fs.promises.readFile(certFile, 'utf8'),
		]);
		return { keyPem, certPem, certFile, remove: () => removeDir(dir) };
	} catch (err) {
		removeDir(dir);
		throw err;
	}
}

module.exports = { createSelfSignedCertificate };
