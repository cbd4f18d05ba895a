#!/usr/bin/env bash
# Writes bench/run.sh's results table: <results>/<UTC time>.md and .json, and latest.md
# (results: BENCH_RESULTS, default bench/results). Arguments: the run's work directory (one
# verity-load JSON report per scenario, with the figures run.sh added), then the duration,
# connections, load threads and setup size it used.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$1 duration=$2 connections=$3 threads=$4 setup=$5
results=${BENCH_RESULTS:-$root/bench/results}
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=$results/$stamp.json

machine=$(jq -n --arg nproc "$(nproc)" \
  --arg cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
  --arg memory "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg kernel "$(uname -r)" \
  '{nproc: ($nproc | tonumber), cpu: $cpu, memory: $memory, kernel: $kernel,
    load_average_at_end: $load}')
scenarios=$(for file in "$work"/*.json; do
  jq --arg name "$(basename "$file" .json)" '{($name): .}' "$file"
done | jq -s 'add')
jq -n --arg date "$(date -u +%FT%TZ)" --arg commit "$(git -C "$root" rev-parse --short HEAD)" \
  --argjson machine "$machine" --argjson scenarios "$scenarios" \
  --argjson settings "{\"duration_s\": $duration, \"connections\": $connections,
                       \"load_threads\": $threads, \"setup\": $setup,
                       \"smoke\": ${BENCH_SMOKE:-0}}" \
  '{date: $date, commit: $commit, machine: $machine, settings: $settings,
    scenarios: $scenarios}' >"$json"

ms='.*10|round/10' # latencies to 0.1 ms

get() { # scenario jq-path [format]: one figure of a scenario ("-" when absent)
  jq -r ".scenarios[\"$1\"]$2 // \"-\" | if type == \"number\" then ${3:-floor} else . end" "$json"
}

verdict() { # value op target: "met" or "missed" ("-" when there is no value)
  [[ $1 == - || $1 == none ]] && { echo -; return; }
  awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"met\" : \"**missed**\" }"
}

rate_row() { # label verity-scenario target seed-scenario: a request rate with its latency
  local r
  r=$(get "$2" .acknowledged_per_s)
  echo "| $1 | $r/s (p50 $(get "$2" .p50_ms "$ms") ms, p99 $(get "$2" .p99_ms "$ms") ms$(errors "$2")) |" \
    "${3:-} | $([[ -n ${3:-} ]] && verdict "$r" '>=' "${3//[^0-9]/}") |" \
    "$([[ -n ${4:-} ]] && echo "$(get "$4" .acknowledged_per_s)/s (p50 $(get "$4" .p50_ms "$ms") ms, p99 $(get "$4" .p99_ms "$ms") ms)") |"
}

errors() { # scenario: ", other answers ..." when some were not 2xx
  jq -r ".scenarios[\"$1\"] // empty | [(.statuses | to_entries[] | select(.key | test(\"^2\") | not)
    | \"\(.key): \(.value)\"), (if .transport_errors > 0 then \"io: \(.transport_errors)\" else empty end)]
    | if length > 0 then \", other answers \" + join(\", \") else \"\" end" "$json"
}

engine_rows() { # scenario seed-scenario: the engine's figures of an end-to-end run
  local s=$1 seed=${2:-}
  echo "| time to delivered p50 / p99 (engine histogram) | $(get "$s" .engine.time_to_delivered_p50_s) / $(get "$s" .engine.time_to_delivered_p99_s) s | | | |"
  echo "| delivered / callbacks applied (run + drain, $(get "$s" .engine.wall_s) s) | $(get "$s" .engine.delivered) / $(get "$s" .engine.callbacks) ($(get "$s" .engine.callbacks_per_s)/s) | >= 15,000 callbacks/s | $(verdict "$(get "$s" .engine.callbacks_per_s)" '>=' 15000) | |"
  echo "| CPU per verification (send + its callbacks) | $(get "$s" .engine.cpu_ms_per_verification '.*1000|floor/1000') ms | | | ${seed:+$(get "$seed" .process.cpu_ms_per_request '.*1000|floor/1000') ms} |"
  echo "| simulator CPU per verification (its create + 3 callbacks; cores used) | $(get "$s" .simulator.cpu_ms_per_verification '.*1000|floor/1000') ms ($(get "$s" .simulator.cores_used '.*100|floor/100') cores) | below Verity's | | |"
  echo "| peak RSS (VmHWM) | $(get "$s" .engine.peak_rss_kib './1024|floor') MiB | | | ${seed:+$(get "$seed" .process.peak_rss_kib './1024|floor') MiB} |"
}

cost_row() { # label scenario seed-scenario: CPU per request of a run
  echo "| $1 | $(get "$2" .process.cpu_ms_per_request '.*1000|floor/1000') ms | | | ${3:+$(get "$3" .process.cpu_ms_per_request '.*1000|floor/1000') ms} |"
}

table() {
  echo "| scenario | Verity | target | | seed design, same run |"
  echo "|---|---|---|---|---|"
  rate_row "1. full verification, POST /v1/verifications (closed loop)" e2e ">= 5000" seed-send
  engine_rows e2e seed-send
  rate_row "compat POST /api/referrals/send-verification" compat ">= 8000" seed-send
  rate_row "2. signed status callbacks (Verity: v1 route; seed: its callback route)" callbacks ">= 26000" seed-callbacks
  echo "| of which changed state (durable) / duplicates | $(get callbacks .engine.accepted) / $(get callbacks .engine.duplicate) | | | |"
  rate_row "compat POST /api/referrals/sms-status-callback (signed, found by SID)" compat-callbacks ">= 26000" seed-callbacks
  echo "| of which changed state (durable) / duplicates | $(get compat-callbacks .engine.accepted) / $(get compat-callbacks .engine.duplicate) | | | |"
  cost_row "CPU per callback (compat route)" compat-callbacks seed-callbacks
  rate_row "3. status reads, GET /v1/verifications/{id}" reads ">= 40000" seed-status
  rate_row "compat GET /api/referrals/delivery-status/{sid}" compat-status ">= 40000" seed-status
  cost_row "CPU per read (compat)" compat-status seed-status
  rate_row "4. full verification, VERITY_SYNC=false" e2e-nosync ">= 5000"
  engine_rows e2e-nosync
  rate_row "compat send-verification, VERITY_SYNC=false" compat-nosync ">= 8000"
  rate_row "signed status callbacks, VERITY_SYNC=false" callbacks-nosync ">= 26000"
  rate_row "compat status callbacks, VERITY_SYNC=false" compat-callbacks-nosync ">= 26000"
  rate_row "status reads, VERITY_SYNC=false" reads-nosync ">= 40000"
  rate_row "compat delivery-status, VERITY_SYNC=false" compat-status-nosync ">= 40000"
  local per
  per=$(get inflight .memory.bytes_per_in_flight)
  echo "| memory per in-flight verification (RSS delta / $(get inflight .acknowledged) never-delivered verifications) | $per bytes | <= 4096 | $(verdict "$per" '<=' 4096) | |"
  local growth
  growth=$(get soak .soak.growth_second_half_kib)
  echo "| soak: $(get soak .elapsed_s) s at $(get soak .rate)/s (half of max), codes expire after $(get soak .soak.code_ttl_s) s: RSS first / half / last / max | $(get soak .soak.rss_first_kib './1024|floor') / $(get soak .soak.rss_half_kib './1024|floor') / $(get soak .soak.rss_last_kib './1024|floor') / $(get soak .soak.rss_max_kib './1024|floor') MiB (at most $(get soak .soak.memtable_max_kib './1024|floor') MiB RocksDB memtables, $(get soak .soak.block_cache_max_kib './1024|floor') MiB block cache, $(get soak .soak.phone_actors_max) phone actors); second half: $growth KiB$(errors soak) | no growth | $(verdict "$growth" '<=' 1024) | |"
  rate_row "reference: nginx return 200 (same load generator)" nginx "" ""
}

curve() {
  echo "| share of max | asked/s | acknowledged/s | p50 ms | p90 ms | p99 ms | max ms | missed | other answers |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for share in 25 50 75 100; do
    jq -r --arg share "$share" ".scenarios[\"curve-$share\"] // empty |
      def ms: . * 10 | round / 10;
      \"| \(\$share) % | \(.rate) | \(.acknowledged_per_s | floor) | \(.p50_ms | ms) |
        \(.p90_ms | ms) | \(.p99_ms | ms) | \(.max_ms | ms) | \(.missed) |
        \(.statuses | del(.\"201\") | to_entries | map(\"\(.key): \(.value)\") | join(\", \")) |\"" \
      "$json" | tr -s ' \n' ' '
    echo
  done
}

{
  echo "# Verity end-to-end benchmark ($stamp)"
  echo
  if [[ ${BENCH_SMOKE:-0} == 1 ]]; then
    echo "**SMOKE RUN (--smoke): a few seconds per scenario; the figures only show that the"
    echo "tooling works.**"
    echo
  fi
  jq -r '"Machine: \(.machine.nproc) CPUs (\(.machine.cpu)), \(.machine.memory), Linux \(.machine.kernel), load average at the end \(.machine.load_average_at_end). Commit \(.commit), \(.date). \(.settings.duration_s) s per scenario, \(.settings.connections) connections, \(.settings.load_threads) load thread(s), verity-load on the same machine."' \
    "$json"
  echo
  table
  echo
  echo "Seed app as measured before (Node/Express, wrk, 32 connections, this machine):"
  echo "send-verification 823 req/s (p99 72 ms), status callback 2,605 req/s, delivery-status"
  echo "4,050 req/s; nginx return-200 ~88k req/s. \"seed design, same run\" is"
  echo "bench/seed_reference (the same design rebuilt), driven by verity-load in this run."
  echo
  echo "5. Latency curve, open loop (latency from the intended send time; \"missed\": sends due"
  echo "but never started). Target: p99 <= 10 ms at half the maximum rate:"
  echo "$(verdict "$(get curve-50 .p99_ms .)" '<=' 10) (p99 $(get curve-50 .p99_ms .) ms)."
  echo
  curve
} >"$results/$stamp.md"
cp "$results/$stamp.md" "$results/latest.md"
cat "$results/$stamp.md"
echo "results: $results/$stamp.md and .json" >&2
