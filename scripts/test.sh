#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with warnings as errors, and runs
# every test through CTest; then the same suite under ASan + UBSan (scripts/sanitize.sh) and a
# short run of every fuzz target (scripts/fuzz.sh, VERITY_FUZZ_SECONDS each, default 30).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh" -DVERITY_WERROR=ON
build_dir=${VERITY_BUILD_DIR:-$root/build}
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300

started=$SECONDS
bash "$root/scripts/sanitize.sh" asan
echo "test: ASan + UBSan suite took $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
started=$SECONDS
bash "$root/scripts/fuzz.sh" "${VERITY_FUZZ_SECONDS:-30}"
echo "test: fuzz smoke took $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
