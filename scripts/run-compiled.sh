#!/usr/bin/env bash
# bash scripts/run-compiled.sh <script> [args…]: compiles the scripts and the test harness they share (scripts/,
# test/support, test/stripe-double) into this checkout's folder under node_modules/.cache (scripts/checkoutPaths.js),
# then runs scripts/<script>.js from there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
build_dir="$(node scripts/checkoutPaths.js scripts-build)"
npx tsc -p tsconfig.scripts.json --outDir "$build_dir"
script="$1"
shift
exec node "$build_dir/scripts/$script.js" "$@"
