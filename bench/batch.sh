#!/usr/bin/env bash
# What `pol eval --lot` costs as N grows, on one thread and on every core: the shared
# benchmark's generated Prime-Vert 1.1 dossiers (bench policy) for N = 10 000, 100 000 and
# 1 000 000, and the real policy prime-vert/sous_volet_1_1.pol on 100 000 varied dossiers.
# Medians of RUNS runs of /usr/bin/time: wall time, dossiers per second, µs of CPU (user +
# system) per dossier, peak memory. The result lines are checked equal on 1 and 2 threads.
# Usage: bench/batch.sh   (RUNS=5 SIZES="10000 100000" bench/batch.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${POL_BENCH_SHARED:-$repo/../shared/bench}
RUNS=${RUNS:-3}
SIZES=${SIZES:-"10000 100000 1000000"}
REAL_N=${REAL_N:-100000}
cores=$(nproc)
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
pol="$repo/target/release/pol"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints "wall_s cpu_s rss_kib".
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" 2>/dev/null || true
  awk '{print $1, $2 + $3, $4}' "$work/time"
}

# Medians of RUNS runs of one command; prints a table row.
row() {
  local label=$1 n=$2 threads=$3
  shift 3
  for _ in $(seq "$RUNS"); do measure "$@"; done >"$work/runs"
  python3 - "$label" "$n" "$threads" "$work/runs" <<'PY'
import statistics, sys
label, n, threads, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
runs = [tuple(map(float, l.split())) for l in open(path) if l.strip()]
wall = statistics.median(r[0] for r in runs)
cpu = statistics.median(r[1] for r in runs)
rss = statistics.median(r[2] for r in runs) / 1024
walls = ", ".join(f"{r[0]:.2f}" for r in runs)
grouped = lambda x: f"{x:,.0f}".replace(",", " ")
print(f"| {label} | {grouped(n)} | {threads} | {wall:.2f} | {grouped(n / wall)} | {cpu / n * 1e6:.2f} | {rss:.0f} | {walls} |")
PY
}

echo "machine: $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg), medians of $RUNS runs"
echo
echo "| programme | N | fils | médiane (s) | dossiers/s | µs de CPU par dossier | mémoire max (Mio) | passages (s) |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for n in $SIZES; do
  python3 "$shared/gen_dossiers.py" --n "$n" --out "$work/banc.jsonl" >/dev/null
  for threads in 1 "$cores"; do
    row "banc (bench/prime_vert_1_1_banc.pol)" "$n" "$threads" \
      "$pol" eval "$here/prime_vert_1_1_banc.pol" --lot "$work/banc.jsonl" \
      --sortie "$work/r$threads.jsonl" --date 2025-06-01 --identifiant id --fils "$threads"
  done
  cmp -s "$work/r1.jsonl" "$work/r$cores.jsonl" || { echo "résultats différents selon le nombre de fils" >&2; exit 1; }
done
python3 "$shared/gen_real_1_1.py" "$REAL_N" "$work/réel.jsonl" >/dev/null
for threads in 1 "$cores"; do
  row "réel (prime-vert/sous_volet_1_1.pol)" "$REAL_N" "$threads" \
    "$pol" eval "$repo/policies/prime-vert/sous_volet_1_1.pol" --lot "$work/réel.jsonl" \
    --sortie "$work/r$threads.jsonl" --date 2025-06-01 --identifiant id --fils "$threads"
done
cmp -s "$work/r1.jsonl" "$work/r$cores.jsonl" || { echo "résultats différents selon le nombre de fils" >&2; exit 1; }
