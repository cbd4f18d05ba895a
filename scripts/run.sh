#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts Verity in the foreground
# with RocksDB under ./data. It runs the built-in Twilio simulator (VERITY_TWILIO=simulator)
# unless VERITY_TWILIO is set: VERITY_TWILIO=live with Twilio credentials sends real messages.
# Arguments are passed to `verity` (try --help).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build.sh"
cd "$root"
export VERITY_TWILIO=${VERITY_TWILIO:-simulator}
exec "${VERITY_BUILD_DIR:-$root/build}/verity" "$@"
