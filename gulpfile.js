const path = require('path');
const { task, src, dest } = require('gulp');

// tsc emits only JavaScript; n8n loads icons and the node's codex (.node.json) from dist/ beside the built files.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist'))),
);
