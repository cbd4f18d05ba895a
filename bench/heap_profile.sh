#!/usr/bin/env bash
# Where Verity's memory goes under a steady load (bench/README.md, "Memory"): Verity runs under
# heaptrack while verity-load sends RATE verifications a second for SECONDS seconds, codes
# expiring after a tenth of that (as in bench/run.sh's soak). Every 10 s it records Verity's
# RSS, RocksDB's memtables and block cache and the live actors; at the end heaptrack_print
# gives the peak heap, what was still allocated at exit and the call paths holding the most
# at the peak.
#
#   bash bench/heap_profile.sh [rate] [seconds]     # default 300/s for 300 s; needs heaptrack
#
# Keeps the samples, the heaptrack data and its report in BENCH_PROFILE_DIR (default
# /tmp/verity-heap-<time>). Uses BENCH_PORT (18480) .. +1 and the binaries in build/
# (VERITY_BUILD_DIR). heaptrack slows every allocation: the rate must stay well below what
# bench/run.sh reaches, or the figures describe a backlog instead of a steady state.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rate=${1:-300}
seconds=${2:-300}
build=${VERITY_BUILD_DIR:-$root/build}
port=${BENCH_PORT:-18480}
verity_port=$port sim_port=$((port + 1))
api_key=bench-key-0123456789abcdef
account_sid=AC0123456789abcdef0123456789abcdef
auth_token=bench-token-0123456789abcdef
sender=+15005550006
connections=32 threads=1 duration=$seconds
work=${BENCH_PROFILE_DIR:-/tmp/verity-heap-$(date +%Y%m%dT%H%M%S)}
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
ports_free "$port" || { echo "ports $port to $((port + 2)) are in use: set BENCH_PORT" >&2; exit 1; }
command -v heaptrack >/dev/null || { echo "heap_profile.sh needs heaptrack" >&2; exit 1; }

mkdir -p "$work"
pids=()
engine_pid=
trap '[[ -n $engine_pid ]] && kill -TERM "$engine_pid" 2>/dev/null
      for pid in "${pids[@]}"; do stop_process "$pid"; done' EXIT

log "heaptrack data and samples in $work"
start_sim
ttl=$((seconds / 10 > 2 ? seconds / 10 : 2))
verity_wrapper=(heaptrack -o "$work/heaptrack.verity")
start_verity true VERITY_CODE_TTL="${ttl}s" VERITY_DELIVERY_TIMEOUT="$((ttl < 30 ? ttl : 30))s"
engine_pid=$(pgrep -P "$verity_pid" -x verity)
started=$(date +%s.%N)
load heap --url "http://127.0.0.1:$verity_port" --scenario send --api-key "$api_key" \
  --rate "$rate" --first-number 80000000 &
load_pid=$!
echo "# s rss_kib memtable_kib block_cache_kib phone_actors message_actors" >"$work/samples.txt"
while kill -0 "$load_pid" 2>/dev/null; do
  memory_sample "$started" "$engine_pid" | tee -a "$work/samples.txt"
  sleep 10
done
wait "$load_pid"
# heaptrack's script runs Verity in the foreground and writes its data once Verity exits, so
# the signal goes to Verity itself.
kill -TERM "$engine_pid"
wait "$verity_pid" || true
data=$(ls "$work"/heaptrack.verity.* | head -n 1)
heaptrack_print -f "$data" --print-peaks --peak-limit 15 --sub-peak-limit 3 \
  --print-allocators 0 --print-temporary 0 >"$work/report.txt"
log "report: $work/report.txt"
grep -E '^(peak heap memory consumption|peak RSS|total memory leaked|calls to allocation)' \
  "$work/report.txt" || true
awk '/^PEAK MEMORY CONSUMERS/ { on = 1 } on && n < 80 { print; n++ }' "$work/report.txt"
