// @ts-check
'use strict';

const { createServer } = require('net');

/**
 * A loopback port that accepts connections and never answers: what a firewall dropping packets after the handshake,
 * a hung proxy or a wrong port of a busy server look like to a client.
 * @returns {Promise<{port: number, connectionsAccepted: () => number, close: () => Promise<void>}>}
 */
async function startSilentPort() {
	/** @type {Set<import('net').Socket>} */
	const sockets = new Set();
	let accepted = 0;
	const server = createServer((socket) => {
		accepted++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		// A client that gives up resets the connection: expected here.
		socket.on('error', () => {});
		// Read what the client sends (so its writes never block), answer nothing.
		socket.resume();
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
	return {
		port: address.port,
		connectionsAccepted: () => accepted,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve(undefined)));
		},
	};
}

module.exports = { startSilentPort };
