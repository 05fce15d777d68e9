#!/usr/bin/env bash
# How pol check and pol fmt scale on the hostile policies an editor can produce: comment
# lines after a rule, unknown names (each with its « voulez-vous dire »), type errors (each
# rendered with its source lines), a chain of additions, and a large well-formed policy.
# For each, size N and 5 N: the median wall time and peak memory of RUNS runs, and the
# ratio of the two times (about 5 when linear, 25 when quadratic).
# Usage: bench/echelle.sh   (RUNS=5 N=4000 bench/echelle.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
RUNS=${RUNS:-3}
N=${N:-8000}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
pol="$repo/target/release/pol"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Writes the policy of a corner at size n to $work/<corner>-<n>.pol.
generate() {
  python3 - "$1" "$2" "$work/$1-$2.pol" <<'EOF'
import sys
corner, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if corner == "commentaires":
    text = "règle a : entier = 1\n" + "".join(f"# commentaire {i}\n" for i in range(n * 5)) + "règle b : entier = 2\n"
elif corner == "noms_inconnus":
    text = "".join(f"règle r{i} : entier = inconnu_{i} + 1\n" for i in range(n))
elif corner == "erreurs_de_type":
    text = "".join(f"règle t{i} : entier = vrai + {i}\n" for i in range(n))
elif corner == "additions":
    text = "règle x : entier = " + " + ".join("1" for _ in range(n)) + "\n"
elif corner == "grande_politique":
    text = "".join(f"§ « Section {i} »\nrègle r{i} : argent = {i} $ + 1 $\n" for i in range(n))
open(path, "w").write(text)
EOF
}

# The median "wall_s rss_kib" of RUNS runs of a command (its exit code ignored).
median() {
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    tail -n 1 "$work/time"
  done | sort -n | awk '{ t[NR] = $1; m[NR] = $2 } END { i = int((NR + 1) / 2); print t[i], m[i] }'
}

printf '%-18s %-10s %8s %12s %12s %12s %12s %9s\n' cas commande N "t(N) s" "mém(N) Mio" "t(5N) s" "mém(5N) Mio" "rapport"
for corner in commentaires noms_inconnus erreurs_de_type additions grande_politique; do
  big=$((N * 5))
  generate "$corner" "$N"
  generate "$corner" "$big"
  for command in check fmt; do
    args=("$command")
    [ "$command" = fmt ] && args=(fmt --check)
    read -r t1 m1 < <(median "$pol" "${args[@]}" "$work/$corner-$N.pol")
    read -r t5 m5 < <(median "$pol" "${args[@]}" "$work/$corner-$big.pol")
    awk -v c="$corner" -v k="$command" -v n="$N" -v t1="$t1" -v m1="$m1" -v t5="$t5" -v m5="$m5" 'BEGIN {
      r = (t1 > 0) ? sprintf("%.1f", t5 / t1) : "—";
      printf "%-18s %-10s %8d %12.2f %12.1f %12.2f %12.1f %9s\n", c, k, n, t1, m1 / 1024, t5, m5 / 1024, r }'
  done
done
