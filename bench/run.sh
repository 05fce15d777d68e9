#!/usr/bin/env bash
# Times pol beside OpenFisca, GoRules ZEN and the decimal reference on the shared Prime-Vert 1.1
# workload (../shared/bench), in one run. Usage: bench/run.sh   (N=20000 RUNS=3 bench/run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${POL_BENCH_SHARED:-$repo/../shared/bench}
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
export POL_CMD="$repo/target/release/pol eval $here/prime_vert_1_1_banc.pol --lot {in} --sortie {out} --date 2025-06-01 --identifiant id"
exec "$shared/run_bench.sh"
