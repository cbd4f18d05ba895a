#!/usr/bin/env bash
# The long fuzzing runs (outside CI, which only proves the harnesses): every target, or those
# named, for VERITY_FUZZ_RUNS executions each (default 10 million), from a fixed seed
# (VERITY_FUZZ_SEED, default 1), over scratch corpora in build-asan/fuzz-depth/<target>/corpus
# that grow across runs, plus the committed seeds. Bounded at 3 hours per target. Prints
# executions, exec/s and coverage per target (the figures in tests/fuzz/README.md); a finding
# stops with the input in build-asan/fuzz-depth/<target>/artifacts/: minimise it with
#   build-asan/fuzz_<target> -minimize_crash=1 -runs=100000 <input>
# and keep the result in tests/fuzz/corpus/<target>/ as a regression input.
#   bash scripts/fuzz_depth.sh [target...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export VERITY_FUZZ_RUNS=${VERITY_FUZZ_RUNS:-10000000}
export VERITY_FUZZ_SEED=${VERITY_FUZZ_SEED:-1}
export VERITY_FUZZ_WORK=${VERITY_FUZZ_WORK:-${VERITY_FUZZ_BUILD_DIR:-$root/build-asan}/fuzz-depth}
exec bash "$root/scripts/fuzz.sh" 10800 "$@"
