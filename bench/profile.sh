#!/usr/bin/env bash
# Instruction counts per request of Verity's hot paths (bench/README.md, "Profile"): Verity runs
# under callgrind with instrumentation off; for signed status callbacks (scenario 2) and status
# reads (scenario 3), verity-load creates the verifications it needs, then sends REQUESTS
# requests while callgrind counts. Instructions divided by the requests Verity's own metrics saw
# in that window: unlike rates, this figure does not move when other work loads the machine.
#
#   bash bench/profile.sh [requests]     # default 10000 per scenario; needs valgrind
#
# Prints instructions per request and the 25 costliest functions (inclusive) of each scenario;
# keeps the callgrind dumps in BENCH_PROFILE_DIR (default /tmp/verity-profile-<time>) for
# callgrind_annotate or kcachegrind. Uses BENCH_PORT (18480) .. +1 and the binaries in build/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
requests=${1:-10000}
build=${VERITY_BUILD_DIR:-$root/build}
out=${BENCH_PROFILE_DIR:-/tmp/verity-profile-$(date +%Y%m%dT%H%M%S)}
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
ports_free "$port" || { echo "ports $port to $((port + 2)) are in use: set BENCH_PORT" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "profile.sh needs valgrind" >&2; exit 1; }

mkdir -p "$out"
work=$out
pids=()
trap 'for pid in "${pids[@]}"; do stop_process "$pid"; done' EXIT

# Counts `route`'s requests in Verity's metrics.
route_requests() {
  scrape "$work/now.prom"
  metric_sum "$work/now.prom" verity_http_requests_total "route=\"$1\""
}

# profile name route verity-load-args...: counts instructions while verity-load's main run of
# `requests` requests goes through `route` (its setup excluded), and prints them per request.
profile() {
  local name=$1 route=$2 log=$work/$1.load.txt before after
  shift 2
  "$build/verity-load" --url "http://127.0.0.1:$verity_port" --connections 8 --duration 600 \
    --requests "$requests" "$@" >"$log" 2>&1 &
  local load_pid=$!
  until grep -q "have a Twilio SID" "$log"; do
    kill -0 "$load_pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.2
  done
  callgrind_control -z "$verity_pid" >/dev/null
  callgrind_control -i on "$verity_pid" >/dev/null
  before=$(route_requests "$route")
  wait "$load_pid"
  callgrind_control -i off "$verity_pid" >/dev/null
  after=$(route_requests "$route")
  callgrind_control -d "$name" "$verity_pid" >/dev/null
  local dump total
  dump=$(ls -t "$work"/callgrind.out.*."$name"* 2>/dev/null | head -n 1 || true)
  [[ -n $dump ]] || dump=$(ls -t "$work"/callgrind.out.* | head -n 1)
  total=$(callgrind_annotate "$dump" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
  echo "== $name: $((after - before)) requests on $route, $(calc "$total / ($after - $before)") instructions each ($dump)"
  callgrind_annotate --inclusive=yes "$dump" \
    | awk 'n < 25 && /^ *[0-9,]+ / { print substr($0, 1, 160); n++ }'
}

log "callgrind dumps in $out"
start_sim
verity_wrapper=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out.%p")
start_verity true
profile callbacks "/v1/webhooks/twilio/status" --scenario callback --setup 1000 \
  --first-number 600000 --api-key "$api_key" --auth-token "$auth_token" \
  --account-sid "$account_sid" --from "$sender"
profile reads "/v1/verifications/{id}" --scenario status --setup 1000 --first-number 700000 \
  --api-key "$api_key"
