#!/usr/bin/env bash
# permessage-deflate A/B (issue 13, items 1 and 2): small-message echo and
# idle memory, wsx with and without the compressor pool against the Beast
# peer at Beast's own defaults, and at equal work.
#
#   tests/bench/deflate-ab.sh BUILD_DIR [--quick]
#
# Same method as run-ab.sh: the server pinned to CPU 0, wsx-bench to CPU 1,
# one I/O thread each, a fresh server per run, configurations alternated run
# by run (ROUNDS rounds), medians; server CPU per message from /proc/PID/stat.
# Idle: VmRSS delta over N connections that each exchanged one message.
#
# Configurations (name: server, what it runs with; the client's offer):
#  wsx            wsx-host, plugin defaults (window 10, mem_level 2, level 3,
#                 context takeover, pool 4 MiB per I/O thread)
#  wsx-nopool     the same with compressor_pool_memory = "0"
#  wsx-15-8-1     compress_window_bits 15, mem_level 8, level 1, pool 24 MiB
#  wsx-12-4-1     compress_window_bits 12, mem_level 4, level 1, pool 4 MiB
#                 (136 streams of 30 KiB: all 64 connections keep context)
#  wsx-eq         equal work to beast: window 15 both ways, mem_level 4,
#                 level 8, and the client offers server_no_context_takeover
#                 (Beast 1.74 ends every message with a full flush: no
#                 message refers back to an earlier one)
#  beast          beast-echo --deflate-beast-defaults (15/15, memLevel 4,
#                 compLevel 8, takeover announced, full flush per message)
#  beast-eq       the same, the client offering server_no_context_takeover
#  wsx-eq10       equal work at window 10: wsx defaults, the client offering
#                 server_no_context_takeover
#  beast-eq10     beast-echo --deflate (the wsx plugin's settings: window 10,
#                 memLevel 2, level 3), the same offer
# --echo "NAMES" runs only those echo configurations (and no idle runs).
# Progress on stderr; a markdown table on stdout.
set -euo pipefail
script_name=deflate-ab
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

die() {
  echo "deflate-ab: $*" >&2
  exit 1
}
[[ $# -ge 1 ]] || die "usage: $0 BUILD_DIR [--quick] [--no-idle] [--echo=\"NAMES\"]"
build=$(cd "$1" && pwd)
shift
rounds=3
duration=5
idle_connections=10000
do_idle=true
only_echo=()
for arg in "$@"; do
  case $arg in
    --quick)
      rounds=1
      duration=2
      idle_connections=2000
      ;;
    --no-idle) do_idle=false ;;
    --echo=*)
      read -r -a only_echo <<<"${arg#--echo=}"
      do_idle=false
      ;;
    *) die "unknown option $arg" ;;
  esac
done
host_bin=$build/host/wsx-host
plugin=$build/lib/wsx/plugins/wsx_permessage_deflate.so
beast_bin=$build/tests/bench/peers/beast-echo
bench_bin=$build/tests/bench/load/wsx-bench
for binary in "$host_bin" "$beast_bin" "$bench_bin"; do
  [[ -x $binary ]] || die "missing $binary"
