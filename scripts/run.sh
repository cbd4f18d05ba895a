#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts Verity in the foreground
# with RocksDB under ./data. Without Twilio credentials it uses the built-in Twilio simulator.
# Arguments are passed to `verity` (try --help).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh"
cd "$root"
exec "${VERITY_BUILD_DIR:-$root/build}/verity" "$@"
