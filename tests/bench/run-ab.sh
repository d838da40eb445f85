#!/usr/bin/env bash
# A/B benchmark: wsx-host against the Boost.Beast peer (tests/bench/peers),
# scenario by scenario, plus the limits neither server can beat: the raw TCP
# echo (socket limit) and zlib alone (compression limit).
#
#   tests/bench/run-ab.sh BUILD_DIR [--quick]
#
# Builds nothing: BUILD_DIR must hold host/wsx-host, the permessage-deflate
# plugin, tests/bench/peers/{beast-echo,raw-tcp-echo} and
# tests/bench/load/wsx-bench (a release build: `cmake --preset release`).
#
# Method
#  - Runs alternate A B A B ... (PAIRS pairs) so that drift of the machine
#    (thermal, other load) hits both servers alike; a fresh server process per
#    run, so its peak RSS (VmHWM) belongs to that run alone. Medians reported.
#  - The server is pinned to CPU 0 and the load tool to CPU 1 (taskset), so
#    they do not steal each other's core. Both servers run ONE I/O thread.
#  - Both servers offer permessage-deflate with the wsx plugin's default
#    settings (beast-echo reads them from plugins/permessage_deflate/
#    config.hpp; see beast_echo.cpp for what Beast cannot match); the client
#    chooses per scenario (--deflate). zlib-limit uses the plugin's level,
#    memLevel and server window. wsx runs at log level "warning" so that
#    neither server writes a line per connection.
#  - Idle memory: VmRSS of the server before the clients connect and once
#    every connection has exchanged one message and is held ("READY"), per
#    connection = delta / N.
# Full run < 10 minutes, --quick < 2 minutes. Progress goes to stderr, the
# markdown report to stdout.
set -euo pipefail
script_name=run-ab
# shellcheck source=lib/processes.sh
source "$(dirname "$0")/lib/processes.sh"

usage() {
  echo "usage: $0 BUILD_DIR [--quick]" >&2
  exit 2
}
die() {
  echo "run-ab: $*" >&2
  exit 1
}

