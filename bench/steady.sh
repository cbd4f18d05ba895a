#!/usr/bin/env bash
# A steady load, as in production, and where its CPU and memory go (bench/README.md, "Steady
# load"): verity-load sends RATE verifications a second for SECONDS seconds in open loop,
# codes expiring after a tenth of that (as in bench/run.sh's soak), so the run reaches the
# state where as many verifications end as start. Every 10 s it records Verity's RSS,
# RocksDB's memtables and block cache and the live actors; at the end, the CPU seconds of
# each of Verity's threads by name (CAF 0.17 names its scheduler workers caf.multiplexer).
# With --heaptrack, Verity runs under heaptrack, and heaptrack_print adds the peak heap, what
# was still allocated at exit, the heap over time and the call sites holding the most at the
# peak.
#
#   bash bench/steady.sh [--heaptrack] [rate] [seconds]   # default 300/s for 300 s
#
# Keeps the samples, the load report and heaptrack's data in BENCH_PROFILE_DIR (default
# /tmp/verity-steady-<time>). Uses BENCH_PORT (18480) .. +1 and the binaries in build/
# (VERITY_BUILD_DIR). heaptrack slows every allocation: under it the rate must stay well
# below what bench/run.sh reaches, or the figures describe a backlog, not a steady state.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
heaptrack=0
[[ ${1:-} == --heaptrack ]] && { heaptrack=1; shift; }
rate=${1:-300}
seconds=${2:-300}
build=${VERITY_BUILD_DIR:-$root/build}
connections=32 threads=1 duration=$seconds
work=${BENCH_PROFILE_DIR:-/tmp/verity-steady-$(date +%Y%m%dT%H%M%S)}
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
ports_free "$port" || { echo "ports $port to $((port + 2)) are in use: set BENCH_PORT" >&2; exit 1; }
((heaptrack == 0)) || command -v heaptrack >/dev/null \
  || { echo "steady.sh --heaptrack needs heaptrack" >&2; exit 1; }

mkdir -p "$work"
pids=()
engine_pid=
trap 'if [[ -n $engine_pid ]]; then kill -TERM "$engine_pid" 2>/dev/null || true; fi
      for pid in "${pids[@]}"; do stop_process "$pid"; done' EXIT

log "samples and reports in $work"
start_sim
ttl=$((seconds / 10 > 2 ? seconds / 10 : 2))
((heaptrack == 0)) || verity_wrapper=(heaptrack -o "$work/heaptrack.verity")
start_verity true VERITY_CODE_TTL="${ttl}s" VERITY_DELIVERY_TIMEOUT="$((ttl < 30 ? ttl : 30))s"
engine_pid=$verity_pid
((heaptrack == 0)) || engine_pid=$(pgrep -P "$verity_pid" -x verity)
started=$(date +%s.%N)
load steady --url "http://127.0.0.1:$verity_port" --scenario send --api-key "$api_key" \
  --rate "$rate" --first-number 80000000 &
load_pid=$!
echo "# s rss_kib memtable_kib block_cache_kib phone_actors message_actors" >"$work/samples.txt"
while kill -0 "$load_pid" 2>/dev/null; do
  memory_sample "$started" "$engine_pid" | tee -a "$work/samples.txt"
  sleep 10
done
wait "$load_pid"
echo "CPU seconds by thread name (user + system), $(jq .acknowledged "$work/steady.json") verifications:"
for task in /proc/"$engine_pid"/task/*; do
  echo "$(cat "$task/comm") $(awk -v tck="$(getconf CLK_TCK)" '{ print ($14 + $15) / tck }' "$task/stat")"
done | awk '{ cpu[$1] += $2; total += $2 }
            END { for (name in cpu) printf "  %8.1f %s\n", cpu[name], name
                  printf "  %8.1f total of the threads alive at the end\n", total }' | sort -rn
echo "  $(cpu_seconds "$engine_pid") the whole process"
# heaptrack's script runs Verity in the foreground and writes its data once Verity exits, so
# the signal goes to Verity itself.
kill -TERM "$engine_pid"
engine_pid=
wait "$verity_pid" || true
((heaptrack == 1)) || exit 0
data=$(ls "$work"/heaptrack.verity.* | head -n 1)
heaptrack_print -f "$data" --print-peaks --peak-limit 15 --sub-peak-limit 3 \
  --print-allocators 0 --print-temporary 0 >"$work/report.txt"
log "report: $work/report.txt"
grep -E '^(peak heap memory consumption|peak RSS|total memory leaked|calls to allocation)' \
  "$work/report.txt" || true
# The heap over time (massif snapshots, every tenth of the run): flat or a bounded sawtooth is
# a steady state; a climb is a leak.
heaptrack_print -f "$data" -M "$work/massif.out" --print-peaks 0 --print-allocators 0 \
  --print-temporary 0 >/dev/null
echo "heap over time (s, MiB):"
grep -E '^(time|mem_heap_B)=' "$work/massif.out" | paste - - | awk -F'[=\t]' '
  { t[n] = $2; h[n] = $4; n++ }
  END { step = n > 10 ? int(n / 10) : 1
        for (i = 0; i < n; i += step) printf "  %7.1f %7.1f\n", t[i], h[i] / 1048576 }'
# The largest consumers at the peak, each with the first frame in Verity's own code.
echo "largest at the peak:"
awk -v root="$root/" '
  / peak memory consumed over / { if (what) print what; what = $0; found = 0; next }
  /^ *at / && index($2, root) == 1 && !found && what {
    what = what "  <- " substr($2, length(root) + 1); found = 1 }
  END { if (what) print what }' "$work/report.txt" | head -n 15
