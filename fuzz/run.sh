#!/usr/bin/env bash
# Runs each fuzz target for DUREE seconds (default 600) with libFuzzer, JOBS at a time (default 2),
# from its committed corpus (fuzz/corpus/<cible>/) and a working one (fuzz/travail/<cible>/, not
# committed) that it grows and minimises; then it puts back in the committed corpus the GARDER
# smallest inputs of the working one (default 300, named auto-…, replacing the previous ones),
# and every input that broke a property (fuzz/artifacts/<cible>/, kept as regression-…, never
# replaced). It prints, per target: seconds, executions, working corpus, crashes.
# The stable toolchain builds it with RUSTC_BOOTSTRAP=1 and no sanitizer: pol forbids unsafe
# code, so the fuzzers look for panics, hangs (-timeout) and memory blow-ups (-rss_limit_mb).
# Usage: fuzz/run.sh [cible…]   (DUREE=60 JOBS=1 fuzz/run.sh dossier)
# Needs cargo-fuzz: cargo install cargo-fuzz --locked
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${DUREE:-600}
JOBS=${JOBS:-2}
KEEP=${GARDER:-300}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(verifier formater dossier modifications)
export RUSTC_BOOTSTRAP=1
fuzz=(cargo fuzz)
flags=(--fuzz-dir fuzz -s none -O --target-dir target/fuzz)
"${fuzz[@]}" build "${flags[@]}"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

run_one() {
  local t=$1
  mkdir -p "fuzz/artifacts/$t" "fuzz/travail/$t"
  "${fuzz[@]}" run "${flags[@]}" "$t" "fuzz/travail/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" >"$logs/$t.log" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

printf '%-14s %8s %14s %10s %8s\n' cible secondes exécutions travail plantages
for t in "${targets[@]}"; do
  "${fuzz[@]}" cmin "${flags[@]}" "$t" "fuzz/travail/$t" >/dev/null 2>&1 || true
  rm -f "fuzz/corpus/$t"/auto-*
  find "fuzz/travail/$t" -type f -printf '%s %f\n' | sort -n | awk -v k="$KEEP" 'NR <= k' |
    while read -r _ name; do cp "fuzz/travail/$t/$name" "fuzz/corpus/$t/auto-$name"; done
  for crash in "fuzz/artifacts/$t"/*; do
    [ -f "$crash" ] && cp "$crash" "fuzz/corpus/$t/regression-$(basename "$crash")"
  done
  execs=$(awk -F: '/stat::number_of_executed_units/ { print $NF }' "$logs/$t.log" | tr -d ' ')
  files=$(find "fuzz/travail/$t" -type f | wc -l)
  crashes=$(find "fuzz/artifacts/$t" -type f | wc -l)
  printf '%-14s %8s %14s %10s %8s\n' "$t" "$SECONDS_PER_TARGET" "${execs:-?}" "$files" "$crashes"
  if [ "$crashes" -gt 0 ]; then
    grep -m 3 -E "panicked|ERROR: libFuzzer" "$logs/$t.log" || true
  fi
done
