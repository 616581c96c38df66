const path = require('path');
const { task, src, dest, watch } = require('gulp');

// tsc emits only JavaScript; n8n loads icons and the node's codex (.node.json) from dist/ beside the built files.
// STATIC_FILES_DIST: another dist/ to copy them to (npm run dev: the package's copy inside n8n).
const STATIC_FILES = ['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'];

function copyStaticFiles() {
	return src(STATIC_FILES, { base: '.', encoding: false }).pipe(
		dest(path.resolve(process.env.STATIC_FILES_DIST ?? 'dist')),
	);
}

task('build:icons', copyStaticFiles);
task('build:icons:watch', () => watch(STATIC_FILES, copyStaticFiles));
