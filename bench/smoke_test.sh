#!/usr/bin/env bash
# CTest bench_smoke: runs `bench/run.sh --smoke` against the binaries already built and checks
# that it completes and writes a valid results table: JSON with every scenario answered at
# least once, and markdown with the table. It asserts nothing about speed. Skips (exit 77)
# when a tool the benchmark needs is missing, instead of installing it.
# Arguments: the build directory, then a directory for the results.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$1 results=$2
for tool in jq nginx node npm curl; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "skipped: no $tool"; exit 77; }
done
if [[ ! -d $root/bench/seed_reference/node_modules/express ]]; then
  (cd "$root/bench/seed_reference" && timeout 120 npm ci --no-audit --no-fund) \
    || { echo "skipped: cannot install the seed reference's packages"; exit 77; }
fi
source "$root/bench/lib.sh"
# Listening ports come from below the kernel's ephemeral range: a port inside it can be taken by
# any outgoing connection between the check and the bind (it happened: "Address already in use").
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
pick_port() { echo $((10000 + RANDOM % (ephemeral_low - 10003))); }
port=$(pick_port)
until ports_free "$port"; do port=$(pick_port); done
rm -rf "$results"
VERITY_BUILD_DIR=$build BENCH_SKIP_BUILD=1 BENCH_RESULTS=$results BENCH_PORT=$port \
  bash "$root/bench/run.sh" --smoke >/dev/null

json=$(ls "$results"/2*.json)
expected='["e2e", "compat", "compat-status", "compat-callbacks", "callbacks", "reads",
  "curve-25", "curve-50", "curve-75", "curve-100", "e2e-nosync", "compat-nosync",
  "compat-status-nosync", "compat-callbacks-nosync", "callbacks-nosync", "reads-nosync",
  "inflight", "soak", "seed-send", "seed-callbacks", "seed-status", "nginx"]'
missing=$(jq -r --argjson expected "$expected" \
  '$expected - [.scenarios | to_entries[] | select(.value.acknowledged > 0) | .key] | join(" ")' \
  "$json")
[[ -z $missing ]] || { echo "no acknowledged request in: $missing"; exit 1; }
jq -e '.scenarios.e2e.engine.cpu_ms_per_verification > 0 and .scenarios.e2e.engine.peak_rss_kib > 0
  and (.scenarios.inflight.memory.bytes_per_in_flight | type == "number")
  and (.scenarios.soak.soak.samples | length > 1)
  and .scenarios["seed-send"].process.cpu_ms_per_request > 0' "$json" >/dev/null \
  || { echo "engine, memory, soak or seed figures missing in $json"; exit 1; }
grep -q '^| 1. full verification' "$results/latest.md" \
  && grep -q '^| 100 % |' "$results/latest.md" \
  || { echo "the markdown table is incomplete: $results/latest.md"; exit 1; }
echo "bench smoke passed: $json"
