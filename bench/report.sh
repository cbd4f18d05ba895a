#!/usr/bin/env bash
# Writes bench/run.sh's results table: bench/results/<UTC time>.md and .json, and latest.md.
# Arguments: the run's work directory (one verity-load JSON report per scenario), then the
# duration, connections, load threads and setup size it used.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$1 duration=$2 connections=$3 threads=$4 setup=$5
results=$root/bench/results
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

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
    scenarios: $scenarios}' >"$results/$stamp.json"

# One table row: name, scenario key, target, seed app's figure.
row() {
  jq -r --arg name "$1" --arg target "$3" --arg seed "$4" ".scenarios[\"$2\"] // empty |
    \"| \(\$name) | \(.acknowledged_per_s | floor) | \(.p50_ms) / \(.p99_ms) / \(.max_ms) |
      \(.statuses | del(.\"200\", .\"201\") | to_entries | map(\"\(.key): \(.value)\") |
        join(\", \")) \(if .transport_errors > 0 then \"io: \(.transport_errors)\" else \"\" end)
      | \(\$target) | \(\$seed) |\"" "$results/$stamp.json" | tr -s ' \n' ' '
  echo
}

engine_rows() { # scenario key: the engine's figures of an end-to-end run
  jq -r ".scenarios[\"$1\"].engine // empty |
    \"| time to delivered p50 / p99 (s, engine histogram) | \(.time_to_delivered_p50_s) / \(.time_to_delivered_p99_s) | | |\",
    \"| delivered / callbacks applied (during run + drain of \(.wall_s | floor) s) | \(.delivered) / \(.callbacks) (\(.callbacks_per_s | floor) callbacks/s) | | |\",
    \"| CPU ms per verification (verity) | \(.cpu_ms_per_verification * 1000 | floor / 1000) | | |\",
    \"| RSS growth per acknowledged verification (bytes) | \(.rss_growth_bytes_per_verification | floor) | <= 4096 per in-flight | |\",
    \"| peak RSS of verity (VmHWM) | \(.peak_rss_kib / 1024 | floor) MiB | | |\"" \
    "$results/$stamp.json"
}

{
  echo "# Verity end-to-end benchmark ($stamp)"
  echo
  if [[ ${BENCH_SMOKE:-0} == 1 ]]; then
    echo "**SMOKE RUN (BENCH_SMOKE=1): a few seconds per scenario; the figures only show that"
    echo "the tooling works.**"
    echo
  fi
  jq -r '"Machine: \(.machine.nproc) CPUs (\(.machine.cpu)), \(.machine.memory), Linux \(.machine.kernel), load average at the end \(.machine.load_average_at_end). Commit \(.commit), \(.date). \(.settings.duration_s) s per scenario, \(.settings.connections) connections, \(.settings.load_threads) load thread(s), verity-load on the same machine."' \
    "$results/$stamp.json"
  echo
  echo "| scenario | acknowledged/s | latency ms p50 / p99 / max | other answers | target | seed app (Node, wrk, 32 conns) |"
  echo "|---|---:|---:|---|---|---|"
  row "1. full verification, POST /v1/verifications (closed loop)" e2e ">= 5,000/s sustained" "823 req/s, p99 72 ms (send-verification)"
  engine_rows e2e
  row "compat POST /api/referrals/send-verification" compat ">= 8,000/s" "823 req/s, p99 72 ms"
  row "2. signed status callbacks alone" callbacks ">= 26,000/s durable" "2,605 req/s"
  jq -r '.scenarios.callbacks.engine // empty |
    "| of which changed state (durable) / duplicates | \(.accepted) / \(.duplicate) | | |"' \
    "$results/$stamp.json"
  row "3. status reads, GET /v1/verifications/{id}" reads ">= 40,000/s" "4,050 req/s (delivery-status)"
  row "4. full verification with VERITY_SYNC=false" e2e-nosync "" ""
  engine_rows e2e-nosync
  row "reference: nginx return 200 (same load generator)" nginx "" ""
  echo
  echo "5. Latency curve, open loop (latency from the intended send time; \"missed\": sends due"
  echo "but never started). Target: p99 <= 10 ms at half the maximum rate."
  echo
  echo "| share of max | asked/s | acknowledged/s | p50 ms | p90 ms | p99 ms | max ms | missed | other answers |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for share in 25 50 75 100; do
    jq -r --arg share "$share" ".scenarios[\"curve-$share\"] // empty |
      \"| \(\$share) % | \(.rate) | \(.acknowledged_per_s | floor) | \(.p50_ms) | \(.p90_ms) |
        \(.p99_ms) | \(.max_ms) | \(.missed) |
        \(.statuses | del(.\"201\") | to_entries | map(\"\(.key): \(.value)\") | join(\", \")) |\"" \
      "$results/$stamp.json" | tr -s ' \n' ' '
    echo
  done
} >"$results/$stamp.md"
cp "$results/$stamp.md" "$results/latest.md"
cat "$results/$stamp.md"
echo "results: $results/$stamp.md and .json" >&2
