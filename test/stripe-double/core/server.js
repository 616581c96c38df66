// @ts-check
'use strict';

/**
 * The listeners: the API port (HTTP, or HTTPS with a throwaway certificate) and, for an HTTPS double, a
 * plain-HTTP control port. Reads bodies, counts connections and TLS handshakes, closes everything on close().
 */

const http = require('node:http');
const https = require('node:https');
const { createSelfSignedCertificate } = require('./tlsCert');

const MAX_BODY_BYTES = 1024 * 1024;

/** @typedef {(req: http.IncomingMessage, res: http.ServerResponse, body: string) => Promise<void> | void} BodyHandler */

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

/** @param {BodyHandler} then @returns {(req: http.IncomingMessage, res: http.ServerResponse) => void} */
function withBody(then) {
	return (req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		let tooBig = false;
		req.on('data', (/** @type {Buffer} */ c) => {
			size += c.length;
			if (size > MAX_BODY_BYTES) {
				tooBig = true;
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => {
			if (tooBig) {
				sendJson(res, 413, {
					error: { type: 'invalid_request_error', message: 'Request body too large.' },
				});
				return;
			}
			const body =
				chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
			Promise.resolve()
				.then(() => then(req, res, body))
				.catch((err) => {
					if (!res.headersSent && !res.destroyed) {
						sendJson(res, 500, {
							error: {
								type: 'api_error',
								message: `Stripe double internal error: ${err && err.message}`,
							},
						});
					}
				});
		});
		req.on('error', () => {});
	};
}

/**
 * @param {http.Server} s
 * @param {number} port
 * @returns {Promise<number>}
 */
function listenOn(s, port) {
	return new Promise((resolve, reject) => {
		s.once('error', reject);
		s.listen({ port, host: '127.0.0.1', backlog: 2048 }, () => {
			s.off('error', reject);
			const addr = s.address();
			resolve(addr && typeof addr === 'object' ? addr.port : 0);
		});
	});
}

/**
 * @param {object} o
 * @param {number} o.port                 0 = a free port
 * @param {boolean} o.https
 * @param {BodyHandler} o.onRequest        the API port (control paths included)
 * @param {BodyHandler} o.onControlRequest the plain-HTTP control port of an HTTPS double
 * @param {() => { connections: number, tlsHandshakes: number, tlsResumed: number }} o.count   the counters to keep
 *   up to date (asked for on each connection: reset() replaces them)
 */
async function startServers(o) {
	const tls = o.https ? await createSelfSignedCertificate() : null;
	/** @type {http.Server} */
	let server;
	/** @type {http.Server | null} */
	let controlServer = null;
	let port = 0;
	let controlPort = 0;
	try {
		if (tls) {
			const tlsServer = https.createServer(
				{ key: tls.keyPem, cert: tls.certPem },
				withBody(o.onRequest),
			);
			tlsServer.on('secureConnection', (socket) => {
				if (socket.isSessionReused()) o.count().tlsResumed++;
				else o.count().tlsHandshakes++;
			});
			server = tlsServer;
		} else {
			server = http.createServer(withBody(o.onRequest));
		}
		server.keepAliveTimeout = 65_000;
		server.headersTimeout = 66_000;
		server.requestTimeout = 0;
		server.on('connection', () => o.count().connections++);
		server.on('clientError', (_err, socket) => {
			if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
			else socket.destroy();
		});
		port = await listenOn(server, o.port || 0);
		if (tls) {
			controlServer = http.createServer(withBody(o.onControlRequest));
			controlPort = await listenOn(controlServer, 0);
		}
	} catch (err) {
		if (tls) tls.remove();
		throw err;
	}
	const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
	return {
		url,
		port,
		controlUrl: controlServer ? `http://127.0.0.1:${controlPort}` : url,
		caPem: tls ? tls.certPem : undefined,
		caFile: tls ? tls.certFile : undefined,
		/** @returns {Promise<void>} */
		close() {
			/** @param {http.Server | null} s @returns {Promise<void>} */
			const stop = (s) =>
				s
					? new Promise((resolve) => {
							s.close(() => resolve());
							s.closeAllConnections();
						})
					: Promise.resolve();
			return Promise.all([stop(server), stop(controlServer)]).then(() => {
				if (tls) tls.remove();
			});
		},
	};
}

module.exports = { startServers, sendJson };
