#!/usr/bin/env bash
# Configures and builds Verity into ./build (Release with debug info). Extra arguments go to
# CMake's configure step, e.g. -DVERITY_WERROR=ON.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/install-deps.sh"
build_dir=${VERITY_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
