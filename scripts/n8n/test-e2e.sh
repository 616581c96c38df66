#!/usr/bin/env bash
# npm run test:e2e — headless end-to-end test of the packed node inside a real n8n.
#   1. n8n $N8N_VERSION (default 2.41.1; 1.85.x = 1.85.4) and its Node runtime in the cache (installed once, see install-n8n.sh)
#   2. npm run build, npm pack, npm install <tgz> into a fresh temporary <user folder>/.n8n/nodes
#   3. test/e2e/run-e2e.js: Stripe double, import credential + workflows, n8n execute, checks
#   4. test/e2e/run-chain-e2e.js: the customer's next steps as one chain (node version 1.3) with n8n execute: Create,
#      attach a payment method as default, credit, tax ID, portal link, remove the phone, Get, the lists; run again
#   5. test/e2e/run-trigger-e2e.js: the trigger in a running n8n (`n8n start`): publish, restart, events, customer writes,
#      a publish that fails, deactivate
#   6. test/e2e/run-stop-e2e.js: Stop through n8n's REST API while 429s hold the action node back; nothing sent after it
#   7. test/e2e/run-upgrade-e2e.js: the update as users make it: 0.2.0 (built from git) with saved workflows and an active
#      trigger, then this build, then this build as the next version; on n8n 2.x also the saved nodes in the editor
# N8N_VERSIONS="1.85.x 2.41.1" runs it once per version instead (test-e2e-versions.sh).
# Env: N8N_VERSION, N8N_VERSIONS, N8N_CACHE_DIR, SKIP_BUILD=1 (reuse dist/), KEEP_E2E_HOME=1 (keep the temp user folder),
#      E2E_VERBOSE=1, E2E_RUNNERS (default "run-e2e.js run-chain-e2e.js run-trigger-e2e.js run-stop-e2e.js
#      run-upgrade-e2e.js"),
#      UPGRADE_BROWSER=0 (the upgrade runner without its editor part)
set -euo pipefail
if [ -n "${N8N_VERSIONS:-}" ]; then
  exec bash "$(dirname "${BASH_SOURCE[0]}")/test-e2e-versions.sh"
fi
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
export N8N_NODE_BIN N8N_BIN

# Five runners (the action node with `n8n execute`, the customer's next steps as one chain, the trigger in a running
# n8n, Stop in a running n8n, the update from the previous release); the last line sums their counts.
RUNNERS="${E2E_RUNNERS:-run-e2e.js run-chain-e2e.js run-trigger-e2e.js run-stop-e2e.js run-upgrade-e2e.js}"
# The upgrade runner opens the saved nodes in n8n 2.x's editor.
if [[ " $RUNNERS " == *" run-upgrade-e2e.js "* ]] && [ "$N8N_MAJOR" -ge 2 ] && [ "${UPGRADE_BROWSER:-}" != 0 ]; then
  ensure_chromium
fi
rc=0
for runner in $RUNNERS; do
  run_counted node "$REPO_ROOT/test/e2e/$runner" || rc=1
done
echo "$COUNT_PASSED passed, $COUNT_FAILED failed"

log "timings (n8n $N8N_VERSION): n8n install/check ${t_install}s, build+pack+install ${t_pkg}s, total $(( $(date +%s) - t0 ))s"
finish_run_folder "$rc" "$USER_FOLDER" "${KEEP_E2E_HOME:-}" "n8n user folder: logs/, e2e-artifacts/"
exit "$rc"
