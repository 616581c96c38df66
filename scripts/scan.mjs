// One leg of `npm run scan` (see scan.sh): runs n8n's community-package scanner on a folder.
//   node scripts/scan.mjs <scanner.mjs path> source  <repo root>
//   node scripts/scan.mjs <scanner.mjs path> tarball <unpacked tarball>
// Uses the scanner's own analyzePackage with the file patterns its analyzePackageByName uses for each leg.
// Prints "scan <leg>: passed" or the violations; exit code 1 when the leg fails.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [scannerPath, leg, dir] = process.argv.slice(2);
if (!scannerPath || !['source', 'tarball'].includes(leg) || !dir) {
	console.error('usage: node scripts/scan.mjs <scanner.mjs> source|tarball <dir>');
	process.exit(2);
}

const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(
	pathToFileURL(path.resolve(scannerPath)).href
);
const patterns = leg === 'source' ? SOURCE_FILE_PATTERNS : ['**/*.js', 'package.json'];
const root = path.resolve(dir);
const result = await analyzePackage(root, patterns);

if (result.passed) {
	console.log(`scan ${leg}: passed${result.message ? ` (${result.message})` : ''}`);
	process.exit(0);
}

// Paths relative to the scanned folder, so the tarball leg does not print a temp path.
const details = (result.details ?? '').split(root + path.sep).join('');
const summary = /(\d+) problems? \((\d+) errors?/.exec(details.replace(/\x1b\[[0-9;]*m/g, ''));
console.log(`scan ${leg}: FAILED${summary ? ` (${summary[2]} errors)` : ''}: ${result.message}`);
if (details) console.log(details.replace(/^\n+/, ''));
process.exit(1);
