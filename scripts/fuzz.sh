#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) and runs each for a while.
#   bash scripts/fuzz.sh [seconds-per-target] [target...]
# Targets: http_request json_body twilio_form phone storage_codec (default: all), 60 s each.
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>, never written to) and
# a scratch corpus in the build directory that grows across runs. VERITY_FUZZ_SEED fixes
# libFuzzer's random seed (the test command sets it, so a commit's smoke run explores the same
# inputs every time, up to machine speed); unset, every run explores new ones. Prints
# executions, exec/s and coverage per target; fails on any crash, leak, timeout or
# out-of-memory, keeping the input that caused it in <build dir>/fuzz/<target>/artifacts/.
# VERITY_FUZZ_RUNS=N runs each target for N executions instead (the seconds still bound it);
# VERITY_FUZZ_WORK names the directory of the scratch corpora (default <build dir>/fuzz).
# scripts/fuzz_depth.sh uses both for the long runs recorded in tests/fuzz/README.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http_request json_body twilio_form phone storage_codec)
bash "$root/scripts/install-deps.sh"
# shellcheck source=scripts/lib/instrumented_build.sh
source "$root/scripts/lib/instrumented_build.sh"

build_dir=${VERITY_FUZZ_BUILD_DIR:-$root/build-asan}
configure_asan "$build_dir"
cmake --build "$build_dir" --parallel "${VERITY_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

# The value of `key` (e.g. "cov:") on the last progress line of a libFuzzer log.
last_stat() {
  grep -E '^#[0-9]+' "$2" | tail -n 1 | grep -oE "$1 [0-9]+" | awk '{print $2}'
}

# The value of a -print_final_stats=1 line, e.g. stat::number_of_executed_units.
final_stat() {
  grep -E "^stat::$1:" "$2" | awk '{print $2}'
}

# Runs one target; prints its figures; returns non-zero when libFuzzer found something.
run_target() {
  local target=$1 work="${VERITY_FUZZ_WORK:-$build_dir/fuzz}/$1"
  mkdir -p "$work/corpus" "$work/artifacts"
  local options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
                 -artifact_prefix="$work/artifacts/")
  [ -n "${VERITY_FUZZ_RUNS:-}" ] && options+=(-runs="$VERITY_FUZZ_RUNS")
  [ -f "$root/tests/fuzz/$target.dict" ] && options+=(-dict="$root/tests/fuzz/$target.dict")
  [ -n "${VERITY_FUZZ_SEED:-}" ] && options+=(-seed="$VERITY_FUZZ_SEED")
  local status=0
  "$build_dir/fuzz_$target" "${options[@]}" "$work/corpus" "$root/tests/fuzz/corpus/$target" \
    >"$work/log" 2>&1 || status=$?
  printf '%-14s execs %-10s exec/s %-8s cov %-6s ft %-6s corpus %s\n' "$target" \
    "$(final_stat number_of_executed_units "$work/log")" \
    "$(final_stat average_exec_per_sec "$work/log")" \
    "$(last_stat cov: "$work/log")" "$(last_stat ft: "$work/log")" \
    "$(find "$work/corpus" -type f | wc -l)"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target failed (exit $status); log $work/log, input in $work/artifacts/:" >&2
    grep -E 'ERROR|SUMMARY|property violated|Test unit written' "$work/log" >&2 \
      || tail -n 30 "$work/log" >&2
  fi
  return "$status"
}

failed=0
for target in "${targets[@]}"; do
  run_target "$target" || failed=1
done
exit "$failed"
