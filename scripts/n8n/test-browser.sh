#!/usr/bin/env bash
# npm run test:browser — the real n8n editor in headless Debian Chromium (playwright-core), test/browser/editor.browser.js:
# find the node by typing "create customer", drag it onto the canvas and connect it, open its options, run it with no
# customer data and with a balance of 12.5 (the node's errors, nothing sent), paste a balance, pick countries and a
# tax ID type by name, fill the grouped Shipping address, run it, pick a customer "From List" for Get, run a pasted
# 0.1.0 workflow set to "Custom API Call", run the demo workflow, add Create or Update without an Email and the node
# as an AI Agent's tool, and check the credential test in the credential modal; every run is checked against what
# the Stripe double received.
# Screenshots: test-results/browser/; SCREENSHOT_DIR=docs/images puts the README's pictures there instead.
# Then test/browser/trigger.browser.js: the Stripe Customer Trigger on the canvas, its events picker, "Listen for test
# event" with the double delivering a customer event, and its errors in the editor (a URL Stripe cannot reach, the
# 16-endpoint limit, a publish with a credential that cannot reach Stripe) (BROWSER_TESTS picks the tests; default both).
# Uses start.sh (same setup as `npm start`) on a free port with a fresh temporary user folder and the
# Stripe double (STRIPE_SECRET_KEY is ignored here: the test never talks to real Stripe).
# Env: N8N_CACHE_DIR, SKIP_BUILD=1, KEEP_BROWSER_HOME=1, SCREENSHOT_DIR, CHROMIUM_PATH, BROWSER_TESTS
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$(date +%s)
ensure_chromium
t_chromium=$(( $(date +%s) - t0 ))

ensure_n8n

HOME_DIR="$(mktemp -d "${TMPDIR:-/tmp}/n8n-browser.XXXXXX")"
READY="$HOME_DIR/ready.json"
PORT="$(free_port)"
while [ "$PORT" = 5679 ]; do PORT="$(free_port)"; done

START_PID=""
stop_editor() {
  if [ -n "$START_PID" ] && kill -0 "$START_PID" 2>/dev/null; then
    kill -TERM "$START_PID" 2>/dev/null || true
    wait "$START_PID" 2>/dev/null || true
  fi
  START_PID=""
}
trap stop_editor EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "starting n8n + Stripe double via start.sh on port $PORT (log: $HOME_DIR/start.log)"
env -u STRIPE_SECRET_KEY N8N_PORT="$PORT" N8N_EDITOR_HOME="$HOME_DIR/editor-home" N8N_READY_FILE="$READY" \
  STRIPE_DOUBLE_PORT=0 bash "$REPO_ROOT/scripts/n8n/start.sh" >"$HOME_DIR/start.log" 2>&1 &
START_PID=$!
for _ in $(seq 1 600); do
  [ -s "$READY" ] && break
  kill -0 "$START_PID" 2>/dev/null || { tail -40 "$HOME_DIR/start.log" >&2; die "start.sh exited before n8n was ready"; }
  sleep 0.5
done
[ -s "$READY" ] || { tail -40 "$HOME_DIR/start.log" >&2; die "n8n was not ready after 300 s"; }
t_ready=$(( $(date +%s) - t0 - t_chromium ))

# The action node's test, then the trigger's (same n8n and double); the last line sums their counts.
rc=0
for test in ${BROWSER_TESTS:-editor.browser.js trigger.browser.js}; do
  BROWSER_ARTIFACTS="$HOME_DIR/artifacts" N8N_READY_FILE="$READY" run_counted node "$REPO_ROOT/test/browser/$test" || rc=1
done
echo "$COUNT_PASSED passed, $COUNT_FAILED failed"
mkdir -p "$HOME_DIR/artifacts"

stop_editor
log "timings: chromium check ${t_chromium}s, n8n up (install check, build, pack, start) ${t_ready}s, total $(( $(date +%s) - t0 ))s"
finish_run_folder "$rc" "$HOME_DIR" "${KEEP_BROWSER_HOME:-}" "start.log, editor-home/logs/, artifacts/"
exit "$rc"
