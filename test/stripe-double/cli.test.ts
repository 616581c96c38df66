import { fileExists, rawRequest, startCli } from './testClient';

// The double on its own, as scripts and the real-n8n tests start it (cli.js).

describe('CLI', () => {
	it('--https prints {url, port, caFile, controlUrl}; SIGTERM closes and removes the certificate', async () => {
		const cli = await startCli([
			'--port',
			'0',
			'--key',
			'sk_test_cli_1',
			'--https',
			'--retry-after',
			'2',
			'--search-lag',
			'10',
		]);
		try {
			const info = cli.info as { url: string; port: number; caFile: string; controlUrl: string };
			expect(Object.keys(info).sort()).toEqual(['caFile', 'controlUrl', 'port', 'url']);
			expect(info.url).toBe(`https://127.0.0.1:${info.port}`);
			expect(fileExists(info.caFile)).toBe(true);
			const faults = await rawRequest(info.controlUrl, 'POST', '/_double/faults', { body: '{}' });
			expect(faults.json).toMatchObject({ retryAfterSeconds: 2, searchLagMs: 10 });
			expect(await cli.stop('SIGTERM')).toBe(0);
			expect(fileExists(info.caFile)).toBe(false);
		} finally {
			cli.kill();
		}
	});
});