[[ $# -ge 1 && $# -le 2 ]] || usage
[[ -d $1 ]] || die "no build directory '$1'"
build=$(cd "$1" && pwd)
quick=false
if [[ $# -eq 2 ]]; then
  [[ $2 == --quick ]] || usage
  quick=true
fi

host_bin=$build/host/wsx-host
plugin=$build/lib/wsx/plugins/wsx_permessage_deflate.so
beast_bin=$build/tests/bench/peers/beast-echo
raw_bin=$build/tests/bench/peers/raw-tcp-echo
bench_bin=$build/tests/bench/load/wsx-bench
for binary in "$host_bin" "$beast_bin" "$raw_bin" "$bench_bin"; do
  [[ -x $binary ]] || die "missing $binary (build it first)"
done
[[ -f $plugin ]] || die "missing $plugin (build target wsx_permessage_deflate)"
for tool in taskset timeout; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
# Debian's python3 when there is one: a pyenv shim on PATH costs ~0.4 s a call.
python=$(command -v /usr/bin/python3 || command -v python3) || die "needs python3"
[[ $(nproc) -ge 2 ]] || die "needs 2 CPUs (server on CPU 0, load tool on CPU 1)"

# --- Sizes --------------------------------------------------------------------
if $quick; then
  pairs=3
  duration=1
  idle_connections=2000
  idle_hold=1
else
  # 4 pairs: ~6 minutes here (2 vCPUs); medians of 4 ride out a burst of
  # other load better than medians of 3.
  pairs=4
  duration=5
  idle_connections=10000
  idle_hold=3
fi
connections=64
large_connections=4
large_size=$((1024 * 1024))
pipeline_depth=16
# The plugin's defaults, as wsx-host reports them: both servers compress with
# them (beast-echo reads the same config.hpp) and so does zlib-limit.
plugin_params=$("$host_bin" --check-plugin "$plugin" | grep '^ *param:') ||
  die "wsx-host --check-plugin $plugin failed"
plugin_default() {
  sed -n "s/^ *param: $1 .*(default \([0-9]*\)).*/\1/p" <<<"$plugin_params"
}
zlib_level=$(plugin_default compress_level)
zlib_mem_level=$(plugin_default mem_level)
zlib_window_bits=$(plugin_default server_max_window_bits)
[[ -n $zlib_level && -n $zlib_mem_level && -n $zlib_window_bits ]] ||
  die "cannot read the plugin's defaults from: $plugin_params"
# The window the server's compressor really uses, when the plugin has a
# smaller one of its own (compress_window_bits).
compress_window_bits=$(plugin_default compress_window_bits)
if [[ -n $compress_window_bits ]] && ((compress_window_bits < zlib_window_bits)); then
  zlib_window_bits=$compress_window_bits
fi
zlib_settings=(--level "$zlib_level" --window-bits "$zlib_window_bits" --mem-level "$zlib_mem_level")

# Every descriptor we may have: the idle scenario holds thousands of sockets,
# in the server and in the load tool alike (root may raise the hard limit).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)
# The server and wsx-bench share this limit, so one wsx-bench process can
# hold whatever the server can: no need to split the idle load.
if ((idle_connections + 64 > fd_limit)); then
  idle_connections=$((fd_limit - 64))
  echo "run-ab: fd limit $fd_limit: idle scenarios use $idle_connections connections" >&2
fi

# --- Servers ------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-run-ab.XXXXXX")
server_pid=""
server_port=""
bench_pids=()

cleanup() {
  local pid
  for pid in "${bench_pids[@]+"${bench_pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $server_pid ]]; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The wsx config: every limit at its default but max_connections, which must
# hold the idle scenario; permessage-deflate with its default parameters.
config=$work/wsx.toml
cat >"$config" <<EOF
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
EOF

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Reads a /proc/PID/status field in KiB (VmRSS, VmHWM).
proc_kib() {
  awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"
}

# start_server wsx|beast|raw: sets server_pid and server_port.
start_server() {
  local kind=$1 log=$work/server.log attempt tries
  for attempt in 1 2 3; do
    # A fresh log: the old one may still name the previous server's port.
    rm -f "$log"
    case $kind in
      wsx)
        # wsx logs "listening on" at info level only; at warning level the
        # script picks the port (and retries if someone takes it first).
        server_port=$(free_port)
        taskset -c 0 "$host_bin" --config "$config" --listen "127.0.0.1:$server_port" \
          >"$log" 2>&1 &
        ;;
      beast) taskset -c 0 "$beast_bin" --port 0 --deflate >"$log" 2>&1 & ;;
      raw) taskset -c 0 "$raw_bin" --port 0 >"$log" 2>&1 & ;;
      *) die "unknown server $kind" ;;
    esac
    server_pid=$!
    for ((tries = 0; tries < 200; tries++)); do
      alive "$server_pid" || break
      if [[ $kind == wsx ]]; then
        if (exec 3<>"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null; then return 0; fi
      else
        server_port=$(listening_port "$log")
        [[ -n $server_port ]] && return 0
      fi
      sleep 0.05
    done
    stop_server
    echo "run-ab: $kind did not start (attempt $attempt):" >&2
    cat "$log" >&2
  done
  die "could not start $kind"
}

# --- Load ---------------------------------------------------------------------
records=$work/records.jsonl

# record SCENARIO SERVER RUN HWM_KIB PER_CONN_BYTES CPU_SECONDS BENCH_JSON
#        [LOAD_CPU_SECONDS TCP_SEGMENTS]
record() {
  printf '{"scenario":"%s","server":"%s","run":%s,"hwm_kib":%s,"per_conn_bytes":%s,"cpu_s":%s,"bench":%s,"load_cpu_s":%s,"segments":%s}\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$7" "${8:-null}" "${9:-null}" >>"$records"
}

# TCP segments sent by this machine so far (/proc/net/snmp Tcp: OutSegs).
# Loopback: every segment either side sends counts once. Other traffic on
# the machine counts too, so the figure is a diagnostic, not a metric.
tcp_out_segments() {
  awk '$1 == "Tcp:" { if (!n) { for (i = 2; i <= NF; i++) if ($i == "OutSegs") col = i; n = 1 }
                      else print $col }' /proc/net/snmp
}

