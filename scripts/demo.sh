#!/usr/bin/env bash
# npm run demo: a sample workflow of several customers through n8n's engine, against the embedded
# Stripe test double, or against real Stripe when STRIPE_SECRET_KEY is set (use a test-mode key).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/run-compiled.sh demo
