#!/bin/sh
# The container image's entry point: runs /usr/bin/verity with the packaged configuration file,
# listening on every interface of the container (VERITY_LISTEN, default 0.0.0.0:8080) and
# keeping its data in the image's volume (VERITY_DATA_DIR, default /var/lib/verity). Its
# arguments go to verity: flags (--twilio.mode simulator), `check-config`, `--help`.
set -eu

: "${VERITY_LISTEN:=0.0.0.0:8080}"
: "${VERITY_DATA_DIR:=/var/lib/verity}"
export VERITY_LISTEN VERITY_DATA_DIR

exec /usr/bin/verity --config /etc/verity/verity.toml "$@"
