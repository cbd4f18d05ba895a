#!/usr/bin/env bash
# Tests the Debian package as an operator gets it: builds it with cpack from the build directory
# (after scripts/build.sh), runs lintian (errors fail), installs it with dpkg, checks its files
# and the verity user, starts /usr/bin/verity with the installed unit's exact command line and
# environment as the verity user, runs an API smoke against it, reloads it with SIGHUP, stops it
# with SIGTERM, runs the container image's entry point the same way, checks the Containerfile
# against the tree and Debian 12, verifies the unit with systemd-analyze (and its security
# exposure), then purges the package and checks that nothing is left. Needs root.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${VERITY_BUILD_DIR:-$root/build}
unit=/lib/systemd/system/verity.service
api_key=pkg-test-key-0123456789abcdef
rotated_key=pkg-test-key-rotated-0123456789

# curl, silent and bounded: no request of this test may hang it.
http() { curl -s --max-time 15 "$@"; }

fail() {
  echo "package_test: FAIL: $*" >&2
  exit 1
}
step() { echo "package_test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i, a system user, running as that user): run it as root"
[ -x "$build_dir/verity" ] || fail "no $build_dir/verity: run bash scripts/build.sh first"
if [ "$(dpkg-query -W -f='${db:Status-Status}' verity 2>/dev/null)" = installed ]; then
  fail "the verity package is already installed here; remove it first (dpkg --purge verity)"
fi

work=$(mktemp -d /tmp/verity-package-test.XXXXXX)
chmod 0755 "$work"
pids=()
installed=false
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if $installed; then
    dpkg --purge verity >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- Build and lint -----------------------------------------------------------------------------
version=$("$build_dir/verity" --version | grep -o '[0-9][0-9.]*' | head -1)
arch=$(dpkg --print-architecture)
deb="$build_dir/verity_${version}_${arch}.deb"
rm -f "$build_dir"/verity_*.deb
step "cpack -> $(basename "$deb")"
(cd "$build_dir" && timeout 600 cpack -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
[ -f "$deb" ] || fail "cpack made no $deb: $(ls "$build_dir"/*.deb 2>/dev/null)"

step "lintian (errors fail)"
lint_status=0
timeout 300 lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || lint_status=$?
grep -v 'running with root privileges' "$work/lintian.log" || true
[ "$lint_status" -eq 0 ] || fail "lintian found errors"

# --- Install ------------------------------------------------------------------------------------
step "dpkg -i"
installed=true
timeout 300 dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }

expected_files=(
  /usr/bin/verity /usr/bin/verity-twilio-sim /etc/verity/verity.toml "$unit"
  /usr/share/verity/dashboards/verity.json /usr/share/verity/dashboards/alerts.yml
  /usr/share/verity/dashboards/prometheus.yml /usr/share/verity/entrypoint.sh
  /usr/share/doc/verity/copyright /usr/share/doc/verity/changelog.gz
  /usr/share/doc/verity/README.md /usr/share/doc/verity/API.md
  /usr/share/man/man1/verity.1.gz /usr/share/man/man1/verity-twilio-sim.1.gz
)
mapfile -t listed < <(dpkg -L verity)
for file in "${expected_files[@]}"; do
  grep -qx "$file" <<<"$(printf '%s\n' "${listed[@]}")" || fail "the package does not list $file"
  [ -f "$file" ] || fail "$file is listed but not installed"
done
grep -q '^ /etc/verity/verity.toml ' <<<"$(dpkg-query -W -f='${Conffiles}\n' verity)" \
  || fail "/etc/verity/verity.toml is not a conffile"
grep -q '^# listen = ' /etc/verity/verity.toml || fail "verity.toml lacks the commented keys"

IFS=: read -r _ _ uid _ _ home shell < <(getent passwd verity) || fail "no verity user"
[ "$uid" -lt 1000 ] || fail "verity is not a system user (uid $uid)"
[ "$home" = /var/lib/verity ] && [ "$shell" = /usr/sbin/nologin ] \
  || fail "verity user: home $home, shell $shell"
getent group verity >/dev/null || fail "no verity group"
[ "$(stat -c '%U:%G %a' /var/lib/verity)" = "verity:verity 750" ] \
  || fail "/var/lib/verity is $(stat -c '%U:%G %a' /var/lib/verity), expected verity:verity 750"

# --- The unit's command line and environment ----------------------------------------------------
# Prints the values of `key` in the unit's [Service] section, one line each.
unit_values() {
  awk -v key="$1" '/^\[/ { service = ($0 == "[Service]") }
    service && index($0, key "=") == 1 { print substr($0, length(key) + 2) }' "$unit"
}
exec_start=$(unit_values ExecStart)
[[ $exec_start != *[\"\'\$]* ]] || fail "ExecStart needs quoting this test does not parse: $exec_start"
read -r -a command_line <<<"$exec_start"
[ "${command_line[0]}" = /usr/bin/verity ] || fail "ExecStart runs ${command_line[0]}"
unit_env=()
while read -r assignments; do
  [[ $assignments != *[\"\'\$]* ]] || fail "Environment= needs quoting: $assignments"
  read -r -a words <<<"$assignments"
  unit_env+=("${words[@]}")
done < <(unit_values Environment)
user=$(unit_values User)
umask_value=$(unit_values UMask)
[ "$user" = verity ] || fail "the unit runs as '$user'"
[ "$(unit_values StateDirectory)" = verity ] || fail "StateDirectory is not verity"
grep -qx 'VERITY_DATA_DIR=/var/lib/verity' <<<"$(printf '%s\n' "${unit_env[@]}")" \
  || fail "the unit does not set VERITY_DATA_DIR=/var/lib/verity"
timeout_stop=$(unit_values TimeoutStopSec)
timeout_stop=${timeout_stop%s}

# What an operator's /etc/default/verity sets: the simulator, a loopback port, the API key file.
keys_file="$work/api-keys"
echo "$api_key" >"$keys_file"
chown root:verity "$keys_file"
chmod 0640 "$keys_file"
operator_env=(VERITY_TWILIO=simulator VERITY_LISTEN=127.0.0.1:0 "VERITY_API_KEYS_FILE=$keys_file")

# Starts `$@` as the unit's user with its umask and a clean environment plus `env_vars`, logging to
# $work/$name.log; sets `pid`.
start_as_service() {
  local name=$1
  shift
  (
    cd /
    umask "$umask_value"
    exec setpriv --reuid="$user" --regid="$user" --init-groups \
      env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_vars[@]}" "$@"
  ) >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}

# Waits (at most 30 s) until $work/$1.log says where it listens; prints the port.
listening_port() {
  local log="$work/$1.log" port=""
  for _ in $(seq 300); do
    port=$(grep -o 'verity listening on http://[^ ]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$1 exited before listening"; }
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$log"; fail "$1 did not listen within 30 s"; }
  echo "$port"
}

# Waits (at most 30 s) until GET $1 answers 200.
wait_for_200() {
  for _ in $(seq 300); do
    [ "$(http -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    sleep 0.1
  done
  fail "GET $1 did not answer 200 within 30 s"
}

# Waits at most $2 s for `pid` ($1 names it) to exit; returns its exit status.
wait_for_exit() {
  for _ in $(seq $(($2 * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$1 still runs after $2 s"
  fi
  local status=0
  wait "$pid" || status=$?
  return "$status"
}

# Sends SIGTERM to `pid` and waits at most the unit's TimeoutStopSec for exit status 0.
stop_cleanly() {
  kill -TERM "$pid"
  local status=0
  wait_for_exit "$1 (SIGTERM)" "$timeout_stop" || status=$?
  [ "$status" -eq 0 ] || { cat "$work/$1.log"; fail "$1 exited with $status after SIGTERM"; }
  grep -q 'verity stopped' "$work/$1.log" || fail "$1 did not log its clean stop"
}

# --- Run the service as the unit does -----------------------------------------------------------
step "start: ${command_line[*]} as $user with ${unit_env[*]} ${operator_env[*]}"
env_vars=("${unit_env[@]}" "${operator_env[@]}")
start_as_service service "${command_line[@]}"
port=$(listening_port service)
base="http://127.0.0.1:$port"
wait_for_200 "$base/healthz"
wait_for_200 "$base/readyz"
http "$base/readyz" | jq -e '.ready == true and .twilio == "simulator"' >/dev/null \
  || fail "readyz: $(http "$base/readyz")"

step "API smoke on $base"
auth=(-H "Authorization: Bearer $api_key")
created=$(http -w '\n%{http_code}' -X POST "$base/v1/verifications" "${auth[@]}" \
  -H 'Content-Type: application/json' -d '{"to": "+1 201 555 0123"}')
[ "$(tail -1 <<<"$created")" = 201 ] || fail "create: $created"
id=$(head -1 <<<"$created" | jq -r .id)
state=""
for _ in $(seq 10); do
  state=$(http "$base/v1/verifications/$id?wait=3&seen=${state:-sending}" \
    "${auth[@]}" | jq -r .delivery.state)
  [[ $state == delivered || $state == read ]] && break
done
[[ $state == delivered || $state == read ]] || fail "delivery of $id stayed '$state'"
if [ -n "$(find /var/lib/verity -mindepth 1 ! -user verity)" ]; then
  fail "files in /var/lib/verity not owned by verity"
fi
[ -f /var/lib/verity/CURRENT ] || fail "no RocksDB in /var/lib/verity"

step "SIGHUP reloads the API key file"
echo "$rotated_key" >"$keys_file"
kill -HUP "$pid"
code=""
for _ in $(seq 100); do
  code=$(http -o /dev/null -w '%{http_code}' "$base/v1/verifications/$id" \
    -H "Authorization: Bearer $rotated_key")
  [ "$code" = 200 ] && break
  sleep 0.1
done
[ "$code" = 200 ] || fail "the rotated key is refused ($code) after SIGHUP"
code=$(http -o /dev/null -w '%{http_code}' "$base/v1/verifications/$id" "${auth[@]}")
[ "$code" = 401 ] || fail "the old key still answers $code after SIGHUP"

step "SIGTERM stops it cleanly"
stop_cleanly service

# --- The container image's entry point, run against the installed package -----------------------
entrypoint=/usr/share/verity/entrypoint.sh
step "entry point: defaults"
env_vars=(VERITY_TWILIO=simulator)
start_as_service entrypoint-config "$entrypoint" check-config
wait_for_exit "entrypoint check-config" 30 \
  || fail "entrypoint check-config: $(cat "$work/entrypoint-config.log")"
for expected in 'VERITY_LISTEN *= 0.0.0.0:8080 ' 'VERITY_DATA_DIR *= /var/lib/verity ' \
  'VERITY_TWILIO *= simulator '; do
  grep -q "^$expected" "$work/entrypoint-config.log" \
    || fail "entrypoint check-config lacks '$expected': $(cat "$work/entrypoint-config.log")"
done
step "entry point: serves on every interface"
env_vars=(VERITY_TWILIO=simulator VERITY_LISTEN=0.0.0.0:0)
start_as_service entrypoint "$entrypoint"
port=$(listening_port entrypoint)
grep -q 'listening on http://0.0.0.0:' "$work/entrypoint.log" || fail "entrypoint not on 0.0.0.0"
wait_for_200 "http://127.0.0.1:$port/readyz"
stop_cleanly entrypoint

# --- The Containerfile: what it copies exists, what it installs is Debian 12's ------------------
step "Containerfile"
containerfile=$root/packaging/Containerfile
grep -qx 'FROM debian:12' "$containerfile" || fail "the image is not FROM debian:12"
while read -r -a words; do
  for source in "${words[@]:1:${#words[@]}-2}"; do
    compgen -G "$root/$source" >/dev/null || fail "Containerfile COPYs $source, which is missing"
  done
done < <(grep '^COPY ' "$containerfile")
packages=$(sed -n 's/.*apt-get install -y --no-install-recommends \([^\\&]*\).*/\1/p' \
  "$containerfile")
[ -n "$packages" ] || fail "no apt-get install line found in the Containerfile"
read -r -a packages <<<"$packages"
for package in "${packages[@]}"; do
  if [[ $package == /tmp/verity_*.deb ]]; then
    continue
  fi
  grep -Eq ' bookworm(-updates|-security)?/main ' <<<"$(apt-cache madison "$package")" \
    || fail "Containerfile installs $package, which is not in Debian 12 main"
done
grep -q "^USER $user\$" "$containerfile" || fail "the image does not run as $user"
grep -q "ENTRYPOINT \[\"$entrypoint\"\]" "$containerfile" || fail "the image's entry point"

# --- systemd ------------------------------------------------------------------------------------
step "systemd-analyze verify $unit"
systemd-analyze verify "$unit" || fail "systemd-analyze verify"
exposure=$(systemd-analyze security --offline=true --no-pager "$unit" | grep 'Overall exposure')
step "$exposure"
[[ $exposure =~ level\ for\ verity.service:\ [0-9.]+\ (OK|SAFE) ]] \
  || fail "exposure worse than OK: $exposure"

# --- Purge --------------------------------------------------------------------------------------
step "dpkg --purge"
timeout 300 dpkg --purge verity >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge"; }
installed=false
for file in "${listed[@]}"; do
  [ -d "$file" ] || [ ! -e "$file" ] || fail "$file is still there after purge"
done
[ ! -e /etc/verity ] || fail "/etc/verity is still there after purge"
[ ! -e /var/lib/verity ] || fail "/var/lib/verity is still there after purge"
step "passed"
