/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/browser/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }],
	},
	setupFiles: ['<rootDir>/test/support/quietN8nLogs.js'],
	globalSetup: '<rootDir>/test/support/jestGlobalSetup.js',
	globalTeardown: '<rootDir>/test/support/jestGlobalTeardown.js',
	testTimeout: 60000,
};
