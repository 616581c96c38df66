#!/usr/bin/env bash
# Installs the project's npm dependencies on a fresh clone, or when package-lock.json changed since the last install
# (its content, not its date: a fresh checkout or a git worktree gives the same lock file a new date).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.installed-lock-sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.package-lock.json ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	npm ci --no-audit --no-fund
	printf '%s\n' "$want" >"$stamp"
fi
