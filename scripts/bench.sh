#!/usr/bin/env bash
# npm run bench: throughput, overhead, faults and memory against the Stripe test double.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-scripts.sh
node build/scripts/bench.js
