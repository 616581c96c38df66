#!/usr/bin/env bash
# The headless e2e (test-e2e.sh) once per n8n version, oldest first:
#   bash scripts/n8n/test-e2e-versions.sh [version ...]      (or N8N_VERSIONS="1.85.x 2.41.1" npm run test:e2e)
# Default versions: 1.85.x (= 1.85.4, the first n8n with NodeConnectionTypes on the registry) and 2.41.1.
# Builds once, then every run packs the same dist/. Runs every version even when one fails; prints one summary
# line per version, and as its last line the sum over all versions: "N passed, N failed" (a run that ended
# before printing its own count counts as one failure). Exit code 1 if any run failed.
# Env: N8N_VERSIONS, SKIP_BUILD=1, and what test-e2e.sh reads (N8N_CACHE_DIR, KEEP_E2E_HOME, E2E_VERBOSE).
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "$#" -gt 0 ]; then
  versions=("$@")
else
  read -r -a versions <<< "${N8N_VERSIONS:-1.85.x 2.41.1}"
fi
[ "${#versions[@]}" -gt 0 ] || die "no n8n versions given"

if [ -z "${SKIP_BUILD:-}" ]; then
  log "npm run build"
  (cd "$REPO_ROOT" && npm run build >/dev/null) || die "npm run build failed"
fi

total_passed=0 total_failed=0 rc=0
summary=()
for v in "${versions[@]}"; do
  out="$(mktemp)"
  t0=$(date +%s)
  printf '\n=== n8n e2e, N8N_VERSION=%s\n' "$v"
  run_rc=0
  env -u N8N_VERSIONS N8N_VERSION="$v" SKIP_BUILD=1 bash "$REPO_ROOT/scripts/n8n/test-e2e.sh" 2>&1 | tee "$out" || run_rc=$?
  secs=$(( $(date +%s) - t0 ))
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)"
  rm -f "$out"
  if [ -n "$line" ]; then
    p="${line%% passed*}"; f="${line#*passed, }"; f="${f%% failed}"
  else
    p=0 f=1
    line="no result line (the run ended early, exit $run_rc): counted as 1 failed"
  fi
  if [ "$run_rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; line="$line, but exit $run_rc: counted as 1 failed"
  fi
  [ "$run_rc" -eq 0 ] && [ "$f" -eq 0 ] || rc=1
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  resolved="$(resolve_n8n_version "$v")" || resolved="$v"
  summary+=("  n8n $resolved: $line (exit $run_rc, ${secs}s)")
done

printf '\n=== n8n e2e over %d versions\n' "${#versions[@]}"
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed"
exit "$rc"
