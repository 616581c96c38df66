#!/usr/bin/env bash
# npm run bench: throughput, overhead, connections, faults and memory against the Stripe test double, over HTTP
# and HTTPS; then the limiter's current rules and those of 0.2.0 side by side (bench-latency, bench-bursts and
# bench-chart lines; the chart is drawn into this checkout's folder under node_modules/.cache, BENCH_CHART_FILE=<file>
# puts it there instead, BENCH_CHART=0 skips it). About 6 minutes on 2 cores; the first run also builds the node of
# 0.2.0 (its commit as CHANGELOG.md names it) from git into that folder. The `bench:` summary line comes last.
# BENCH_ONLY=latency runs only the side-by-side part (about 3 minutes), BENCH_ONLY=bursts only its bench-bursts lines,
# BENCH_ONLY=chart only the chart (npm run bench:chart: redraws docs/images/bench-latency.svg).
# BENCH_QUEUE=1 then also runs the queue-mode bench (real n8n in queue mode with Redis, PostgreSQL and 2 workers,
# adaptive rate limit on and off: a few minutes more); its `queue:` lines come right after the `bench:` line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/run-compiled.sh bench

if [ "${BENCH_QUEUE:-0}" = 1 ]; then
  if [ -f scripts/n8n/test-queue.sh ] && [ -f test/queue/run-queue.js ]; then
    # Only the result lines on stdout; the harness's build and start-up output goes to stderr.
    bash scripts/n8n/test-queue.sh --bench | awk '/^queue: / { print; fflush(); next } { print > "/dev/stderr" }'
  else
    echo "queue: skipped, scripts/n8n/test-queue.sh or test/queue/run-queue.js is not there" >&2
  fi
fi
