#!/usr/bin/env bash
# npm run test:queue — the packed node in a real n8n 2.41.1 in queue mode on this machine:
#   Debian's Redis (queue) and PostgreSQL 15 (workflows, executions) in a temporary folder, one `n8n start`
#   main and 2 `n8n worker` processes, the Stripe test double with one account-wide limit (25 requests/s).
#   test/queue/run-queue.js then calls an active Webhook workflow like a user would and checks the results.
# Usage: bash scripts/n8n/test-queue.sh           the checks (4 × 250 items, a worker killed mid-run, …)
#        bash scripts/n8n/test-queue.sh --bench   the 4 × 250 run with adaptiveRateLimit on and off, one line each
#        bash scripts/n8n/test-queue.sh --hold    start everything and keep it up until Ctrl-C (for a look around)
# Env: N8N_CACHE_DIR, SKIP_BUILD=1 (reuse dist/), KEEP_QUEUE_HOME=1 (keep the temporary folder),
#      QUEUE_WORKERS (default 2), QUEUE_WORKER_CONCURRENCY (default 2), QUEUE_RATE (default 25),
#      QUEUE_DOUBLE_LATENCY_MS (default 0), QUEUE_VERBOSE=1
set -euo pipefail
# shellcheck source=queue-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/queue-lib.sh"

RUNNER_ARGS=()
case "${1:-}" in
  "") ;;
  --bench) RUNNER_ARGS=(--bench) ;;
  --hold) RUNNER_ARGS=(--hold) ;;
  *) die "usage: bash scripts/n8n/test-queue.sh [--bench | --hold]" ;;
esac

QUEUE_WORKERS="${QUEUE_WORKERS:-2}"
QUEUE_WORKER_CONCURRENCY="${QUEUE_WORKER_CONCURRENCY:-2}"
QUEUE_RATE="${QUEUE_RATE:-25}"

t0=$(date +%s)
phase_start=$t0
TIMINGS=()
phase_done() {
  local now; now=$(date +%s)
  TIMINGS+=("$1 $(( now - phase_start ))s")
  phase_start=$now
}

queue_ensure_debian_packages
phase_done "apt"
ensure_n8n
phase_done "n8n-install-check"

QUEUE_HOME="$(mktemp -d "${TMPDIR:-/tmp}/n8n-queue.XXXXXX")"
export QUEUE_HOME
mkdir -p "$QUEUE_HOME/logs" "$QUEUE_HOME/pids"

cleanup() {
  rc=$?
  trap - EXIT INT TERM
  log "stopping n8n, the Stripe double, Redis and PostgreSQL"
  local f stoppers=()
  for f in "$QUEUE_HOME"/pids/main.pid "$QUEUE_HOME"/pids/worker-*.pid; do
    [ -f "$f" ] || continue
    queue_stop "$(basename "$f" .pid)" 15 &
    stoppers+=($!)
  done
  # only these: Redis and the double are background children of this shell too
  [ "${#stoppers[@]}" -eq 0 ] || wait "${stoppers[@]}"
  queue_stop stripe-double 5
  queue_stop redis 5
  queue_stop_postgres
  log "timings: ${TIMINGS[*]} total $(( $(date +%s) - t0 ))s"
  finish_run_folder "$rc" "$QUEUE_HOME" "${KEEP_QUEUE_HOME:-}" "logs/ (n8n main, workers, Redis, the double), postgres/, cluster.env"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the package: built and packed once, installed from the tarball into every process's user folder
install_package_into "$QUEUE_HOME/main"
for n in $(seq 1 "$QUEUE_WORKERS"); do
  SKIP_BUILD=1 install_package_into "$QUEUE_HOME/worker-$n"
done
phase_done "build+pack+install"

# --- Redis, PostgreSQL, the Stripe double
queue_start_redis
queue_start_postgres
STRIPE_DOUBLE_KEY="sk_test_queue$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
queue_start_double "$STRIPE_DOUBLE_KEY" "$QUEUE_RATE"
log "Redis on 127.0.0.1:$REDIS_PORT, PostgreSQL on 127.0.0.1:$PG_PORT (socket in $PG_SOCKET_DIR), double at $DOUBLE_URL"
phase_done "redis+postgres+double"

# --- the credential, imported before start (this first n8n command also creates n8n's tables)
N8N_ENCRYPTION_KEY="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
MAIN_PORT="$(free_port)"
queue_write_cluster_env
STRIPE_DOUBLE_KEY="$STRIPE_DOUBLE_KEY" DOUBLE_URL="$DOUBLE_URL" \
  node "$REPO_ROOT/test/queue/run-queue.js" --prepare "$QUEUE_HOME/import"
queue_import credentials --input="$QUEUE_HOME/import/credentials.json"
rm -f "$QUEUE_HOME/import/credentials.json"
phase_done "db-migrations+credential"

# --- main and workers, started together
log "starting n8n main on 127.0.0.1:$MAIN_PORT and $QUEUE_WORKERS workers (concurrency $QUEUE_WORKER_CONCURRENCY)"
queue_start_main &
main_waiter=$!
worker_waiters=()
for n in $(seq 1 "$QUEUE_WORKERS"); do
  queue_start_worker "$n" &
  worker_waiters+=($!)
done
wait "$main_waiter" || die "n8n main did not start (see $QUEUE_HOME/logs/main.log)"

# --- the workflows, imported into the running cluster and activated from their JSON ("active": true):
# `--activeState=fromJson` exists for queue mode, and needs the roles that the main writes when it starts.
queue_import workflow --input="$QUEUE_HOME/import/workflows.json" --activeState=fromJson &
import_waiter=$!
for w in "${worker_waiters[@]}"; do wait "$w" || die "a worker did not start (see $QUEUE_HOME/logs/worker-*.log)"; done
wait "$import_waiter" || die "the workflow import failed"
env QUEUE_HOME="$QUEUE_HOME" PG_PORT="$PG_PORT" N8N_HOME_DIR="$N8N_HOME_DIR" \
  node "$REPO_ROOT/test/queue/run-queue.js" --wait-webhooks || die "the workflows' webhooks were not registered"
phase_done "n8n-up+workflows"

rc=0
QUEUE_HOME="$QUEUE_HOME" MAIN_URL="http://127.0.0.1:$MAIN_PORT" DOUBLE_URL="$DOUBLE_URL" \
  STRIPE_DOUBLE_KEY="$STRIPE_DOUBLE_KEY" PG_PORT="$PG_PORT" N8N_HOME_DIR="$N8N_HOME_DIR" \
  QUEUE_WORKERS="$QUEUE_WORKERS" QUEUE_RATE="$QUEUE_RATE" QUEUE_LIB="$REPO_ROOT/scripts/n8n/queue-lib.sh" \
  node "$REPO_ROOT/test/queue/run-queue.js" "${RUNNER_ARGS[@]}" || rc=$?
phase_done "runner"
exit "$rc"
