#!/usr/bin/env bash
# The end-to-end benchmark of issue #8 (bench/README.md, "End to end: bench/run.sh"): builds,
# starts verity-twilio-sim and verity against it on loopback ports, drives them with
# verity-load through every scenario, measures the references in the same run (nginx `return
# 200`, and the seed app's design rebuilt in bench/seed_reference), and writes a table to
# bench/results/ (markdown and JSON, timestamped, plus latest.md).
#
#   bash bench/run.sh            # the full run (about 20 minutes, 10 of them the soak)
#   bash bench/run.sh --smoke    # a few seconds per scenario: proves the tooling, not the figures
#
# Environment: BENCH_DURATION (s per scenario, 10), BENCH_CONNECTIONS (32), BENCH_THREADS (1,
# load generator threads), BENCH_SETUP (verifications created before the callback and read
# runs, 5000), BENCH_DRAIN (s to wait for deliveries after a send run, 10), BENCH_INFLIGHT
# (verifications held in flight for the memory figure, 10000), BENCH_SOAK (s of the soak at
# half the maximum rate, 600), BENCH_SOAK_SAMPLE (s between RSS samples, 10), BENCH_PORT
# (first of three loopback ports, 18480), BENCH_RESULTS (directory for the results,
# bench/results), BENCH_SMOKE=1 (same as --smoke), BENCH_SKIP_BUILD=1 (use what build/ holds).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ ${1:-} == --smoke ]] && export BENCH_SMOKE=1
build=${VERITY_BUILD_DIR:-$root/build}
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-1}
setup=${BENCH_SETUP:-5000}
drain=${BENCH_DRAIN:-10}
inflight=${BENCH_INFLIGHT:-10000}
soak_s=${BENCH_SOAK:-600}
soak_sample=${BENCH_SOAK_SAMPLE:-10}
if [[ ${BENCH_SMOKE:-0} == 1 ]]; then
  duration=2 setup=300 drain=3 inflight=2000 soak_s=6 soak_sample=1
fi
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
ports_free "$port" || { echo "ports $port to $((port + 2)) are in use: set BENCH_PORT" >&2; exit 1; }

[[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || bash "$root/scripts/build.sh"
install_missing jq jq
install_missing nginx nginx-light
install_missing node nodejs
install_missing npm npm
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/verity-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# --- scenarios -----------------------------------------------------------------------------

wait_for_deliveries() { # seconds: until the delivered count stops growing for 2 s, or the limit
  local last=-1 same=0 now
  for _ in $(seq $(($1 * 2))); do
    scrape "$work/drain.prom"
    now=$(metric_sum "$work/drain.prom" verity_time_to_delivered_seconds_count)
    [[ $now == "$last" ]] && same=$((same + 1)) || same=0
    ((same >= 4)) && return 0
    last=$now
    sleep 0.5
  done
}

end_to_end() { # name first-number: scenario 1 (send, wait for deliveries) with its engine figures
  local name=$1 first=$2 cpu0 sim_cpu0 rss0 rss1 started ended
  scrape "$work/$name.before.prom"
  cpu0=$(cpu_seconds "$verity_pid")
  sim_cpu0=$(cpu_seconds "$sim_pid")
  rss0=$(status_kib "$verity_pid" VmRSS)
  started=$(date +%s.%N)
  load "$name" --url "http://127.0.0.1:$verity_port" --scenario send --api-key "$api_key" \
    --first-number "$first"
  rss1=$(status_kib "$verity_pid" VmRSS)
  wait_for_deliveries "$drain"
  ended=$(date +%s.%N)
  scrape "$work/$name.after.prom"
  local b=$work/$name.before.prom a=$work/$name.after.prom
  local delivered callbacks
  delivered=$(($(metric_sum "$a" verity_time_to_delivered_seconds_count) \
    - $(metric_sum "$b" verity_time_to_delivered_seconds_count)))
  callbacks=$(($(metric_sum "$a" verity_callbacks_total) - $(metric_sum "$b" verity_callbacks_total)))
  add_json "$name" --argjson cpu "$(calc "$(cpu_seconds "$verity_pid") - $cpu0")" \
    --argjson sim_cpu "$(calc "$(cpu_seconds "$sim_pid") - $sim_cpu0")" \
    --argjson rss_growth_kib "$((rss1 - rss0))" --argjson hwm_kib "$(status_kib "$verity_pid" VmHWM)" \
    --argjson delivered "$delivered" --argjson callbacks "$callbacks" \
    --argjson wall "$(calc "$ended - $started")" \
    --arg ttd_p50 "$(histogram_quantile "$b" "$a" verity_time_to_delivered_seconds 0.5)" \
    --arg ttd_p99 "$(histogram_quantile "$b" "$a" verity_time_to_delivered_seconds 0.99)" \
    '. + {engine: {cpu_s: $cpu, cpu_ms_per_verification:
            (if .acknowledged > 0 then 1000 * $cpu / .acknowledged else null end),
          rss_growth_bytes_per_verification:
            (if .acknowledged > 0 then 1024 * $rss_growth_kib / .acknowledged else null end),
          peak_rss_kib: $hwm_kib, delivered: $delivered, callbacks: $callbacks,
          callbacks_per_s: ($callbacks / $wall), wall_s: $wall,
          time_to_delivered_p50_s: $ttd_p50, time_to_delivered_p99_s: $ttd_p99},
        simulator: {cpu_s: $sim_cpu, cores_used: ($sim_cpu / $wall),
          cpu_ms_per_verification:
            (if .acknowledged > 0 then 1000 * $sim_cpu / .acknowledged else null end)}}'
}

