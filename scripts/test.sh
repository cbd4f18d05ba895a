#!/usr/bin/env bash
# The README's test command: installs what is missing, builds with warnings as errors, and runs
# every test through CTest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh" -DVERITY_WERROR=ON
build_dir=${VERITY_BUILD_DIR:-$root/build}
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(nproc)" --timeout 300
