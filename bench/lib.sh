# Helpers of bench/run.sh, profile.sh and steady.sh (sourced): the ports and credentials they
# give Verity and the simulator, starting and stopping the processes they measure, reading
# their CPU time and memory, Verity's metrics, and running verity-load. Expects the caller's
# build, work, pids, duration, connections and threads.

# Three loopback ports from BENCH_PORT: Verity, the simulator, nginx.
port=${BENCH_PORT:-18480}
verity_port=$port sim_port=$((port + 1)) nginx_port=$((port + 2))
# The API key, Twilio account and sender the simulator and Verity share.
api_key=bench-key-0123456789abcdef
account_sid=AC0123456789abcdef0123456789abcdef
auth_token=bench-token-0123456789abcdef
sender=+15005550006

log() { echo "[bench $(date +%T)] $*" >&2; }

install_missing() { # command package: installs the package when the command is missing
  command -v "$1" >/dev/null || [[ -x /usr/sbin/$1 ]] || {
    echo "installing $2 (benchmark only)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  }
}

wait_until_up() { # url: waits up to 30 s for a 200
  for _ in $(seq 300); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1; logs in $work" >&2
  tail -n 20 "$work"/*.log >&2
  return 1
}

ports_free() { # first: whether nothing listens on first .. first + 2
  local p
  for p in "$1" $(($1 + 1)) $(($1 + 2)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 1
  done
  return 0
}

stop_process() { # pid: asks it to stop and waits for it
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# --- processes -----------------------------------------------------------------------------

# The simulator gets enough callback connections (Twilio opens as many as it needs) and queue
# that neither limits Verity: with its defaults (32 connections, 20,000 queued) it answered
# scenario 1's creates with 429 once Verity's durable callback answers backed its queue up.
start_sim() {
  "$build/verity-twilio-sim" --listen "127.0.0.1:$sim_port" --account-sid "$account_sid" \
    --auth-token "$auth_token" --latency-ms 100 --jitter-ms 50 --seed 1 --log-level warn \
    --callback-connections 512 --callback-queue 1000000 \
    >"$work/sim.log" 2>&1 &
  sim_pid=$!
  pids+=("$sim_pid")
  sleep 0.5
  kill -0 "${pids[-1]}"
}

verity_pid=
verity_wrapper=() # a command verity runs under, e.g. (valgrind --tool=callgrind) in profile.sh
start_verity() { # sync(true|false) [VAR=value...]: a fresh verity with an empty data dir
  local sync=$1 data=$work/data-$1-$RANDOM
  shift
  # Every limit that would refuse benchmark traffic is lifted: all requests come from
  # 127.0.0.1, the numbers share 16 area codes and one country, and the egress pacer would
  # hold sends to the simulator at WhatsApp's 80 messages/s per sender; 64 creates on the wire
  # (the default) at 30-50 ms each would cap sends near 2,000/s.
  env VERITY_LISTEN="127.0.0.1:$verity_port" VERITY_DATA_DIR="$data" VERITY_API_KEYS="$api_key" \
    VERITY_SYNC="$sync" VERITY_LOG_LEVEL=warn VERITY_DELIVERY_TIMEOUT=60s \
    VERITY_SEND_LIMIT=1000000/1m VERITY_PREFIX_LIMIT=1000000000/1m \
    VERITY_COUNTRY_LIMIT=1000000000/1m VERITY_IP_LIMIT=1000000000/1m \
    VERITY_MAX_IN_FLIGHT=1000000 VERITY_TWILIO_MPS=100000 VERITY_TWILIO_IN_FLIGHT=512 \
    VERITY_TWILIO_QUEUE=100000 \
    TWILIO_API_BASE="http://127.0.0.1:$sim_port" TWILIO_ACCOUNT_SID="$account_sid" \
    TWILIO_AUTH_TOKEN="$auth_token" TWILIO_PHONE_NUMBER="$sender" TWILIO_WHATSAPP_NUMBER="$sender" \
    VERITY_ALLOW_INSECURE_CALLBACKS=true "$@" "${verity_wrapper[@]}" "$build/verity" \
    >>"$work/verity.log" 2>&1 &
  verity_pid=$!
  pids+=("$verity_pid")
  wait_until_up "http://127.0.0.1:$verity_port/readyz"
}

seed_pid=
start_seed() { # the seed design reference (bench/seed_reference), on verity's port
  local dir=$root/bench/seed_reference
  [[ -d $dir/node_modules/express ]] || (cd "$dir" && npm ci --no-audit --no-fund >&2)
  node "$dir/server.js" --port "$verity_port" --twilio "http://127.0.0.1:$sim_port" \
    --account-sid "$account_sid" --auth-token "$auth_token" --from "$sender" \
    --public-url "http://127.0.0.1:$verity_port" >"$work/seed.log" 2>&1 &
  seed_pid=$!
  pids+=("$seed_pid")
  wait_until_up "http://127.0.0.1:$verity_port/healthz"
}

start_nginx() {
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
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
CONF
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

wait_until_idle() { # pid seconds: until the process used < 20 ms CPU in 1 s, or the limit
  local last now
  last=$(cpu_seconds "$1")
  for _ in $(seq "$2"); do
    sleep 1
    now=$(cpu_seconds "$1")
    awk "BEGIN { exit !($now - $last < 0.02) }" && return 0
    last=$now
  done
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

# One memory sample of Verity (process $2): seconds since $1, its RSS, RocksDB's memtables and
# block cache (KiB, from its metrics), and its live phone and message actors.
memory_sample() {
  scrape "$work/memory.prom"
  echo "$(calc "$(date +%s.%N) - $1") $(status_kib "$2" VmRSS)" \
    "$(($(metric_sum "$work/memory.prom" verity_storage_memtable_bytes) / 1024))" \
    "$(($(metric_sum "$work/memory.prom" verity_storage_block_cache_bytes) / 1024))" \
    "$(metric_sum "$work/memory.prom" verity_live_actors 'kind="phone"')" \
    "$(metric_sum "$work/memory.prom" verity_live_actors 'kind="message"')"
}

load() { # name extra-args...: runs verity-load, its JSON report in $work/name.json
  local name=$1
  shift
  log "$name: verity-load $*"
  "$build/verity-load" --connections "$connections" --threads "$threads" \
    --duration "$duration" --json "$work/$name.json" "$@" >&2
}

add_json() { # name jq-args... filter: merges the filter's result into $work/name.json
  local name=$1
  shift
  jq "$@" "$work/$name.json" >"$work/$name.tmp" && mv "$work/$name.tmp" "$work/$name.json"
}

process_cost() { # name pid cpu0 acknowledged-key: adds a process's CPU per request and peak RSS
  local name=$1 pid=$2 cpu0=$3
  add_json "$name" --argjson cpu "$(calc "$(cpu_seconds "$pid") - $cpu0")" \
    --argjson hwm_kib "$(status_kib "$pid" VmHWM)" \
    '. + {process: {cpu_s: $cpu, peak_rss_kib: $hwm_kib,
          cpu_ms_per_request: (if .acknowledged > 0 then 1000 * $cpu / .acknowledged else null end)}}'
}