measured() { # name pid verity-load-args...: a run with the process's CPU per request and peak RSS
  local name=$1 pid=$2 cpu0
  shift 2
  cpu0=$(cpu_seconds "$pid")
  load "$name" "$@"
  process_cost "$name" "$pid" "$cpu0"
}

callbacks() { # name scenario first-number: scenario 2 with the engine's callback outcomes
  local name=$1 b=$work/$1.before.prom a=$work/$1.after.prom
  scrape "$b"
  measured "$name" "$verity_pid" --url "http://127.0.0.1:$verity_port" --scenario "$2" \
    --setup "$setup" --api-key "$api_key" --auth-token "$auth_token" \
    --account-sid "$account_sid" --from "$sender" --first-number "$3"
  scrape "$a"
  add_json "$name" --argjson accepted "$(($(metric_sum "$a" verity_callbacks_total 'result="accepted"') \
       - $(metric_sum "$b" verity_callbacks_total 'result="accepted"')))" \
    --argjson duplicate "$(($(metric_sum "$a" verity_callbacks_total 'result="duplicate"') \
       - $(metric_sum "$b" verity_callbacks_total 'result="duplicate"')))" \
    '. + {engine: {accepted: $accepted, duplicate: $duplicate}}'
}

engine_runs() { # suffix first-number: scenarios 1 to 3 and the compatibility routes on one verity
  local s=$1 n=$2 url=http://127.0.0.1:$verity_port
  # The compatibility routes first: they wait for Twilio's create answer, which would queue
  # behind scenario 1's sends while the egress pacer is still working through them.
  measured "compat$s" "$verity_pid" --url "$url" --scenario compat --first-number $((n + 10000000))
  measured "compat-status$s" "$verity_pid" --url "$url" --scenario compat-status \
    --setup "$setup" --first-number $((n + 25000000))
  callbacks "compat-callbacks$s" compat-callback 6000
  end_to_end "e2e$s" "$n"
  callbacks "callbacks$s" callback 0
  measured "reads$s" "$verity_pid" --url "$url" --scenario status --api-key "$api_key" \
    --setup "$setup" --first-number $((n + 20000000))
}

latency_curve() { # scenario 5: open loop at shares of the rate scenario 1 reached
  local max_rate rate
  max_rate=$(jq '.acknowledged_per_s | floor' "$work/e2e.json")
  for share in 25 50 75 100; do
    rate=$((max_rate * share / 100))
    ((rate > 0)) || rate=1
    load "curve-$share" --url "http://127.0.0.1:$verity_port" --scenario send \
      --api-key "$api_key" --rate "$rate" --first-number $((30000000 + share * 100000))
  done
}

