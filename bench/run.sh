#!/usr/bin/env bash
# The end-to-end benchmark of issue #8 (bench/README.md, "End to end: bench/run.sh"): builds,
# starts verity-twilio-sim and verity against it on loopback ports, drives them with
# verity-load, drives nginx (`return 200`) the same way for reference, and writes a table to
# bench/results/ (markdown and JSON, timestamped, plus latest.md).
#
# Environment: BENCH_DURATION (s per scenario, 10), BENCH_CONNECTIONS (32), BENCH_THREADS (1,
# load generator threads), BENCH_SETUP (verifications created before the callback and read
# runs, 5000), BENCH_DRAIN (s to wait for deliveries after a send run, 10), BENCH_PORT (first
# of three loopback ports, 18480), BENCH_SMOKE=1 (about a minute in all, figures meaningless),
# BENCH_SKIP_BUILD=1 (use what build/ holds).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${VERITY_BUILD_DIR:-$root/build}
duration=${BENCH_DURATION:-10}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-1}
setup=${BENCH_SETUP:-5000}
drain=${BENCH_DRAIN:-10}
port=${BENCH_PORT:-18480}
if [[ ${BENCH_SMOKE:-0} == 1 ]]; then
  duration=3 setup=500 drain=3
fi
verity_port=$port sim_port=$((port + 1)) nginx_port=$((port + 2))
api_key=bench-key-0123456789abcdef
account_sid=AC0123456789abcdef0123456789abcdef
auth_token=bench-token-0123456789abcdef
sender=+15005550006

# --- tools ---------------------------------------------------------------------------------

