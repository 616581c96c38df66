# Helpers for test-queue.sh: n8n queue mode on this machine (Redis, PostgreSQL, one main, N workers).
# Sourced by test-queue.sh; also run directly by test/queue/run-queue.js to restart a worker it killed:
#   bash scripts/n8n/queue-lib.sh start-worker <queue home> <worker number>
# Every long-running process is started in its own session (setsid), so its pid is also its process group
# and stopping it also stops its children (n8n's task runner). Pids: <queue home>/pids/<name>.pid.
# shellcheck shell=bash

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The Node that runs n8n (lib.sh's newer name, else its older one).
QUEUE_NODE_BIN="${N8N_NODE_BIN:-$NODE24_BIN}"
case "$N8N_VERSION" in
  2.*) ;;
  *) die "test-queue.sh runs n8n 2.x in queue mode (import --activeState, worker readiness); N8N_VERSION=$N8N_VERSION" ;;
esac
PG_BIN_DIR="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
REDIS_SERVER_BIN="${REDIS_SERVER_BIN:-/usr/bin/redis-server}"

# Debian's redis-server and postgresql, installed with apt-get when missing (like test-browser.sh does chromium).
queue_ensure_debian_packages() {
  local missing=()
  [ -x "$REDIS_SERVER_BIN" ] || missing+=(redis-server)
  [ -x "$PG_BIN_DIR/initdb" ] && [ -x "$PG_BIN_DIR/pg_ctl" ] && [ -x "$PG_BIN_DIR/createdb" ] || missing+=(postgresql)
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing Debian's ${missing[*]} (apt-get)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  apt-cache policy "${missing[0]}" 2>/dev/null | grep -q 'Candidate: [0-9]' || $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  [ -x "$REDIS_SERVER_BIN" ] || die "redis-server is not at $REDIS_SERVER_BIN after apt-get install"
  [ -x "$PG_BIN_DIR/initdb" ] || die "initdb is not at $PG_BIN_DIR after apt-get install (set PG_BIN_DIR)"
}

# PostgreSQL refuses to run as root. As root, its commands run as the unprivileged `postgres` user that
# Debian's package creates (else `nobody`), through runuser; the cluster folder is owned by that user.
queue_pg_user() {
  if [ "$(id -u)" != 0 ]; then id -un
  elif getent passwd postgres >/dev/null; then echo postgres
  else echo nobody
  fi
}
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$(queue_pg_user)" -- "$@"; else "$@"; fi
}

# Start a process in its own session; pid file <queue home>/pids/<name>.pid, output in logs/<name>.log.
#   $1 = name, rest = command
queue_spawn() {
  local name="$1"; shift
  mkdir -p "$QUEUE_HOME/pids" "$QUEUE_HOME/logs"
  setsid "$@" >>"$QUEUE_HOME/logs/$name.log" 2>&1 </dev/null &
  echo $! > "$QUEUE_HOME/pids/$name.pid"
}

queue_pid() { cat "$QUEUE_HOME/pids/$1.pid" 2>/dev/null || true; }

queue_alive() {
  local pid; pid="$(queue_pid "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Wait until a URL answers 2xx; fail early when the named process dies.  $1 = url, $2 = seconds, $3 = name
queue_wait_http() {
  local url="$1" seconds="$2" name="$3" i
  for i in $(seq 1 $(( seconds * 4 ))); do
    if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$url" 2>/dev/null; then
      return 0
    fi
    queue_alive "$name" || { tail -30 "$QUEUE_HOME/logs/$name.log" >&2; die "$name exited while starting"; }
    sleep 0.25
  done
  tail -30 "$QUEUE_HOME/logs/$name.log" >&2
  die "$name did not answer $url within ${seconds}s"
}

# TERM the process group, KILL it after $2 seconds.  $1 = name
queue_stop() {
  local name="$1" grace="${2:-15}" pid i
  pid="$(queue_pid "$name")"
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 $(( grace * 4 ))); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$QUEUE_HOME/pids/$name.pid"
}