# On a shared machine the CPU a server spends per message is steadier than
# its throughput, which other processes' bursts disturb.
clock_ticks=$(getconf CLK_TCK)
cpu_seconds() {
  "$python" -c "import sys; print(round(int(sys.argv[1]) / int(sys.argv[2]), 3))" "$1" "$clock_ticks"
}

# The JSON line wsx-bench ends with, or failure.
bench_json() {
  local line
  line=$(grep '^{' "$1" | tail -n 1) || true
  [[ -n $line ]] || {
    echo "run-ab: no JSON result in $1:" >&2
    cat "$1" "$1.err" >&2
    return 1
  }
  printf '%s\n' "$line"
}

# run_bench OUT ARGS...: one wsx-bench run against the current server.
run_bench() {
  local out=$1
  shift
  if ! timeout $((duration + 60)) taskset -c 1 "$bench_bin" --host 127.0.0.1 \
    --port "$server_port" "$@" >"$out" 2>"$out.err"; then
    echo "run-ab: wsx-bench $* failed:" >&2
    cat "$out" "$out.err" >&2
    return 1
  fi
}

# run_load SCENARIO SERVER RUN ARGS...: start, load, record, stop.
run_load() {
  local scenario=$1 server=$2 run=$3 out=$work/bench.out hwm json ticks segments
  local load_before load_cpu
  shift 3
  start_server "$server"
  ticks=$(proc_cpu_ticks "$server_pid")
  # The load tool's CPU: what this shell's waited-for children used while
  # it ran (the server is reaped only later, by stop_server). It shows when
  # wsx-bench, not the server, is what saturates.
  children_cpu_seconds
  load_before=$children_cpu
  segments=$(tcp_out_segments)
  run_bench "$out" --duration "$duration" "$@" || die "$scenario on $server failed"
  segments=$(($(tcp_out_segments) - segments))
  children_cpu_seconds
  load_cpu=$("$python" -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))' \
    "$load_before" "$children_cpu")
  ticks=$(($(proc_cpu_ticks "$server_pid") - ticks))
  json=$(bench_json "$out") || die "$scenario on $server: no result"
  hwm=$(proc_kib "$server_pid" VmHWM)
  stop_server
  record "$scenario" "$server" "$run" "$hwm" null "$(cpu_seconds "$ticks")" "$json" \
    "$load_cpu" "$segments"
  echo "run-ab: $scenario $server #$run: $json" >&2
}

# run_idle SCENARIO SERVER RUN ARGS...: N connections that each exchanged
# one message, held; the server's memory per connection.
run_idle() {
  local scenario=$1 server=$2 run=$3 out=$work/idle.out base ready count tries bench_pid
  local per_connection hwm json
  shift 3
  start_server "$server"
  base=$(proc_kib "$server_pid" VmRSS)
  # No READY line of an earlier run may be read for this one.
  rm -f "$out" "$out.err"
  timeout $((idle_hold + 120)) taskset -c 1 "$bench_bin" --host 127.0.0.1 --port "$server_port" \
    --scenario idle --connections "$idle_connections" --hold "$idle_hold" "$@" \
    >"$out" 2>"$out.err" &
  bench_pid=$!
  bench_pids=("$bench_pid")
  # Bounded wait for READY (2 minutes for thousands of handshakes).
  for ((tries = 0; tries < 2400; tries++)); do
    count=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$out" 2>/dev/null | head -n 1) || true
    [[ -n $count ]] && break
    if ! alive "$bench_pid"; then
      cat "$out" "$out.err" >&2
      die "$scenario on $server: wsx-bench ended before READY"
    fi
    sleep 0.05
  done
  [[ ${count:-0} -eq $idle_connections ]] ||
    die "$scenario on $server: READY ${count:-never} of $idle_connections connections"
  ready=$(proc_kib "$server_pid" VmRSS)
  wait "$bench_pid" || {
    cat "$out" "$out.err" >&2
    die "$scenario on $server: wsx-bench failed"
  }
  bench_pids=()
  json=$(bench_json "$out") || die "$scenario on $server: no result"
  hwm=$(proc_kib "$server_pid" VmHWM)
  stop_server
  per_connection=$(((ready - base) * 1024 / idle_connections))
  record "$scenario" "$server" "$run" "$hwm" "$per_connection" null "$json"
  echo "run-ab: $scenario $server #$run: $per_connection B/connection" >&2
}

