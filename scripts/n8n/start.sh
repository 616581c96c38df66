#!/usr/bin/env bash
# npm start — a real n8n ($N8N_VERSION, default 2.41.1; see lib.sh) with this package installed from its tarball, a demo
# workflow and a Stripe Customer credential, on http://127.0.0.1:${N8N_PORT:-5678}.
#   - credential → the local Stripe test double (started here), or real Stripe when STRIPE_SECRET_KEY is set
#   - first start: owner account set up automatically; URL, email and password are printed
#   - foreground: Ctrl-C stops n8n and the double
# Env: N8N_VERSION, N8N_PORT (default 5678, never 5679), N8N_CACHE_DIR,
#      N8N_EDITOR_HOME (default $N8N_CACHE_DIR/editor-home, for other n8n versions editor-home-<version>),
#      N8N_OWNER_EMAIL / N8N_OWNER_PASSWORD, STRIPE_SECRET_KEY, STRIPE_DOUBLE_PORT (default 12111),
#      SKIP_BUILD=1, N8N_READY_FILE (written as JSON once everything is up; used by test-browser.sh)
# --dev (npm run dev): the same, then every change under nodes/ and credentials/ reaches the running n8n without a
# rebuild or restart: tsc --watch and gulp's copy of the icons and codex write into the package's copy in n8n's
# nodes folder, which n8n reloads (N8N_DEV_RELOAD=true watches it) and pushes to the open editor.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${N8N_PORT:-5678}"
[ "$PORT" != "5679" ] || die "N8N_PORT=5679 is n8n's task broker port; pick another"
# One editor home per n8n version: a database migrated by a newer n8n does not open in an older one.
default_home="$N8N_CACHE_DIR/editor-home"
[ "$N8N_VERSION" = "$N8N_DEFAULT_VERSION" ] || default_home="$N8N_CACHE_DIR/editor-home-$N8N_VERSION"
EDITOR_HOME="${N8N_EDITOR_HOME:-$default_home}"
OWNER_EMAIL="${N8N_OWNER_EMAIL:-owner@example.com}"
OWNER_PASSWORD="${N8N_OWNER_PASSWORD:-StripeDemo1}"
DOUBLE_KEY="sk_test_local_double_demo"
CRED_ID="demoStripeCustCred"
CRED_NAME="Stripe Customer API (demo)"
URL="http://127.0.0.1:$PORT"

DEV=""
case "${1:-}" in
  "") ;;
  --dev) DEV=1 ;;
  *) die "unknown argument '$1' (only --dev)" ;;
esac

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$PORT" && die "port $PORT is already in use (another n8n?); set N8N_PORT"

N8N_PID=""
DOUBLE_PID=""
WATCH_PIDS=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${WATCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [ -n "$N8N_PID" ] && kill -0 "$N8N_PID" 2>/dev/null; then
    log "stopping n8n"
    kill -TERM "$N8N_PID" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$N8N_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$N8N_PID" 2>/dev/null || true
  fi
  if [ -n "$DOUBLE_PID" ] && kill -0 "$DOUBLE_PID" 2>/dev/null; then
    log "stopping the Stripe test double"
    kill -TERM "$DOUBLE_PID" 2>/dev/null || true
  fi
  [ -n "${N8N_READY_FILE:-}" ] && rm -f "$N8N_READY_FILE"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_n8n
mkdir -p "$EDITOR_HOME/logs"
install_package_into "$EDITOR_HOME"

if [ -n "$DEV" ]; then
  # A real folder, not a link to the checkout: n8n forgets a changed file's module only under the path it watches.
  dev_dist="$EDITOR_HOME/.n8n/nodes/node_modules/n8n-nodes-stripe-customer/dist"
  dev_log="$EDITOR_HOME/logs/dev-build.log"
  : > "$dev_log"
  log "npm run dev: tsc --watch and the icons' copy write into $dev_dist"
  node "$REPO_ROOT/node_modules/typescript/bin/tsc" -p "$REPO_ROOT/tsconfig.build.json" --watch --preserveWatchOutput \
    --outDir "$dev_dist" > >(tee -a "$dev_log" >&2) 2>&1 &
  WATCH_PIDS+=($!)
  (cd "$REPO_ROOT" && STATIC_FILES_DIST="$dev_dist" exec node node_modules/gulp/bin/gulp.js build:icons:watch) \
    > >(tee -a "$dev_log" >&2) 2>&1 &
  WATCH_PIDS+=($!)
  # n8n starts once tsc's first pass has written everything, so it never loads a half-written file.
  for _ in $(seq 1 240); do grep -q 'Watching for file changes' "$dev_log" && break; sleep 0.5; done
  grep -q 'Watching for file changes' "$dev_log" || die "tsc --watch did not finish its first pass (see $dev_log)"
fi

# --- where the credential points
if [ -n "${STRIPE_SECRET_KEY:-}" ]; then
  TARGET="real Stripe (STRIPE_SECRET_KEY)"
  SECRET="$STRIPE_SECRET_KEY"
  BASE_URL="https://api.stripe.com"
  DOUBLE_URL=""
else
  dport="${STRIPE_DOUBLE_PORT:-12111}"
  port_busy "$dport" && dport=0
  start_double "$DOUBLE_KEY" "$EDITOR_HOME/logs/stripe-double.log" "$dport"
  TARGET="the local Stripe test double at $DOUBLE_URL (GET $DOUBLE_URL/_double/state shows what it received)"
  SECRET="$DOUBLE_KEY"
  BASE_URL="$DOUBLE_URL"
fi

n8n_env
if [ -n "$DEV" ]; then
  export N8N_DEV_RELOAD=true
  # n8n 1.x reloads only in development mode (2.x in any); n8n-node dev's n8n runs in it too.
  [ "$N8N_MAJOR" = 1 ] && export NODE_ENV=development
fi
export N8N_USER_FOLDER="$EDITOR_HOME"
export N8N_PORT="$PORT"
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$(free_port)}"
export N8N_LOG_OUTPUT="console,file"
# relative to $EDITOR_HOME/.n8n, where n8n 1.x puts even an absolute location: the file is $EDITOR_HOME/logs/n8n.log
export N8N_LOG_FILE_LOCATION="../logs/n8n.log"

