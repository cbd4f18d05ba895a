#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with warnings as errors, runs
# every test through CTest, then the demo page's browser tests (tests/browser/) in Chromium.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh" -DVERITY_WERROR=ON
build_dir=${VERITY_BUILD_DIR:-$root/build}
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300

# npm ci installs exactly the lock file's packages, from npm's cache when it has them.
cd "$root/tests/browser"
npm ci --no-audit --no-fund --prefer-offline
VERITY_BUILD_DIR="$build_dir" npm test
