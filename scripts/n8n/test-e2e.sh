#!/usr/bin/env bash
# npm run test:e2e — headless end-to-end test of the packed node inside a real n8n.
#   1. n8n (pinned) on Node 24 in the cache (installed once, see install-n8n.sh)
#   2. npm run build, npm pack, npm install <tgz> into a fresh temporary <user folder>/.n8n/nodes
#   3. test/e2e/run-e2e.js: Stripe double, import credentials + workflows, n8n execute, checks
# Env: N8N_CACHE_DIR, SKIP_BUILD=1 (reuse dist/), KEEP_E2E_HOME=1 (keep the temp user folder), E2E_VERBOSE=1
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

t0=$(date +%s)
ensure_n8n
t_install=$(( $(date +%s) - t0 ))

USER_FOLDER="$(mktemp -d "${TMPDIR:-/tmp}/n8n-e2e.XXXXXX")"
install_package_into "$USER_FOLDER"
t_pkg=$(( $(date +%s) - t0 - t_install ))

n8n_env
# A free port for the task broker, so a running `npm start` (which uses the default 5679) does not clash.
export N8N_RUNNERS_BROKER_PORT="$(free_port)"
export N8N_USER_FOLDER="$USER_FOLDER"
export NODE24_BIN N8N_BIN
# run-e2e.js starts the Stripe double on a free port and gives n8n STRIPE_CUSTOMER_NODE_BASE_URL=<its URL>
# (for the branch that uses n8n's built-in stripeApi credential).

rc=0
node "$REPO_ROOT/test/e2e/run-e2e.js" || rc=$?

log "timings: n8n install/check ${t_install}s, build+pack+install ${t_pkg}s, total $(( $(date +%s) - t0 ))s"
finish_run_folder "$rc" "$USER_FOLDER" "${KEEP_E2E_HOME:-}" "n8n user folder: logs/, e2e-artifacts/"
exit "$rc"
