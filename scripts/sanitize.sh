#!/usr/bin/env bash
# Builds the test suite and the verity binary (the end-to-end tests start it) with sanitizers,
# with clang, in their own build directory, and runs the suite through CTest.
#   bash scripts/sanitize.sh [asan|tsan] [extra ctest arguments...]
# asan (default): AddressSanitizer + LeakSanitizer + UBSan, every report fatal, in build-asan.
# tsan: ThreadSanitizer in build-tsan; advisory (see tests/sanitizers/README.md).
# VERITY_SANITIZE_EXCLUDE: a CTest -E regex of tests to leave out (default: the EMFILE test,
# see below; set it empty to run everything).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-asan}
shift || true
bash "$root/scripts/install-deps.sh"
supp="$root/tests/sanitizers"
# shellcheck source=scripts/lib/instrumented_build.sh
source "$root/scripts/lib/instrumented_build.sh"

case "$mode" in
  asan)
    sanitizers=address,undefined
    export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:strict_init_order=1"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    ;;
  tsan)
    sanitizers=thread
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
    ;;
  *)
    echo "usage: $0 [asan|tsan] [ctest arguments...]" >&2
    exit 2
    ;;
esac

build_dir=${VERITY_SANITIZE_BUILD_DIR:-$root/build-$mode}
if [ "$mode" = asan ]; then
  configure_asan "$build_dir"
else
  configure_instrumented "$build_dir" "$sanitizers"
fi
# verity_tests depends on verity, which the end-to-end tests start: both are instrumented.
cmake --build "$build_dir" --parallel "${VERITY_JOBS:-$(nproc)}" --target verity_tests

# Left out by default: the EMFILE test uses up every file descriptor, and the sanitizer runtime
# needs a pipe to tell whether memory is readable (sanitizer_common's IsAccessibleMemoryRange),
# so UBSan's vptr check reports valid objects as "invalid vptr" while no descriptor is free.
exclude=(-E "${VERITY_SANITIZE_EXCLUDE-out_of_descriptors}")
[ -n "${exclude[1]}" ] || exclude=()
# The benchmark smoke (label "bench") measures nothing under sanitizers; the normal suite runs it.
ctest --test-dir "$build_dir" --output-on-failure --parallel "${VERITY_JOBS:-$(nproc)}" \
  --timeout 600 -LE bench "${exclude[@]}" "$@"
