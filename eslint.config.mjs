import tseslint from 'typescript-eslint';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { configs as communityNodes } from '@n8n/eslint-plugin-community-nodes';

// n8n's lint rules for community packages. The plugin's configs are eslintrc-shaped,
// so their rules are spread into flat configs that use typescript-eslint's parser.
const { configs } = n8nNodesBase;

export default [
	{ ignores: ['dist/**', 'build/**', 'node_modules/**', 'coverage/**'] },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts'] })),
	{
		files: ['**/*.ts'],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	// Tests send deliberately wrong parameters to Stripe's typed SDK.
	{ files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...configs.credentials.rules,
			// Applies to n8n's own repository (a slug); a community credential links a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...configs.nodes.rules,
			// n8n 2.x types connections as NodeConnectionTypes.Main; this older rule wants the string 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	// n8n's newer, stricter rules for community packages (those n8n Cloud verification applies), on the shipped code and package.json.
	{
		...communityNodes.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
	},
];
