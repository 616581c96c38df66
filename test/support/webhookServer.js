// @ts-check
'use strict';

/**
 * The HTTP side of n8n's webhook server, for trigger tests: a loopback server that reads each request's body the way
 * n8n does (the exact bytes kept as `req.rawBody`, a JSON body parsed into `req.body`; n8n 2.41.1
 * middlewares/body-parser.js) and hands the request to the handler registered for its path, with a response that has
 * the two Express methods n8n's webhook code and nodes use (`status`, `json`). No handler for a path: 404, as n8n
 * answers for a webhook that is not registered.
 */

const http = require('http');

/**
 * @typedef {http.IncomingMessage & { rawBody: Buffer, body: unknown, contentType?: string }} WebhookRequest
 * @typedef {http.ServerResponse & { status(code: number): WebhookResponse, json(body: unknown): WebhookResponse }} WebhookResponse
 * @typedef {(req: WebhookRequest, res: WebhookResponse) => Promise<void>} WebhookHandler
 */

/** @param {http.ServerResponse} res @returns {WebhookResponse} */
function expressLike(res) {
	const response = /** @type {WebhookResponse} */ (res);
	response.status = (code) => {
		res.statusCode = code;
		return response;
	};
	response.json = (body) => {
		if (!res.headersSent) res.setHeader('Content-Type', 'application/json; charset=utf-8');
		res.end(JSON.stringify(body));
		return response;
	};
	return response;
}

/** @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * Starts the server on 127.0.0.1 (a free port).
 * @returns {Promise<{ baseUrl: string, handle(path: string, handler: WebhookHandler): void, unhandle(path: string): void, close(): Promise<void> }>}
 */
async function startWebhookServer() {
	/** @type {Map<string, WebhookHandler>} */
	const handlers = new Map();
	const server = http.createServer(async (incoming, outgoing) => {
		const res = expressLike(outgoing);
		try {
			const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname.replace(/\/+$/, '');
			const handler = incoming.method === 'POST' ? handlers.get(path) : undefined;
			const req = /** @type {WebhookRequest} */ (incoming);
			req.rawBody = await readBody(incoming);
			req.contentType = (incoming.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
			req.body = {};
			if (req.contentType === 'application/json' && req.rawBody.length) {
				try {
					req.body = JSON.parse(req.rawBody.toString('utf8'));
				} catch {
					res.status(422).json({ code: 422, message: 'Failed to parse request body' });
					return;
				}
			}
			if (!handler) {
				res
					.status(404)
					.json({ code: 404, message: `The requested webhook "POST ${path}" is not registered.` });
				return;
			}
			await handler(req, res);
			if (!outgoing.writableEnded) outgoing.end();
		} catch (error) {
			if (!outgoing.headersSent)
				res
					.status(500)
					.json({ code: 500, message: error instanceof Error ? error.message : String(error) });
			else outgoing.end();
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = /** @type {import('net').AddressInfo} */ (server.address());
	return {
		baseUrl: `http://127.0.0.1:${address.port}`,
		handle: (path, handler) => handlers.set(path, handler),
		unhandle: (path) => handlers.delete(path),
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve(undefined));
			}),
	};
}

module.exports = { startWebhookServer };
