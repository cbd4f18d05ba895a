#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with warnings as errors, runs every
# test through CTest, the demo page's browser tests (tests/browser/) in Chromium and the OpenAPI
# document's tests (tests/openapi/: the document, the real answers and a generated client); then
# builds, installs, runs and purges the Debian package (scripts/package_test.sh, as root); then
# the same CTest suite under ASan + UBSan (scripts/sanitize.sh) and a short run of every fuzz target
# (scripts/fuzz.sh, VERITY_FUZZ_SECONDS each, default 30, from a fixed seed, VERITY_FUZZ_SEED,
# default 1: a test command that fails must fail again on the same commit; exploring new inputs
# is what scripts/fuzz.sh run alone is for).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Prints how long the step that started at $1 (in $SECONDS) took.
report_duration() {
  local elapsed=$((SECONDS - $2))
  echo "test: $1 took $((elapsed / 60)) min $((elapsed % 60)) s"
}

started=$SECONDS
bash "$root/scripts/build.sh" -DVERITY_WERROR=ON
build_dir=${VERITY_BUILD_DIR:-$root/build}
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300

# npm ci installs exactly the lock file's packages, from npm's cache when it has them.
(
  cd "$root/tests/browser"
  npm ci --no-audit --no-fund --prefer-offline
  VERITY_BUILD_DIR="$build_dir" npm test
)
(
  cd "$root/tests/openapi"
  npm ci --no-audit --no-fund --prefer-offline
  VERITY_BUILD_DIR="$build_dir" npm test
)
report_duration "build, suite, browser and OpenAPI tests" "$started"

started=$SECONDS
bash "$root/scripts/package_test.sh"
report_duration "Debian package test" "$started"

started=$SECONDS
bash "$root/scripts/sanitize.sh" asan
report_duration "ASan + UBSan suite" "$started"
started=$SECONDS
VERITY_FUZZ_SEED=${VERITY_FUZZ_SEED:-1} bash "$root/scripts/fuzz.sh" "${VERITY_FUZZ_SECONDS:-30}"
report_duration "fuzz smoke" "$started"