# --- Scenarios ------------------------------------------------------------------
# name | wsx-bench arguments | limit | limit's wsx-bench arguments. Each
# scenario runs on wsx and Beast alternately; its limit, if any, runs right
# after each pair, so that it sees the same state of the machine:
#  socket: raw-echo against raw-tcp-echo (no WebSocket work on the server);
#  zlib:   zlib-limit alone on CPU 0 with the servers' settings (the
#          compression work of one echo: inflate + deflate, nothing else).
# One message in flight per connection, as in the scenario: echo's limits
# send wsx-bench's text corpus, large's (--payload large) the very 1 MiB
# payloads large sends, with the same connections. Pipeline has no limit
# (raw-echo keeps one message in flight).
echo_limit_args="--connections $connections"
large_args="--connections $large_connections --size $large_size"
large_limit_args="$large_args --payload large"
scenarios=(
  "echo-plain|--scenario echo --connections $connections|socket|$echo_limit_args"
  "echo-deflate|--scenario echo --connections $connections --deflate|zlib|"
  "pipeline-plain|--scenario pipeline --connections $connections --depth $pipeline_depth||"
  "large-plain|--scenario large $large_args|socket|$large_limit_args"
  "large-deflate|--scenario large $large_args --deflate|zlib|$large_limit_args"
  "storm-deflate|--scenario storm --connections $connections --deflate||"
  "idle-plain|||"
  "idle-deflate|--deflate||"
)

# run_limit SCENARIO RUN socket|zlib [WSX-BENCH ARGS...]
run_limit() {
  local scenario=$1 run=$2 kind=$3 out=$work/limit.out json before after
  shift 3
  case $kind in
    socket) run_load "$scenario.limit" raw "$run" --scenario raw-echo "$@" ;;
    zlib)
      # No server: the compression limit runs where the servers run. Its CPU
      # time is what this shell's waited-for children used meanwhile.
      children_cpu_seconds
      before=$children_cpu
      if ! timeout $((duration + 60)) taskset -c 0 "$bench_bin" --scenario zlib-limit \
        --duration "$duration" "${zlib_settings[@]}" "$@" >"$out" 2>"$out.err"; then
        cat "$out" "$out.err" >&2
        die "$scenario limit: zlib-limit failed"
      fi
      children_cpu_seconds
      after=$children_cpu
      json=$(bench_json "$out") || die "$scenario limit: no result"
      record "$scenario.limit" zlib "$run" null null \
        "$("$python" -c 'import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))' \
          "$before" "$after")" "$json"
      echo "run-ab: $scenario limit #$run: $json" >&2
      ;;
    *) die "unknown limit $kind" ;;
  esac
}

started=$(date +%s)
for entry in "${scenarios[@]}"; do
  IFS='|' read -r name arguments limit limit_arguments <<<"$entry"
  read -r -a args <<<"$arguments"
  read -r -a limit_args <<<"$limit_arguments"
  for ((run = 1; run <= pairs; run++)); do
    for server in wsx beast; do
      if [[ $name == idle-* ]]; then
        run_idle "$name" "$server" "$run" "${args[@]+"${args[@]}"}"
      else
        run_load "$name" "$server" "$run" "${args[@]}"
      fi
    done
    if [[ -n $limit ]]; then
      run_limit "$name" "$run" "$limit" "${limit_args[@]+"${limit_args[@]}"}"
    fi
  done
done
elapsed=$(($(date +%s) - started))

# --- Report -------------------------------------------------------------------
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
"$python" - "$records" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "${cpu_model:-unknown}" \
  "$elapsed" "$quick" "$duration" "$idle_connections" "${zlib_settings[*]}" "$plugin_params" \
  <<'PYTHON'
import json, statistics, sys

records_path, date, nproc, cpu, elapsed, quick, duration, idle_n, zlib, params = sys.argv[1:]
rows = [json.loads(line) for line in open(records_path)]
SERVERS = ("wsx", "beast")

def runs(scenario, server):
    """The records of one scenario on one server, or of its limit."""
    if server == "limit":
        return [r for r in rows if r["scenario"] == scenario + ".limit"]
    return [r for r in rows if r["scenario"] == scenario and r["server"] == server]

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def fmt(value, digits=0):
    return "-" if value is None else f"{value:,.{digits}f}"

