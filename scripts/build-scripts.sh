#!/usr/bin/env bash
# Compiles the scripts and the test harness they share (scripts/, test/support, test/stripe-double) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc -p tsconfig.scripts.json