inflight_memory() { # resident bytes per verification held in flight (never delivered)
  local warm=$((inflight / 10)) rss0 rss1
  start_verity true
  duration=3600 load inflight-warmup --url "http://127.0.0.1:$verity_port" --scenario send \
    --api-key "$api_key" --fate never --requests "$warm"
  wait_until_idle "$verity_pid" 5
  rss0=$(status_kib "$verity_pid" VmRSS)
  duration=3600 load inflight --url "http://127.0.0.1:$verity_port" --scenario send \
    --api-key "$api_key" --fate never --requests "$inflight" --first-number "$warm"
  wait_until_idle "$verity_pid" 5
  rss1=$(status_kib "$verity_pid" VmRSS)
  add_json inflight --argjson rss0 "$rss0" --argjson rss1 "$rss1" \
    '. + {memory: {rss_before_kib: $rss0, rss_after_kib: $rss1, bytes_per_in_flight:
          (if .acknowledged > 0 then 1024 * ($rss1 - $rss0) / .acknowledged else null end)}}'
  stop_process "$verity_pid"
}

soak() { # half the maximum rate for soak_s, Verity's memory sampled every soak_sample seconds
  local rate ttl load_pid started
  rate=$(jq '.acknowledged_per_s / 2 | floor | if . < 1 then 1 else . end' "$work/e2e.json")
  ttl=$((soak_s / 10 > 2 ? soak_s / 10 : 2)) # codes expire well within the soak
  start_verity true VERITY_CODE_TTL="${ttl}s" VERITY_DELIVERY_TIMEOUT="$((ttl < 30 ? ttl : 30))s"
  started=$(date +%s.%N)
  duration=$soak_s load soak --url "http://127.0.0.1:$verity_port" --scenario send \
    --api-key "$api_key" --rate "$rate" --first-number 60000000 &
  load_pid=$!
  while kill -0 "$load_pid" 2>/dev/null; do
    memory_sample "$started" "$verity_pid" >>"$work/soak.samples"
    sleep "$soak_sample"
  done
  wait "$load_pid"
  add_json soak --argjson ttl "$ttl" \
    --argjson samples "$(jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | map(tonumber))' \
      "$work/soak.samples")" \
    '. + {soak: {code_ttl_s: $ttl, samples: $samples,
          sample_columns: ["s", "rss_kib", "memtable_kib", "block_cache_kib", "phone_actors",
                           "message_actors"],
          rss_first_kib: $samples[0][1], rss_last_kib: $samples[-1][1],
          rss_half_kib: $samples[($samples | length) / 2 | floor][1],
          rss_max_kib: ($samples | map(.[1]) | max),
          memtable_max_kib: ($samples | map(.[2]) | max),
          block_cache_max_kib: ($samples | map(.[3]) | max),
          phone_actors_max: ($samples | map(.[4]) | max),
          growth_second_half_kib: ($samples[-1][1] - $samples[($samples | length) / 2 | floor][1])}}'
  stop_process "$verity_pid"
}

seed_runs() { # the seed design reference: send (with its callbacks), callbacks, delivery status
  local url=http://127.0.0.1:$verity_port cpu0
  start_seed
  cpu0=$(cpu_seconds "$seed_pid")
  load seed-send --url "$url" --scenario compat --first-number 40000000
  wait_until_idle "$seed_pid" "$drain" # the simulator's three callbacks per message
  process_cost seed-send "$seed_pid" "$cpu0"
  measured seed-callbacks "$seed_pid" --url "$url" --scenario compat-callback --setup "$setup" \
    --auth-token "$auth_token" --account-sid "$account_sid" --from "$sender" --first-number 0
  measured seed-status "$seed_pid" --url "$url" --scenario compat-status --setup "$setup" \
    --first-number 50000000
  stop_process "$seed_pid"
}

# --- the run -------------------------------------------------------------------------------

log "work directory $work; verity :$verity_port, simulator :$sim_port, nginx :$nginx_port"
start_sim
start_verity true
engine_runs "" 0
latency_curve
stop_process "$verity_pid"
start_verity false
engine_runs -nosync 70000000
stop_process "$verity_pid"
inflight_memory
soak
seed_runs
start_nginx
load nginx --url "http://127.0.0.1:$nginx_port" --scenario plain

bash "$root/bench/report.sh" "$work" "$duration" "$connections" "$threads" "$setup"