def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"

# scenario -> (throughput key, unit, digits; CPU cost unit and how to get it)
def per_message(r):
    return r["cpu_s"] * 1e6 / r["bench"]["messages"] if r["bench"].get("messages") else None

def per_megabyte(r):
    return r["cpu_s"] * 1e3 / (r["bench"]["bytes"] / 1e6) if r["bench"].get("bytes") else None

def per_handshake(r):
    return r["cpu_s"] * 1e6 / r["bench"]["handshakes"] if r["bench"].get("handshakes") else None

metrics = {
    "echo-plain": ("msgs_per_s", "msg/s", 0, "us/msg", per_message),
    "echo-deflate": ("msgs_per_s", "msg/s", 0, "us/msg", per_message),
    "pipeline-plain": ("msgs_per_s", "msg/s", 0, "us/msg", per_message),
    "large-plain": ("mb_per_s", "MB/s", 1, "ms/MB", per_megabyte),
    "large-deflate": ("mb_per_s", "MB/s", 1, "ms/MB", per_megabyte),
    "storm-deflate": ("handshakes_per_s", "handshakes/s", 0, "us/handshake", per_handshake),
    "idle-plain": ("per_conn_bytes", "bytes/connection", 0, None, None),
    "idle-deflate": ("per_conn_bytes", "bytes/connection", 0, None, None),
}
limit_names = {"raw": "socket (raw-echo vs raw-tcp-echo)", "zlib": "zlib (zlib-limit)"}

def value(r, key):
    return r["per_conn_bytes"] if key == "per_conn_bytes" else r["bench"].get(key)

def cost(r, how):
    return how(r) if how and r.get("cpu_s") is not None else None

present = [s for s in metrics if runs(s, "wsx") or runs(s, "beast")]
pairs = len(runs(present[0], "wsx")) if present else 0

print(f"# wsx vs Boost.Beast: A/B benchmark ({'quick' if quick == 'true' else 'full'} run)\n")
print(f"- date: {date}; nproc: {nproc}; CPU: {cpu}")
print(f"- server pinned to CPU 0, wsx-bench to CPU 1; one I/O thread per server; {pairs} "
      f"alternating pairs (wsx, Beast, then the limit) of {duration} s per scenario, medians; "
      f"idle: {idle_n} connections held; whole run {elapsed} s")
print("- permessage-deflate on both servers: the wsx plugin's defaults (below). What wsx "
      "does unannounced (a smaller compression window, a fresh compressor per message) "
      "beast-echo announces (server_max_window_bits, server_no_context_takeover); Beast 1.74 "
      "compresses messages of any size (wsx: only >= min_size) with its own zlib port; "
      "see tests/bench/peers/beast_echo.cpp")
print(f"- limits: socket = wsx-bench raw-echo against raw-tcp-echo (same connections); "
      f"zlib = wsx-bench zlib-limit {zlib} on CPU 0; for large-*, both with --payload large "
      f"(the same 1 MiB payloads)")
for s in SERVERS:
    agreed = sorted({r["bench"].get("negotiated", "") for r in rows
                     if r["server"] == s and r["bench"].get("negotiated")})
    if agreed:
        print(f"- {s} answered: " + "; ".join(f"`{a}`" for a in agreed))
print("\n```\n" + params + "\n```\n")

