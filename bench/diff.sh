#!/usr/bin/env bash
# What `pol diff --lot` costs beside one `pol eval --lot` of the same dossiers: the shared
# benchmark's generated Prime-Vert 1.1 dossiers, the bench policy with its cap per objective
# raised from 40 000 $ to 50 000 $, medians of RUNS interleaved runs, and their ratio.
# Usage: bench/diff.sh   (N=100000 RUNS=5 bench/diff.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${POL_BENCH_SHARED:-$repo/../shared/bench}
N=${N:-100000}
RUNS=${RUNS:-5}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
pol="$repo/target/release/pol"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$shared/gen_dossiers.py" --n "$N" --out "$work/dossiers.jsonl" >/dev/null
mkdir -p "$work/avant/policies" "$work/après/policies"
cp "$here/prime_vert_1_1_banc.pol" "$work/avant/policies/banc.pol"
sed 's/max(0 \$, 40 000 \$ - aide_anterieure_objectif)/max(0 $, 50 000 $ - aide_anterieure_objectif)/' \
  "$here/prime_vert_1_1_banc.pol" >"$work/après/policies/banc.pol"
cmp -s "$work/avant/policies/banc.pol" "$work/après/policies/banc.pol" && {
  echo "la modification du plafond n'a pas pris" >&2
  exit 1
}
cd "$work/après"
eval_once() {
  "$pol" eval policies/banc.pol --lot "$work/dossiers.jsonl" --sortie "$work/résultats.jsonl" \
    --date 2025-06-01 --identifiant id 2>/dev/null || true
}
diff_once() {
  "$pol" diff policies/banc.pol --base "$work/avant" --lot "$work/dossiers.jsonl" \
    --date 2025-06-01 --identifiant id --format json >"$work/diff.json" || true
}
seconds() { # runs "$1" and prints its wall time in seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$1"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
evals=()
diffs=()
for _ in $(seq "$RUNS"); do
  evals+=("$(seconds eval_once)")
  diffs+=("$(seconds diff_once)")
done
python3 - "$N" "$work/diff.json" "${evals[*]}" "${diffs[*]}" <<'PY'
import json, statistics, sys
n, report, evals, diffs = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
e = statistics.median(map(float, evals))
d = statistics.median(map(float, diffs))
p = json.load(open(report))["programmes"][0]
aide = next(m for m in p["montants"] if m["sortie"] == "aide")
print(f"{n} dossiers, médianes de {len(evals)} tours entrelacés")
print(f"  pol eval --lot : {e:.2f} s ({n / e:,.0f} dossiers/s)".replace(",", " "))
print(f"  pol diff --lot : {d:.2f} s ({n / d:,.0f} dossiers/s)".replace(",", " "))
print(f"  rapport diff / eval : {d / e:.2f}")
print(f"  dossiers modifiés : {p['modifiés']} sur {p['examinés']} ; aide {aide['avant']} $ → {aide['après']} $ ({aide['écart']} $)")
PY
