#!/usr/bin/env bash
# CI smoke run of every benchmark at a tiny size: proves that each one still
# builds, starts, talks to its server and verifies what comes back. No timing
# is asserted (CI machines are shared and noisy); any non-zero exit fails.
#
#   tests/bench/smoke.sh BUILD_DIR          (CI: build/release; < 60 s)
#
# Runs wsx-micro-bench briefly, then starts wsx-host (with the
# permessage-deflate plugin), beast-echo and raw-tcp-echo, and runs each
# wsx-bench scenario once: the WebSocket scenarios against wsx and Beast,
# raw-echo against raw-tcp-echo, zlib-limit on its own (each also with
# --payload large). A missing binary is a failure, not a skip: CI builds all
# of them.
set -euo pipefail
script_name=smoke
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

die() {
  echo "smoke: $*" >&2
  exit 1
}
[[ $# -eq 1 ]] || {
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
}
[[ -d $1 ]] || die "no build directory '$1'"
build=$(cd "$1" && pwd)

host_bin=$build/host/wsx-host
plugin=$build/lib/wsx/plugins/wsx_permessage_deflate.so
beast_bin=$build/tests/bench/peers/beast-echo
raw_bin=$build/tests/bench/peers/raw-tcp-echo
bench_bin=$build/tests/bench/load/wsx-bench
micro_bin=$build/tests/bench/micro/wsx-micro-bench
for binary in "$host_bin" "$beast_bin" "$raw_bin" "$bench_bin" "$micro_bin"; do
  [[ -x $binary ]] || die "missing $binary (build the release preset first)"
done
[[ -f $plugin ]] || die "missing $plugin"

start=$(date +%s)
step() { echo "=== smoke [$(($(date +%s) - start))s] $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-smoke.XXXXXX")
server_pids=()
cleanup() {
  local pid
  for pid in "${server_pids[@]+"${server_pids[@]}"}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "wsx-micro-bench"
timeout 60 "$micro_bin" --benchmark_min_time=0.001 >"$work/micro.out" 2>&1 || {
  cat "$work/micro.out" >&2
  die "wsx-micro-bench failed"
}
echo "$(grep -c '^BM_' "$work/micro.out") micro-benchmarks ran"

# start_server NAME COMMAND...: runs it in the background and sets
# server_port from its "listening on 127.0.0.1:PORT" line (stdout, or the log
# on stderr), waiting at most 10 s. Not in a $(...) subshell: the server must
# be this shell's child so that it can be waited for.
start_server() {
  local name=$1 log=$work/$1.log tries
  shift
  server_port=""
  "$@" >"$log" 2>&1 &
  server_pids+=($!)
  for ((tries = 0; tries < 200; tries++)); do
    server_port=$(listening_port "$log")
    [[ -n $server_port ]] && return 0
    alive "${server_pids[-1]}" || break
    sleep 0.05
  done
  cat "$log" >&2
  die "$name did not start"
}

config=$work/wsx.toml
cat >"$config" <<EOF
[server]
address = "127.0.0.1"
port = 0
io_threads = 1
app = "echo"
log_level = "info"

[[plugin]]
path = "$plugin"
EOF

step "servers"
declare -A ports
start_server wsx "$host_bin" --config "$config" --listen 127.0.0.1:0
ports[wsx]=$server_port
start_server beast "$beast_bin" --port 0 --deflate
ports[beast]=$server_port
start_server raw "$raw_bin" --port 0
ports[raw]=$server_port

# bench LABEL ARGS...: one wsx-bench run, 30 s at most, must exit 0.
bench() {
  local label=$1
  shift
  step "$label"
  if ! timeout 30 "$bench_bin" "$@" >"$work/bench.out" 2>&1; then
    cat "$work/bench.out" >&2
    die "$label failed: wsx-bench $*"
  fi
  tail -n 1 "$work/bench.out"
}

tiny=(--connections 2 --duration 0.2 --timeout 5)
for server in wsx beast; do
  target=(--host 127.0.0.1 --port "${ports[$server]}")
  bench "$server echo" "${target[@]}" --scenario echo "${tiny[@]}"
  bench "$server echo deflate" "${target[@]}" --scenario echo --deflate "${tiny[@]}"
  bench "$server pipeline" "${target[@]}" --scenario pipeline --depth 4 "${tiny[@]}"
  bench "$server large" "${target[@]}" --scenario large --size 65536 "${tiny[@]}"
  bench "$server large deflate" "${target[@]}" --scenario large --size 65536 --deflate "${tiny[@]}"
  bench "$server storm deflate" "${target[@]}" --scenario storm --deflate "${tiny[@]}"
  bench "$server idle" "${target[@]}" --scenario idle --connections 10 --hold 0.2 --timeout 5
  bench "$server idle deflate" "${target[@]}" --scenario idle --connections 10 --hold 0.2 \
    --timeout 5 --deflate
done
bench "raw-echo" --host 127.0.0.1 --port "${ports[raw]}" --scenario raw-echo "${tiny[@]}"
bench "zlib-limit" --scenario zlib-limit --duration 0.2 --level 3 --window-bits 15 --mem-level 5
# The limits of large and large --deflate (--payload large: large's payloads).
bench "raw-echo large" --host 127.0.0.1 --port "${ports[raw]}" --scenario raw-echo \
  --payload large --size 65536 "${tiny[@]}"
bench "zlib-limit large" --scenario zlib-limit --payload large --size 65536 --duration 0.2 \
  --level 3 --window-bits 15 --mem-level 5

# Every server must still be up (none crashed under the runs) and stop cleanly.
step "stopping servers"
for pid in "${server_pids[@]}"; do
  kill -0 "$pid" 2>/dev/null || die "server $pid died during the smoke run"
  kill -TERM "$pid"
done
for pid in "${server_pids[@]}"; do
  # `timeout` cannot wrap the builtin `wait`; poll /proc instead (5 s).
  for ((tries = 0; tries < 100; tries++)); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || break
    [[ $state == Z ]] && break
    sleep 0.05
  done
  wait "$pid" || die "server $pid exited with status $? on SIGTERM"
done
server_pids=()

step "proxy benchmark (wsx and nginx in front of one upstream), quick"
timeout 300 bash "$(dirname "$0")/proxy/run-proxy.sh" "$build" --quick >"$work/proxy.md" 2>"$work/proxy.err" || {
  cat "$work/proxy.err" >&2
  die "run-proxy.sh failed"
}
grep -E '^- ' "$work/proxy.md"
step "wss:// benchmark (wsx and beast-wss-echo over TLS), quick"
timeout 300 bash "$(dirname "$0")/tls/run-tls.sh" "$build" --quick >"$work/tls.md" 2>"$work/tls.err" || {
  cat "$work/tls.err" >&2
  die "run-tls.sh failed"
}
grep -E '^\| (echo|large|idle)' "$work/tls.md"
step "done"
