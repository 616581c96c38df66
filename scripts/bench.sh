#!/usr/bin/env bash
# npm run bench: throughput, overhead, connections, faults and memory against the Stripe test double, over HTTP
# and HTTPS (about 2 minutes on 2 cores). The `bench:` summary line comes last.
# BENCH_QUEUE=1 then also runs the queue-mode bench (real n8n in queue mode with Redis, PostgreSQL and 2 workers,
# adaptive rate limit on and off: a few minutes more); its `queue:` lines come right after the `bench:` line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-scripts.sh
node build/scripts/bench.js

if [ "${BENCH_QUEUE:-0}" = 1 ]; then
  if [ -f scripts/n8n/test-queue.sh ] && [ -f test/queue/run-queue.js ]; then
    # Only the result lines on stdout; the harness's build and start-up output goes to stderr.
    bash scripts/n8n/test-queue.sh --bench | awk '/^queue: / { print; fflush(); next } { print > "/dev/stderr" }'
  else
    echo "queue: skipped, scripts/n8n/test-queue.sh or test/queue/run-queue.js is not there" >&2
  fi
fi
