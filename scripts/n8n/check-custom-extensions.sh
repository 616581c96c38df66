#!/usr/bin/env bash
# Manual check (not part of npm test): does n8n (pinned) load this package from its custom-extensions
# folders, the install route outside Settings → Community Nodes and outside <user folder>/.n8n/nodes?
#   A. npm install <tgz> into <user folder>/.n8n/custom (n8n's default custom folder)
#   B. npm install <tgz> into some folder X, N8N_CUSTOM_EXTENSIONS=X/node_modules/n8n-nodes-stripe-customer/dist
# For each: a fresh user folder, the Stripe double, import the demo credential and the demo workflow with the
# node type CUSTOM.stripeCustomer (n8n's name for nodes from custom folders), `n8n execute`, and check the double
# received the two sample customers. Prints what n8n did; ≈ 17 s warm. Expected with n8n 2.41.1: both work. (Up to
# 0.1.0, A failed: n8n's custom loader globs **/*.node.js inside node_modules and tripped over the `stripe` runtime
# dependency's cjs/stripe.cjs.node.js; the package has no runtime dependencies since 0.2.0.)
# Env: N8N_CACHE_DIR, SKIP_BUILD=1, KEEP_CHECK_HOME=1
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_n8n
if [ -z "${SKIP_BUILD:-}" ]; then (cd "$REPO_ROOT" && npm run build >/dev/null) || die "npm run build failed"; fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/n8n-custom-check.XXXXXX")"
(cd "$REPO_ROOT" && npm pack --silent --pack-destination "$WORK" >/dev/null) || die "npm pack failed"
TGZ="$(ls "$WORK"/*.tgz | head -1)"
KEY="sk_test_local_double_demo"
passed=0 failed=0

# $1 = label, $2 = install folder, $3 = N8N_CUSTOM_EXTENSIONS ('' = unset), $4 = expect (works|fails)
try_layout() {
  local label="$1" dir="$2" ext="$3" expect="$4" home="$WORK/$1/home"
  mkdir -p "$home" "$dir"
  (cd "$dir" && with_node24 npm install --no-audit --no-fund --ignore-scripts --omit=dev --legacy-peer-deps \
      --loglevel=error "$TGZ" >/dev/null) || die "npm install into $dir failed"
  start_double "$KEY" "$WORK/$label/double.log" 0
  node -e 'process.stdout.write(JSON.stringify([{id:"demoStripeCustCred",name:"Stripe Customer API (demo)",type:"stripeCustomerApi",data:{secretKey:process.argv[1],stripeAccount:"",baseUrl:process.argv[2]}}]))' \
    "$KEY" "$DOUBLE_URL" > "$WORK/$label/cred.json"
  sed 's/"n8n-nodes-stripe-customer.stripeCustomer"/"CUSTOM.stripeCustomer"/' "$REPO_ROOT/scripts/n8n/demo-workflow.json" > "$WORK/$label/wf.json"
  local out="$WORK/$label/n8n.out" rc=0
  (
    n8n_env
    export N8N_USER_FOLDER="$home" N8N_RUNNERS_BROKER_PORT="$(free_port)" N8N_LOG_OUTPUT=console
    if [ -n "$ext" ]; then export N8N_CUSTOM_EXTENSIONS="$ext"; else unset N8N_CUSTOM_EXTENSIONS; fi
    n8n_cli import:credentials --input="$WORK/$label/cred.json" &&
      n8n_cli import:workflow --input="$WORK/$label/wf.json" &&
      n8n_cli execute --id demoStripeCustomer --rawOutput
  ) >"$out" 2>&1 || rc=$?
  local emails
  emails="$(curl -s "$DOUBLE_URL/_double/state" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).customers.map(c=>c.params.email).join(",")))')"
  kill "$DOUBLE_PID" 2>/dev/null || true
  local got="fails"
  [ "$rc" = 0 ] && [ "$emails" = "ada@example.com,grace@example.com" ] && got="works"
  local why=""
  [ "$got" = fails ] && why=" — n8n: $(grep -m1 -oE 'require\(\.\.\.\)\.stripe is not a constructor|Unrecognized node type[^"\\]*|Cannot find module[^"\\]*' "$out" | head -1)"
  if [ "$got" = "$expect" ]; then passed=$((passed + 1)); printf '  ✔ %s: %s as expected%s\n' "$label" "$got" "$why"
  else failed=$((failed + 1)); printf '  ✘ %s: %s, expected it %s%s (log: %s)\n' "$label" "$got" "$expect" "$why" "$out"; fi
}

echo "n8n $N8N_VERSION, node type CUSTOM.stripeCustomer, package $(basename "$TGZ")"
try_layout "A-.n8n-custom" "$WORK/A-.n8n-custom/home/.n8n/custom" "" works
try_layout "B-N8N_CUSTOM_EXTENSIONS-dist" "$WORK/B-ext" "$WORK/B-ext/node_modules/n8n-nodes-stripe-customer/dist" works
echo "$passed passed, $failed failed"
if [ "$failed" -ne 0 ] || [ -n "${KEEP_CHECK_HOME:-}" ]; then log "kept: $WORK"; else rm -rf "$WORK"; fi
[ "$failed" -eq 0 ]
