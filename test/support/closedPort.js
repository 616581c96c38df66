// @ts-check
'use strict';

const { createServer } = require('net');

/**
 * A loopback port that nothing listens on: one the system just gave a server, closed again.
 * @returns {Promise<number>}
 */
async function closedPort() {
	const server = createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const address = server.address();
	if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
	await new Promise((resolve) => server.close(resolve));
	return address.port;
}

module.exports = { closedPort };
