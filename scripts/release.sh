#!/usr/bin/env bash
# npm run release: what n8n-nodes-starter's `npm run release` does, without its release-it: the version and its
# CHANGELOG.md section are written by hand (and committed on main) first; then this
#   1. checks: on main, tracking a remote branch; nothing uncommitted; package.json's version is new (no tag
#      v<version> here or there, no release commit in its section) and has a CHANGELOG.md section that says
#      something (scripts/releases.js check, as the publish workflow does);
#   2. runs the checks: npm test up to jest (build, format, lint, n8n Cloud check, typecheck, scanner, jest);
#   3. tags v<version> and pushes main and the tag. The publish workflow (.github/workflows/publish.yml) builds,
#      scans and publishes that tag to npm with provenance.
# --dry-run: 1 and 2 only.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
	echo "release: $*" >&2
	exit 1
}

dry_run=""
case "${1:-}" in
"") ;;
--dry-run) dry_run=1 ;;
*) fail "unknown argument '$1' (npm run release [-- --dry-run])" ;;
esac

version="$(node -p "require('./package.json').version")"
tag="v$version"
branch="$(git rev-parse --abbrev-ref HEAD)"
[ "$branch" = main ] || fail "on branch $branch: a release is tagged on main"
upstream="$(git rev-parse --abbrev-ref --symbolic-full-name '@{upstream}' 2>/dev/null)" ||
	fail "main tracks no remote branch (git push -u origin main)"
remote="${upstream%%/*}"
[ -z "$(git status --porcelain)" ] || fail "uncommitted changes: commit or stash them first"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null || git ls-remote --exit-code --tags "$remote" "refs/tags/$tag" >/dev/null; then
	fail "$tag is tagged already: set the next version in package.json and write its section in CHANGELOG.md"
fi
if released_from="$(node scripts/releases.js commit "$version" 2>/dev/null)"; then
	fail "$version was released from ${released_from:0:7} (CHANGELOG.md): set the next version in package.json and write its section"
fi
node scripts/releases.js check "$tag" || exit 1

bash scripts/test-all.sh --checks
[ -z "$(git status --porcelain)" ] || fail "the checks left changes in the tree: $(git status --porcelain | head -5)"

if [ -n "$dry_run" ]; then
	echo "release: $tag is ready (dry run: not tagged, nothing pushed)"
	exit 0
fi
git tag -a "$tag" -m "$tag"
git push --atomic "$remote" "$branch" "$tag"
cat <<EOF2
release: pushed $tag to $remote; the publish workflow publishes it to npm.
Then name the release commit in CHANGELOG.md's section for $version:
  Release commit: $(git rev-parse HEAD)
EOF2
