#!/usr/bin/env bash
# npm test: everything, from a fresh clone. Installs what it needs, builds, lints, type-checks, runs the jest suite
# (unit, field table, workflows through n8n-core against the Stripe test double), then the tests in a real n8n 2.x:
# headless end-to-end and the browser test in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }

step "install"; bash scripts/ensure-deps.sh
step "build"; npm run build --silent
step "lint"; npm run lint --silent
step "typecheck"; npm run typecheck --silent
step "jest"; npx jest --ci
# dist/ was just built: the real-n8n tests pack it as it is.
export SKIP_BUILD=1
step "real n8n: headless end-to-end"; npm run test:e2e --silent
step "real n8n: browser"; npm run test:browser --silent