# --- credential and demo workflow (each re-imported when its content changes)
tmp="$(mktemp -d)"
chmod 700 "$tmp"
node -e '
  const [id, name, secretKey, baseUrl] = process.argv.slice(1);
  process.stdout.write(JSON.stringify([{ id, name, type: "stripeCustomerApi", data: { secretKey, stripeAccount: "", baseUrl } }]));
' "$CRED_ID" "$CRED_NAME" "$SECRET" "$BASE_URL" > "$tmp/credentials.json"
cred_sum="$(sha256sum "$tmp/credentials.json" | cut -d' ' -f1)"
if [ "$(cat "$EDITOR_HOME/.credential.sha256" 2>/dev/null || true)" != "$cred_sum" ]; then
  log "importing the credential \"$CRED_NAME\" → $TARGET"
  n8n_cli import:credentials --input="$tmp/credentials.json" >"$EDITOR_HOME/logs/import.log" 2>&1 \
    || { rm -rf "$tmp"; cat "$EDITOR_HOME/logs/import.log" >&2; die "credential import failed"; }
  echo "$cred_sum" > "$EDITOR_HOME/.credential.sha256"
fi
rm -rf "$tmp"
demo_sum="$(sha256sum "$REPO_ROOT/scripts/n8n/demo-workflow.json" | cut -d' ' -f1)"
if [ "$(cat "$EDITOR_HOME/.demo-workflow.sha256" 2>/dev/null || true)" != "$demo_sum" ]; then
  log "importing the demo workflow (first start, or the shipped demo changed; replaces the editor's copy)"
  n8n_cli import:workflow --input="$REPO_ROOT/scripts/n8n/demo-workflow.json" >>"$EDITOR_HOME/logs/import.log" 2>&1 \
    || { cat "$EDITOR_HOME/logs/import.log" >&2; die "workflow import failed"; }
  echo "$demo_sum" > "$EDITOR_HOME/.demo-workflow.sha256"
  rm -f "$EDITOR_HOME/.demo-workflow-imported" # the marker older versions of this script wrote
fi

# --- n8n
log "starting n8n $N8N_VERSION on $URL (log: $EDITOR_HOME/logs/n8n.log)"
PATH="$(dirname "$N8N_NODE_BIN"):$PATH" "$N8N_NODE_BIN" "$N8N_BIN" start &
N8N_PID=$!

owner="$(node "$REPO_ROOT/scripts/n8n/setup-owner.js" "$URL" "$OWNER_EMAIL" "$OWNER_PASSWORD" 240)" \
  || die "n8n did not come up (see $EDITOR_HOME/logs/n8n.log)"
kill -0 "$N8N_PID" 2>/dev/null || die "n8n exited"

if [ -n "${N8N_READY_FILE:-}" ]; then
  node -e 'const [f,url,email,password,doubleUrl,credName]=process.argv.slice(1);
    require("fs").writeFileSync(f, JSON.stringify({url,email,password,doubleUrl,credentialName:credName,workflowId:"demoStripeCustomer"}))' \
    "$N8N_READY_FILE" "$URL" "$OWNER_EMAIL" "$OWNER_PASSWORD" "$DOUBLE_URL" "$CRED_NAME"
fi

pw_note="$OWNER_PASSWORD"
[ "$owner" = "exists" ] && pw_note="$OWNER_PASSWORD (set on first start; unchanged unless you changed it)"
cat >&2 <<EOF

  ┌──────────────────────────────────────────────────────────────────────
  │ n8n $N8N_VERSION with n8n-nodes-stripe-customer is running
  │   Editor:    $URL
  │   Sign in:   $OWNER_EMAIL / $pw_note
  │   Workflow:  "Demo: create Stripe customers"  ($URL/workflow/demoStripeCustomer)
  │   Credential "$CRED_NAME" → $TARGET
  │   Ctrl-C stops n8n$( [ -n "$DOUBLE_URL" ] && echo " and the test double" ).$( [ -n "$DEV" ] && printf '\n  │   Dev: a change under nodes/ or credentials/ is rebuilt into n8n and reloaded, no restart;\n  │        TypeScript errors print here.' )
  └──────────────────────────────────────────────────────────────────────

EOF

wait "$N8N_PID" || true
N8N_PID=""
log "n8n exited"