install_missing() { # command package: installs the package when the command is missing
  command -v "$1" >/dev/null || [[ -x /usr/sbin/$1 ]] || {
    echo "installing $2 (benchmark only)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  }
}

[[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || bash "$root/scripts/build.sh"
install_missing jq jq
install_missing nginx nginx-light
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/verity-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "[bench $(date +%T)] $*" >&2; }

wait_until_up() { # url: waits up to 30 s for a 200
  for _ in $(seq 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1; logs in $work" >&2
  tail -n 20 "$work"/*.log >&2
  return 1
}

# --- processes -----------------------------------------------------------------------------

start_sim() {
  "$build/verity-twilio-sim" --listen "127.0.0.1:$sim_port" --account-sid "$account_sid" \
    --auth-token "$auth_token" --latency-ms 100 --jitter-ms 50 --seed 1 --log-level warn \
    >"$work/sim.log" 2>&1 &
  pids+=($!)
  sleep 0.5
  kill -0 "${pids[-1]}"
}

verity_pid=
start_verity() { # sync(true|false): a fresh verity against the simulator, with an empty data dir
  local data=$work/data-$1-$RANDOM
  VERITY_LISTEN=127.0.0.1:$verity_port VERITY_DATA_DIR=$data VERITY_API_KEYS=$api_key \
    VERITY_SYNC=$1 VERITY_LOG_LEVEL=warn VERITY_DELIVERY_TIMEOUT=60s \
    VERITY_PREFIX_LIMIT=1000000000/1m VERITY_IP_LIMIT=1000000000/1m \
    TWILIO_API_BASE=http://127.0.0.1:$sim_port TWILIO_ACCOUNT_SID=$account_sid \
    TWILIO_AUTH_TOKEN=$auth_token TWILIO_PHONE_NUMBER=$sender TWILIO_WHATSAPP_NUMBER=$sender \
    VERITY_ALLOW_INSECURE_CALLBACKS=true "$build/verity" >>"$work/verity.log" 2>&1 &
  verity_pid=$!
  pids+=("$verity_pid")
  wait_until_up "http://127.0.0.1:$verity_port/readyz"
}

stop_verity() {
  kill -TERM "$verity_pid"
  wait "$verity_pid" || true
}

start_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$nginx_port; location / { return 200; } }
}
EOF
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' \
    >"$work/nginx.log" 2>&1 &
  pids+=($!)
  wait_until_up "http://127.0.0.1:$nginx_port/"
}

# --- measurements --------------------------------------------------------------------------

cpu_seconds() { # pid: user + system CPU seconds so far
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / tck }' "/proc/$1/stat"
}

status_kib() { # pid field: VmHWM or VmRSS in KiB
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

scrape() { # file: saves verity's metrics
  curl -fs "http://127.0.0.1:$verity_port/metrics" >"$1"
}

metric_sum() { # file name [label filter]: the sum of a metric's samples (those matching the filter)
  awk -v name="$2" -v filter="${3:-}" '
    index($0, name) == 1 && (substr($0, length(name) + 1, 1) ~ /[ {]/) && index($0, filter) {
      sum += $NF } END { printf "%.0f", sum }' "$1"
}

histogram_quantile() { # before after name q: quantile of the samples added in between (s)
  awk -v name="$3_bucket{" -v q="$4" '
    index($0, name) == 1 {
      match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
      if (!(le in seen)) { seen[le] = 1; order[++n] = le }  # increasing, as exposed
      if (FILENAME == ARGV[1]) before[le] += $NF; else after[le] += $NF }
    END {
      total = after["+Inf"] - before["+Inf"]
      if (total <= 0) { print "none"; exit }
      lower = 0; prev = 0
      for (i = 1; i <= n; i++) {
        count = after[order[i]] - before[order[i]]
        if (order[i] == "+Inf") { printf "> %s", lower; exit }
        if (count >= q * total) {
          share = count > prev ? (q * total - prev) / (count - prev) : 1
          printf "%.3f", lower + share * (order[i] - lower); exit }
        lower = order[i]; prev = count } }' "$1" "$2"
}

calc() { # expression: its value with three decimals
  awk "BEGIN { printf \"%.3f\", $1 }"
}

load() { # name extra-args...: runs verity-load, its JSON report in $work/name.json
  local name=$1
  shift
  log "$name: verity-load $*"
  "$build/verity-load" --connections "$connections" --threads "$threads" \
    --duration "$duration" --json "$work/$name.json" "$@" >&2
}

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
  local name=$1 first=$2 cpu0 rss0 rss1 started ended
  scrape "$work/$name.before.prom"
  cpu0=$(cpu_seconds "$verity_pid")
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
  jq --argjson cpu "$(calc "$(cpu_seconds "$verity_pid") - $cpu0")" \
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
          time_to_delivered_p50_s: $ttd_p50, time_to_delivered_p99_s: $ttd_p99}}' \
    "$work/$name.json" >"$work/$name.tmp" && mv "$work/$name.tmp" "$work/$name.json"
}

callback_counts() { # name: adds the engine's callback outcomes during the run to its JSON
  local name=$1 b=$work/$1.before.prom a=$work/$1.after.prom
  jq --argjson accepted "$(($(metric_sum "$a" verity_callbacks_total 'result="accepted"') \
       - $(metric_sum "$b" verity_callbacks_total 'result="accepted"')))" \
    --argjson duplicate "$(($(metric_sum "$a" verity_callbacks_total 'result="duplicate"') \
       - $(metric_sum "$b" verity_callbacks_total 'result="duplicate"')))" \
    '. + {engine: {accepted: $accepted, duplicate: $duplicate}}' "$work/$name.json" \
    >"$work/$name.tmp" && mv "$work/$name.tmp" "$work/$name.json"
}

# --- the run -------------------------------------------------------------------------------

log "work directory $work; verity :$verity_port, simulator :$sim_port, nginx :$nginx_port"
start_sim
start_verity true
end_to_end e2e 0
load compat --url "http://127.0.0.1:$verity_port" --scenario compat --first-number 10000000
scrape "$work/callbacks.before.prom"
load callbacks --url "http://127.0.0.1:$verity_port" --scenario callback --setup "$setup" --api-key "$api_key" \
  --auth-token "$auth_token" --account-sid "$account_sid" --from "$sender"
scrape "$work/callbacks.after.prom"
callback_counts callbacks
load reads --url "http://127.0.0.1:$verity_port" --scenario status --api-key "$api_key" \
  --setup "$setup" --first-number 20000000
max_rate=$(jq '.acknowledged_per_s | floor' "$work/e2e.json")
for share in 25 50 75 100; do
  rate=$((max_rate * share / 100))
  ((rate > 0)) || rate=1
  load "curve-$share" --url "http://127.0.0.1:$verity_port" --scenario send \
    --api-key "$api_key" --rate "$rate" --first-number $((30000000 + share * 100000))
done
stop_verity
start_verity false
end_to_end e2e-nosync 0
stop_verity
start_nginx
load nginx --url "http://127.0.0.1:$nginx_port" --scenario plain

bash "$root/bench/report.sh" "$work" "$duration" "$connections" "$threads" "$setup"
