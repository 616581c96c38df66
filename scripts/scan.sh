#!/usr/bin/env bash
# npm run scan — n8n's community-package scanner (@n8n/scan-community-package, pinned) on the two things it checks
# for a published package: the source (nodes/, credentials/, package.json) and the tarball npm would publish
# (its .js files and package.json). Also prints the tarball's size and what `npm install` of it puts on disk.
# Exits non-zero when either leg reports violations.
# Env: SKIP_BUILD=1 (pack the existing dist/ without rebuilding).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$PWD"

SCANNER_VERSION=0.32.0
# Outside node_modules: the scanner brings typescript 7 and eslint 9.29, which must not meet the project's own.
SCANNER_DIR="$REPO_ROOT/.cache/scanner"
SCANNER_MARKER="$SCANNER_DIR/.installed-$SCANNER_VERSION"
SCANNER_MODULE="$SCANNER_DIR/node_modules/@n8n/scan-community-package/scanner/scanner.mjs"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/n8n-scan.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t0=$(date +%s)

if [ ! -f "$SCANNER_MARKER" ] || [ ! -f "$SCANNER_MODULE" ]; then
	echo "installing @n8n/scan-community-package@$SCANNER_VERSION into .cache/scanner"
	rm -rf "$SCANNER_DIR"
	mkdir -p "$SCANNER_DIR"
	printf '{\n  "name": "scanner-cache",\n  "private": true\n}\n' > "$SCANNER_DIR/package.json"
	# --ignore-scripts: eslint-plugin-n8n-nodes-base has a preinstall that demands pnpm.
	if ! (cd "$SCANNER_DIR" && npm install --ignore-scripts --no-audit --no-fund --save-exact --loglevel=error \
		"@n8n/scan-community-package@$SCANNER_VERSION") > "$WORK/scanner-install.log" 2>&1; then
		cat "$WORK/scanner-install.log" >&2
		echo "scan: installing the scanner failed" >&2
		exit 1
	fi
	touch "$SCANNER_MARKER"
fi

# The scanner makes a temp folder on import and never removes it: keep it inside $WORK.
export TMPDIR="$WORK/tmp"
mkdir -p "$TMPDIR"

rc=0

# Leg 1: source.
node scripts/scan.mjs "$SCANNER_MODULE" source "$REPO_ROOT" || rc=1

# Leg 2: the tarball, unpacked as the scanner does for a published package.
if [ -z "${SKIP_BUILD:-}" ]; then
	if ! npm run build --silent > "$WORK/build.log" 2>&1; then
		cat "$WORK/build.log" >&2
		echo "scan: npm run build failed" >&2
		exit 1
	fi
fi
npm pack --json --loglevel=error --pack-destination "$WORK" > "$WORK/pack.json"
tgz="$WORK/$(node -p "require('$WORK/pack.json')[0].filename")"
mkdir -p "$WORK/package"
tar -xzf "$tgz" -C "$WORK/package" --strip-components=1
node scripts/scan.mjs "$SCANNER_MODULE" tarball "$WORK/package" || rc=1
node -e '
	const [p] = require(process.argv[1]);
	const kB = (n) => (n / 1000).toFixed(1);
	console.log(`tarball: ${p.filename}, ${p.entryCount} files, ${kB(p.size)} kB packed, ${kB(p.unpackedSize)} kB unpacked`);
' "$WORK/pack.json"

# What a user's n8n gets on disk: the package and its runtime dependencies, as n8n installs community packages.
mkdir -p "$WORK/install"
printf '{\n  "name": "installed-nodes",\n  "private": true\n}\n' > "$WORK/install/package.json"
(cd "$WORK/install" && npm install --omit=dev --ignore-scripts --legacy-peer-deps --no-audit --no-fund \
	--loglevel=error "$tgz" >/dev/null)
installed_packages=$(node -p "Object.keys(require('$WORK/install/node_modules/.package-lock.json').packages).length")
rm -f "$WORK/install/node_modules/.package-lock.json"
installed_files=$(find "$WORK/install/node_modules" -type f | wc -l)
installed_bytes=$(du -sb "$WORK/install/node_modules" | cut -f1)
installed_disk_kb=$(du -sk "$WORK/install/node_modules" | cut -f1)
dependencies=$(( installed_packages - 1 ))
echo "installed size: ${installed_files} files, $(( (installed_bytes + 500) / 1000 )) kB" \
	"(${installed_disk_kb} KiB on disk; this package + ${dependencies} runtime $([ "$dependencies" = 1 ] && echo dependency || echo dependencies))"

echo "scan took $(( $(date +%s) - t0 ))s"
exit "$rc"
