import { repoRoot } from '../../scripts/checkoutPaths';
import {
	packageVersion,
	parseChangelog,
	readReleases,
	type Release,
	tagProblem,
	versionAtCommit,
} from '../../scripts/releases';

// CHANGELOG.md as the bench, the upgrade test, npm run release and the publish workflow read it
// (scripts/releases.js).

/** -1, 0 or 1, as x.y.z versions compare. */
function compareVersions(a: string, b: string): number {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	for (let index = 0; index < 3; index++)
		if (x[index] !== y[index]) return x[index] < y[index] ? -1 : 1;
	return 0;
}

describe('CHANGELOG.md', () => {
	let releases: Release[];
	const version = packageVersion(repoRoot);
	beforeAll(() => {
		releases = readReleases(repoRoot);
	});

	test('lists each release once, newest first, as x.y.z with its date', () => {
		expect(releases.length).toBeGreaterThan(0);
		for (const release of releases) {
			expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
			expect(release.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		}
		for (let index = 1; index < releases.length; index++) {
			const [newer, older] = [releases[index - 1], releases[index]];
			expect(compareVersions(newer.version, older.version)).toBe(1);
			expect(newer.date! >= older.date!).toBe(true);
		}
	});

	test("package.json's version is the newest release", () => {
		expect(releases[0].version).toBe(version);
	});

	test('each release names the commit it was made from, and package.json there has its version', () => {
		// The newest may not yet: the commit tagged for a release cannot name itself (npm run release prints the line).
		for (const release of releases.slice(1)) expect(release.commit).toBeDefined();
		for (const release of releases.filter((entry) => entry.commit))
			expect({
				commit: release.commit,
				version: versionAtCommit(repoRoot, release.commit!),
			}).toEqual({
				commit: release.commit,
				version: release.version,
			});
	});
});

describe('reading the changelog', () => {
	test('a "## " line that is not a section heading fails, naming the line, rather than hiding a release', () => {
		expect(() =>
			parseChangelog('# Changelog\n\n## [Unreleased]\n\n## 1.0.0 - 2026-12-01\n'),
		).toThrow('"## 1.0.0 - 2026-12-01" is not a section heading');
	});

	test('[Unreleased] is no release; subsections belong to their release; the commit is read', () => {
		const text = [
			'# Changelog',
			'## [Unreleased]',
			'### Added',
			'- something new',
			'## [1.0.0] - 2026-12-01',
			'Release commit: 0123456789abcdef0123456789abcdef01234567',
			'### Fixed',
			'- a bug',
		].join('\n');
		expect(parseChangelog(text)).toEqual([
			{
				version: '1.0.0',
				date: '2026-12-01',
				commit: '0123456789abcdef0123456789abcdef01234567',
				body: 'Release commit: 0123456789abcdef0123456789abcdef01234567\n### Fixed\n- a bug\n',
			},
		]);
	});
});

describe('the tag check of npm run release and the publish workflow', () => {
	const releases = parseChangelog(
		['## [Unreleased]', '## [1.1.0] - 2026-12-02', '', '## [1.0.0] - 2026-12-01', '- first'].join(
			'\n',
		),
	);

	test.each([
		['v1.0.0', '1.0.0', 'may be published'],
		['v1.0.0', '1.1.0', "the tag v1.0.0 is not package.json's version (1.1.0)"],
		['v1.2.0', '1.2.0', 'CHANGELOG.md has no section "## [1.2.0] - <date>"'],
		['v1.1.0', '1.1.0', "CHANGELOG.md's section for 1.1.0 is empty"],
	])('tag %s, package.json at %s: %s', (tag, packageJsonVersion, expected) => {
		expect(tagProblem(tag, packageJsonVersion, releases) ?? 'may be published').toContain(expected);
	});

	test("this checkout's version may be published", () => {
		const version = packageVersion(repoRoot);
		expect(tagProblem(`v${version}`, version, readReleases(repoRoot))).toBeUndefined();
	});
});
