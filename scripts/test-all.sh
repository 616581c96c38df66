#!/usr/bin/env bash
# npm test: everything, from a fresh clone. Installs what it needs, builds, checks the formatting (prettier), lints
# (n8n-node lint, and n8n-node cloud-support must say the package is eligible for n8n Cloud), type-checks, runs the jest suite
# (unit, field table, workflows through n8n-core against the Stripe test double), n8n's community-package scanner,
# then the tests in a real n8n: headless end-to-end on n8n 1.85.4 and 2.41.1, queue mode, and the browser test in
# Debian's Chromium. Ends with one line counting every test.
# --checks (npm run release): everything up to jest, no real n8n.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s\n' "$*"; }
mkdir -p test-results

step "install"; bash scripts/ensure-deps.sh
step "build"; npm run build --silent
step "format (prettier --check: the n8n-nodes-starter's settings, .prettierrc.js)"; npm run format:check --silent
step "lint (n8n-node lint: n8n's default eslint config, strict mode)"; npx n8n-node lint
step "n8n Cloud eligibility (n8n-node cloud-support)"
# The status command always exits 0: the step fails unless it reports the package eligible.
cloud_support=$(NO_COLOR=1 npx n8n-node cloud-support </dev/null)
printf '%s\n' "$cloud_support"
if ! grep -q 'Status: eligible for n8n Cloud verification' <<<"$cloud_support"; then
	echo "n8n-node cloud-support: the package is NOT eligible for n8n Cloud verification" >&2
	exit 1
fi
step "typecheck"; npm run typecheck --silent
step "n8n's community-package scanner (source and tarball)"; SKIP_BUILD=1 npm run scan --silent
step "jest"; npx jest --ci --json --outputFile=test-results/jest.json
if [ "${1:-}" = --checks ]; then
	echo
	echo "total: $(node -p "require('./test-results/jest.json').numPassedTests") passed, 0 failed (checks only: real n8n not run)"
	exit 0
fi
# dist/ was just built: the real-n8n tests pack it as it is.
export SKIP_BUILD=1
step "real n8n: headless end-to-end (n8n 1.85.4 and 2.41.1)"; bash scripts/n8n/test-e2e-versions.sh 2>&1 | tee test-results/e2e.log
step "real n8n: queue mode (Redis, PostgreSQL, a main and 2 workers)"; npm run test:queue --silent 2>&1 | tee test-results/queue.log
step "real n8n: browser"; npm run test:browser --silent 2>&1 | tee test-results/browser.log

count() { grep -Eo "^[0-9]+ $2, [0-9]+ failed$" "$1" | tail -1 | grep -Eo '^[0-9]+' || echo 0; }
passed=$(( $(node -p "require('./test-results/jest.json').numPassedTests") + $(count test-results/e2e.log passed) + $(count test-results/queue.log passed) + $(count test-results/browser.log passed) ))
echo
echo "total: ${passed} passed, 0 failed"