done
python=$(command -v /usr/bin/python3 || command -v python3)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if ((idle_connections + 64 > $(ulimit -n))); then idle_connections=$(($(ulimit -n) - 64)); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-deflate-ab.XXXXXX")
server_pid=""
server_port=""
bench_pid=""
cleanup() {
  if [[ -n $bench_pid ]]; then kill "$bench_pid" 2>/dev/null || true; fi
  if [[ -n $server_pid ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wsx_config NAME PARAM-LINES: writes $work/NAME.toml.
wsx_config() {
  cat >"$work/$1.toml" <<EOF
[server]
address = "127.0.0.1"
port = 0
io_threads = 1
app = "echo"
log_level = "warning"

[server.limits]
max_connections = $((idle_connections + 1000))

[[plugin]]
path = "$plugin"
[plugin.params]
$2
EOF
}
wsx_config wsx ""
wsx_config wsx-nopool 'compressor_pool_memory = "0"'
wsx_config wsx-15-8-1 $'compress_window_bits = 15\nmem_level = 8\ncompress_level = 1\ncompressor_pool_memory = "24 MiB"'
wsx_config wsx-12-4-1 $'compress_window_bits = 12\nmem_level = 4\ncompress_level = 1'
wsx_config wsx-eq10 ""
wsx_config wsx-eq $'compress_window_bits = 15\nclient_max_window_bits = 15\nmem_level = 4\ncompress_level = 8'

offer_of() {
  case $1 in
    *-eq | *-eq10) echo "client_max_window_bits; server_no_context_takeover" ;;
    *) echo "client_max_window_bits" ;;
  esac
}

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
  local name=$1 log=$work/server.log tries
  rm -f "$log"
  case $name in
    beast*)
      local mode=--deflate-beast-defaults
      [[ $name == beast-eq10 ]] && mode=--deflate
      taskset -c 0 "$beast_bin" --port 0 "$mode" >"$log" 2>&1 &
      server_pid=$!
      for ((tries = 0; tries < 200; tries++)); do
        server_port=$(listening_port "$log")
        [[ -n $server_port ]] && return 0
        sleep 0.05
      done
      ;;
    *)
      server_port=$(free_port)
      taskset -c 0 "$host_bin" --config "$work/$name.toml" --listen "127.0.0.1:$server_port" \
        >"$log" 2>&1 &
      server_pid=$!
      for ((tries = 0; tries < 200; tries++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null; then return 0; fi
        sleep 0.05
      done
      ;;
  esac
  cat "$log" >&2
  die "$name did not start"
}

kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

records=$work/records.txt
echo_run() {
  local name=$1 round=$2 out=$work/bench.out ticks json
  start_server "$name"
  ticks=$(proc_cpu_ticks "$server_pid")
  timeout $((duration + 60)) taskset -c 1 "$bench_bin" --host 127.0.0.1 --port "$server_port" \
    --scenario echo --connections 64 --duration "$duration" --deflate \
    --deflate-params "$(offer_of "$name")" >"$out" 2>"$out.err" || {
    cat "$out" "$out.err" >&2
    die "echo on $name failed"
  }
  ticks=$(($(proc_cpu_ticks "$server_pid") - ticks))
  stop_server
  json=$(grep '^{' "$out" | tail -n 1)
  echo "echo $name $round $ticks $json" >>"$records"
  echo "deflate-ab: echo $name #$round: $json (cpu ticks $ticks)" >&2
}

idle_run() {
  local name=$1 round=$2 out=$work/idle.out base ready count tries
  start_server "$name"
  base=$(kib "$server_pid" VmRSS)
  rm -f "$out"
  timeout 180 taskset -c 1 "$bench_bin" --host 127.0.0.1 --port "$server_port" --scenario idle \
    --connections "$idle_connections" --hold 2 --deflate --deflate-params "$(offer_of "$name")" \
    >"$out" 2>"$out.err" &
  bench_pid=$!
  count=""
  for ((tries = 0; tries < 2400; tries++)); do
    count=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$out" 2>/dev/null | head -n 1) || true
    [[ -n $count ]] && break
    alive "$bench_pid" || break
    sleep 0.05
  done
  [[ ${count:-0} -eq $idle_connections ]] || die "idle on $name: READY ${count:-never}"
  ready=$(kib "$server_pid" VmRSS)
  wait "$bench_pid" || die "idle on $name: wsx-bench failed"
  bench_pid=""
  stop_server
  echo "idle $name $round $(((ready - base) * 1024 / idle_connections))" >>"$records"
  echo "deflate-ab: idle $name #$round: $(((ready - base) * 1024 / idle_connections)) B/conn" >&2
}

echo_names=(wsx beast wsx-nopool wsx-15-8-1 wsx-12-4-1 wsx-eq beast-eq wsx-eq10 beast-eq10)
if ((${#only_echo[@]} > 0)); then echo_names=("${only_echo[@]}"); fi
idle_names=(wsx wsx-nopool wsx-15-8-1 wsx-12-4-1 beast)
for ((round = 1; round <= rounds; round++)); do
  for name in "${echo_names[@]}"; do echo_run "$name" "$round"; done
done
if $do_idle; then
  for name in "${idle_names[@]}"; do idle_run "$name" 1; done
fi

"$python" - "$records" "$(getconf CLK_TCK)" "$rounds" "$duration" "$idle_connections" <<'PYTHON'
import json, statistics, sys
path, hz, rounds, duration, idle_n = sys.argv[1:]
echo, idle = {}, {}
for line in open(path):
    kind, name, _round, rest = line.split(" ", 3)
    if kind == "echo":
        ticks, js = rest.split(" ", 1)
        r = json.loads(js)
        r["cpu_us"] = int(ticks) / int(hz) * 1e6 / max(r["messages"], 1)
        echo.setdefault(name, []).append(r)
    else:
        idle.setdefault(name, []).append(int(rest))
med = lambda xs: statistics.median(xs)
print(f"64 connections, {rounds} rounds of {duration} s, medians; idle: {idle_n} connections\n")
print("| config | negotiated | msg/s | vs beast | server µs CPU/msg | errors |")
print("|---|---|---:|---:|---:|---:|")
base = med([r["msgs_per_s"] for r in echo.get("beast", [])]) if "beast" in echo else None
for name, rs in echo.items():
    rate = med([r["msgs_per_s"] for r in rs])
    ratio = f"{rate / base:.2f}" if base else "-"
    print(f"| {name} | `{rs[0]['negotiated']}` | {rate:,.0f} | {ratio} | "
          f"{med([r['cpu_us'] for r in rs]):.2f} | {sum(r['errors'] for r in rs)} |")
if idle:
    print("\n| config | idle bytes/connection |")
    print("|---|---:|")
    for name, xs in idle.items():
        print(f"| {name} | {med(xs):,} |")
PYTHON