print("## Throughput (higher is better; idle: memory, lower is better)\n")
print("| scenario | metric | wsx | Beast | wsx/Beast | limit | wsx/limit | Beast/limit "
      "| wsx peak RSS | Beast peak RSS | errors wsx/Beast |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for scenario in present:
    key, unit, digits, _, _ = metrics[scenario]
    a, b = (median([value(r, key) for r in runs(scenario, s)]) for s in SERVERS)
    limit_rows = runs(scenario, "limit")
    lim = median([value(r, key) for r in limit_rows])
    label = f" ({limit_rows[0]['server']})" if limit_rows else ""
    hwm = [max((r["hwm_kib"] for r in runs(scenario, s)), default=None) for s in SERVERS]
    errors = [sum(r["bench"].get("errors", 0) for r in runs(scenario, s)) for s in SERVERS]
    print(f"| {scenario} | {unit} | {fmt(a, digits)} | {fmt(b, digits)} | {ratio(a, b)} "
          f"| {fmt(lim, digits)}{label} | {ratio(a, lim)} | {ratio(b, lim)} "
          f"| {fmt(hwm[0] and hwm[0] / 1024, 1)} MiB | {fmt(hwm[1] and hwm[1] / 1024, 1)} MiB "
          f"| {errors[0]}/{errors[1]} |")

print("\n## Server CPU per unit of work (lower is better; steadier than throughput "
      "on a shared machine)\n")
print("| scenario | unit | wsx | Beast | wsx/Beast | limit | wsx/limit |")
print("|---|---|---:|---:|---:|---:|---:|")
for scenario in present:
    _, _, _, unit, how = metrics[scenario]
    if not how:
        continue
    a, b, lim = (median([cost(r, how) for r in runs(scenario, s)])
                 for s in SERVERS + ("limit",))
    print(f"| {scenario} | {unit} | {fmt(a, 2)} | {fmt(b, 2)} | {ratio(a, b)} | {fmt(lim, 2)} "
          f"| {ratio(a, lim)} |")

print("\n## Who saturates: CPU busy (% of one core) of the server and of wsx-bench, "
      "and TCP segments per unit of work (medians)\n")
print("A load tool near 100% sets the pace for any server it drives: the ratio between "
      "servers then says little, their CPU per unit above says more.\n")
print("| scenario | unit | wsx busy | wsx-bench busy (wsx) | Beast busy | wsx-bench busy (Beast) "
      "| raw-tcp-echo busy | wsx-bench busy (raw) | segments/unit wsx | segments/unit Beast |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")

def busy(r, field):
    seconds = r["bench"].get("seconds")
    return 100 * r[field] / seconds if r.get(field) is not None and seconds else None

def work_units(r, unit):
    """Messages, megabytes or handshakes of one run, as its CPU unit counts them."""
    bench = r["bench"]
    if unit == "ms/MB":
        return bench["bytes"] / 1e6 if bench.get("bytes") else None
    return bench.get("handshakes" if unit == "us/handshake" else "messages") or None

def segments_per_unit(r, unit):
    units = work_units(r, unit)
    return r["segments"] / units if r.get("segments") is not None and units else None

for scenario in present:
    _, _, _, unit, how = metrics[scenario]
    if not how:
        continue
    cells = []
    socket_limit = [r for r in runs(scenario, "limit") if r["server"] == "raw"]
    for s in SERVERS + ("limit",):
        chosen = socket_limit if s == "limit" else runs(scenario, s)
        for field in ("cpu_s", "load_cpu_s"):
            share = median([busy(r, field) for r in chosen])
            cells.append("-" if share is None else f"{share:.0f}%")
    seg = [fmt(median([segments_per_unit(r, unit) for r in runs(scenario, s)]), 2)
           for s in SERVERS]
    unit_name = unit.split("/")[1]
    print(f"| {scenario} | {unit_name} | " + " | ".join(cells) + f" | {seg[0]} | {seg[1]} |")

print("\n## Latency seen by wsx-bench (medians of the runs' p50 / p99, microseconds)\n")
print("| scenario | wsx p50 | wsx p99 | Beast p50 | Beast p99 | limit p50 | limit p99 |")
print("|---|---:|---:|---:|---:|---:|---:|")
for scenario in present:
    if scenario.startswith("idle"):
        continue
    cells = [fmt(median([r["bench"].get(k) for r in runs(scenario, s)]))
             for s in SERVERS + ("limit",) for k in ("p50_us", "p99_us")]
    print(f"| {scenario} | " + " | ".join(cells) + " |")

print("\n## Every run, in order (throughput metric)\n")
print("| scenario | wsx | Beast | limit |")
print("|---|---|---|---|")
for scenario in present:
    key, _, digits, _, _ = metrics[scenario]
    cells = [", ".join(fmt(value(r, key), digits) for r in runs(scenario, s))
             for s in SERVERS + ("limit",)]
    print(f"| {scenario} | " + " | ".join(c or "-" for c in cells) + " |")
PYTHON