# Redis with no persistence (no RDB snapshots, no AOF), loopback only.  Sets REDIS_PORT.
queue_start_redis() {
  REDIS_PORT="$(free_port)"
  mkdir -p "$QUEUE_HOME/redis"
  queue_spawn redis "$REDIS_SERVER_BIN" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$QUEUE_HOME/redis" --daemonize no --protected-mode yes
  local i
  for i in $(seq 1 40); do
    (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && return 0
    queue_alive redis || { cat "$QUEUE_HOME/logs/redis.log" >&2; die "redis-server exited"; }
    sleep 0.25
  done
  die "redis-server did not listen on $REDIS_PORT"
}

# A throwaway PostgreSQL cluster in <queue home>/postgres: trust auth, unix socket in that folder, a free
# loopback TCP port, durability off (fsync, synchronous_commit, full_page_writes: nothing here outlives the run).
# Sets PG_PORT, PG_SOCKET_DIR; database "n8n", user "n8n".
queue_start_postgres() {
  PG_PORT="$(free_port)"
  local pg_home="$QUEUE_HOME/postgres"
  PG_SOCKET_DIR="$pg_home"
  mkdir -p "$pg_home"
  if [ "$(id -u)" = 0 ]; then
    chown "$(queue_pg_user):" "$pg_home"
    chmod 711 "$QUEUE_HOME"   # the postgres user only needs to pass through to its own folder
  fi
  as_pg_user "$PG_BIN_DIR/initdb" -D "$pg_home/data" -U n8n --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync >"$QUEUE_HOME/logs/initdb.log" 2>&1 || { cat "$QUEUE_HOME/logs/initdb.log" >&2; die "initdb failed"; }
  as_pg_user "$PG_BIN_DIR/pg_ctl" -D "$pg_home/data" -l "$pg_home/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $pg_home -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
    start >"$QUEUE_HOME/logs/pg_ctl.log" 2>&1 || { cat "$pg_home/postgres.log" >&2; die "pg_ctl start failed"; }
  as_pg_user "$PG_BIN_DIR/createdb" -h "$pg_home" -p "$PG_PORT" -U n8n n8n || die "createdb failed"
}

queue_stop_postgres() {
  [ -f "$QUEUE_HOME/postgres/data/postmaster.pid" ] || return 0
  as_pg_user "$PG_BIN_DIR/pg_ctl" -D "$QUEUE_HOME/postgres/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

# The Stripe test double with one token bucket for every request (the account-wide limit).
#   $1 = secret key, $2 = requests per second.  Sets DOUBLE_URL.
queue_start_double() {
  local key="$1" rate="$2" i
  queue_spawn stripe-double node "$REPO_ROOT/test/stripe-double/cli.js" --port 0 --key "$key" --rate "$rate" \
    --latency "${QUEUE_DOUBLE_LATENCY_MS:-0}"
  DOUBLE_URL=""
  for i in $(seq 1 100); do
    DOUBLE_URL="$(sed -n 's/^{"url":"\([^"]*\)".*/\1/p' "$QUEUE_HOME/logs/stripe-double.log" | head -1)"
    [ -n "$DOUBLE_URL" ] && return 0
    queue_alive stripe-double || { cat "$QUEUE_HOME/logs/stripe-double.log" >&2; die "the Stripe test double exited"; }
    sleep 0.1
  done
  die "the Stripe test double printed no URL"
}

# Settings shared by main and workers; the caller has set QUEUE_HOME, REDIS_PORT, PG_PORT, N8N_ENCRYPTION_KEY.
queue_n8n_env() {
  n8n_env
  export EXECUTIONS_MODE=queue
  export QUEUE_BULL_REDIS_HOST=127.0.0.1
  export QUEUE_BULL_REDIS_PORT="$REDIS_PORT"
  export DB_TYPE=postgresdb
  export DB_POSTGRESDB_HOST=127.0.0.1
  export DB_POSTGRESDB_PORT="$PG_PORT"
  export DB_POSTGRESDB_DATABASE=n8n
  export DB_POSTGRESDB_USER=n8n
  export DB_POSTGRESDB_PASSWORD=""
  export N8N_ENCRYPTION_KEY
  # One JSON object per log line, so the runner can read which worker started/finished which execution.
  export N8N_LOG_OUTPUT=console
  export N8N_LOG_FORMAT=json
  # Bull's stalled-job detection, shortened from n8n's defaults (lock 60 s, renewed every 10 s, checked every
  # 30 s): a killed worker's jobs are failed ~10-15 s after the kill instead of up to ~2 minutes. Same behaviour.
  export QUEUE_WORKER_LOCK_DURATION="${QUEUE_WORKER_LOCK_DURATION:-10000}"
  export QUEUE_WORKER_LOCK_RENEW_TIME="${QUEUE_WORKER_LOCK_RENEW_TIME:-2500}"
  export QUEUE_WORKER_STALLED_INTERVAL="${QUEUE_WORKER_STALLED_INTERVAL:-5000}"
  export N8N_GRACEFUL_SHUTDOWN_TIMEOUT="${N8N_GRACEFUL_SHUTDOWN_TIMEOUT:-10}"
}

# Everything a later `start-worker` call needs, written once by test-queue.sh.
queue_write_cluster_env() {
  {
    printf 'REDIS_PORT=%q\nPG_PORT=%q\nPG_SOCKET_DIR=%q\nN8N_ENCRYPTION_KEY=%q\n' \
      "$REDIS_PORT" "$PG_PORT" "$PG_SOCKET_DIR" "$N8N_ENCRYPTION_KEY"
    printf 'QUEUE_WORKER_CONCURRENCY=%q\nMAIN_PORT=%q\n' "$QUEUE_WORKER_CONCURRENCY" "$MAIN_PORT"
  } > "$QUEUE_HOME/cluster.env"
  chmod 600 "$QUEUE_HOME/cluster.env"
}

# `n8n import:<what> <args>` with the main's settings; output appended to logs/import.log.
queue_import() {
  local what="$1"; shift
  (
    queue_n8n_env
    export N8N_USER_FOLDER="$QUEUE_HOME/main"
    n8n_cli "import:$what" "$@" >>"$QUEUE_HOME/logs/import.log" 2>&1
  ) || { tail -30 "$QUEUE_HOME/logs/import.log" >&2; die "n8n import:$what failed"; }
  # n8n logs a failed activation and still exits 0
  if grep -q '"message":"Failed to activate workflow' "$QUEUE_HOME/logs/import.log"; then
    grep '"message":"Failed to activate workflow' "$QUEUE_HOME/logs/import.log" | head -3 >&2
    die "n8n import:$what did not activate every workflow"
  fi
}

# Worker n: user folder <queue home>/worker-n, its own task-broker and health-check ports; waits for
# /healthz/readiness. Reuses the ports of an earlier start (a restarted worker looks the same).
queue_start_worker() {
  local n="$1" name="worker-$1" ports="$QUEUE_HOME/worker-$1/.ports"
  local health_port broker_port
  if [ -f "$ports" ]; then
    read -r health_port broker_port < "$ports"
  else
    health_port="$(free_port)"; broker_port="$(free_port)"
    echo "$health_port $broker_port" > "$ports"
  fi
  (
    queue_n8n_env
    export N8N_USER_FOLDER="$QUEUE_HOME/worker-$n"
    export QUEUE_HEALTH_CHECK_ACTIVE=true
    export QUEUE_HEALTH_CHECK_PORT="$health_port"
    export N8N_WORKER_SERVER_ADDRESS=127.0.0.1
    export N8N_RUNNERS_BROKER_PORT="$broker_port"
    queue_spawn "$name" env PATH="$(dirname "$QUEUE_NODE_BIN"):$PATH" "$QUEUE_NODE_BIN" "$N8N_BIN" worker --concurrency="$QUEUE_WORKER_CONCURRENCY"
  )
  queue_wait_http "http://127.0.0.1:$health_port/healthz/readiness" 180 "$name"
}

queue_start_main() {
  local broker_port; broker_port="$(free_port)"
  (
    queue_n8n_env
    export N8N_USER_FOLDER="$QUEUE_HOME/main"
    export N8N_PORT="$MAIN_PORT"
    export N8N_RUNNERS_BROKER_PORT="$broker_port"
    queue_spawn main env PATH="$(dirname "$QUEUE_NODE_BIN"):$PATH" "$QUEUE_NODE_BIN" "$N8N_BIN" start
  )
  queue_wait_http "http://127.0.0.1:$MAIN_PORT/healthz/readiness" 180 main
}

# Run directly: `bash queue-lib.sh start-worker <queue home> <n>`
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start-worker)
      QUEUE_HOME="$2"
      # shellcheck disable=SC1091
      source "$QUEUE_HOME/cluster.env"
      queue_start_worker "$3"
      ;;
    *) die "usage: bash queue-lib.sh start-worker <queue home> <worker number>" ;;
  esac
fi
