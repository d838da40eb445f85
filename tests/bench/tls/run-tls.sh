#!/usr/bin/env bash
# wss:// benchmark (issue 9 part 4): wsx-host against the Boost.Beast peer
# over asio::ssl (tests/bench/peers/beast_wss_echo.cpp), same load tool
# (wsx-bench --tls), same run, as ratios.
#
#   tests/bench/tls/run-tls.sh BUILD_DIR [--quick]
#
# Method
#  - A certificate (P-256, SAN IP:127.0.0.1) is made at run time by
#    `openssl req`; wsx-bench verifies it (--ca), so every run also proves
#    the chain. No key is ever committed.
#  - Three servers, alternating (wsx, Beast matched, Beast defaults, ...),
#    a fresh process per run, each pinned to CPU 0 with ONE I/O thread;
#    wsx-bench on CPU 1. Medians of the runs. Server CPU per message from
#    /proc/PID/stat (user + system) beside msg/s: on a shared machine it is
#    the steadier figure, and wsx-bench's own TLS work may be what saturates.
#      wsx           wsx-host [server.tls] (its only TLS settings: the defaults)
#                    with the permessage-deflate plugin at its defaults;
#      beast         beast-wss-echo: TLS set up as wsx does (server cipher
#                    order, no renegotiation, SSL_MODE_RELEASE_BUFFERS) and
#                    deflate at the wsx plugin's settings (matched);
#      beast-default beast-wss-echo --beast-defaults: Asio's tls_server
#                    context with the Beast example's options, Beast's own
#                    deflate defaults.
#  - Scenarios: echo of the text corpus over 64 connections, without and
#    with permessage-deflate (the client offers it; every server accepts);
#    1 MiB binary echo over 4 connections, without and with deflate; idle:
#    N connections that each echoed one message, held, server VmRSS delta
#    per connection. The report names what each side negotiated (TLS
#    version, cipher suite, group; the extension answer).
# Full run ~6 minutes, --quick < 1 minute. Markdown report to stdout.
set -euo pipefail
script_name=run-tls
# shellcheck source=../lib/processes.sh
source "$(dirname "$0")/../lib/processes.sh"

die() {
  echo "run-tls: $*" >&2
  exit 1
}
[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 BUILD_DIR [--quick]"
[[ -d $1 ]] || die "no build directory '$1'"
build=$(cd "$1" && pwd)
quick=false
if [[ $# -eq 2 ]]; then
  [[ $2 == --quick ]] || die "usage: $0 BUILD_DIR [--quick]"
  quick=true
fi

host_bin=$build/host/wsx-host
plugin=$build/lib/wsx/plugins/wsx_permessage_deflate.so
beast_bin=$build/tests/bench/peers/beast-wss-echo
bench_bin=$build/tests/bench/load/wsx-bench
for binary in "$host_bin" "$beast_bin" "$bench_bin"; do
  [[ -x $binary ]] || die "missing $binary (build it first)"
done
[[ -f $plugin ]] || die "missing $plugin"
command -v openssl >/dev/null || die "needs openssl"
python=$(command -v /usr/bin/python3 || command -v python3) || die "needs python3"
[[ $(nproc) -ge 2 ]] || die "needs 2 CPUs (server on CPU 0, load tool on CPU 1)"

if $quick; then
  pairs=1
  duration=0.5
  idle_connections=300
  idle_hold=0.5
else
  pairs=3
  duration=4
  idle_connections=5000
  idle_hold=2
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fd_limit=$(ulimit -n)
((idle_connections + 64 <= fd_limit)) || idle_connections=$((fd_limit - 64))

work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-run-tls.XXXXXX")
server_pid=""
bench_pid=""
cleanup() {
  [[ -n $bench_pid ]] && kill "$bench_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -KILL "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.err" ||
  die "openssl req failed: $(cat "$work/openssl.err")"

cat >"$work/wsx.toml" <<TOML
[server]
address = "127.0.0.1"
port = 0
io_threads = 1
app = "echo"
log_level = "info"

[server.limits]
max_connections = $((idle_connections + 1000))

[server.tls]
certificate = "cert.pem"
private_key = "key.pem"

[[plugin]]
path = "$plugin"
TOML

proc_kib() {
  awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"
}

# start_server wsx|beast|beast-default: sets server_pid and server_port.
start_server() {
  local log=$work/server.log tries
  rm -f "$log"
  case $1 in
    wsx) taskset -c 0 "$host_bin" --config "$work/wsx.toml" --listen 127.0.0.1:0 >"$log" 2>&1 & ;;
    beast)
      taskset -c 0 "$beast_bin" --cert "$work/cert.pem" --key "$work/key.pem" --port 0 \
        --deflate >"$log" 2>&1 &
      ;;
    beast-default)
      taskset -c 0 "$beast_bin" --cert "$work/cert.pem" --key "$work/key.pem" --port 0 \
        --deflate --beast-defaults >"$log" 2>&1 &
      ;;
  esac
  server_pid=$!
  for ((tries = 0; tries < 200; tries++)); do
    server_port=$(listening_port "$log")
    [[ -n $server_port ]] && return 0
    alive "$server_pid" || break
    sleep 0.05
  done
  die "$1 did not start: $(cat "$log")"
}

records=$work/records.jsonl
clock_ticks=$(getconf CLK_TCK)
bench() {
  timeout 120 taskset -c 1 "$bench_bin" --host 127.0.0.1 --port "$server_port" --tls \
    --ca "$work/cert.pem" "$@"
}

# run_load SCENARIO SERVER WSX-BENCH-ARGS...
run_load() {
  local scenario=$1 server=$2 ticks json
  shift 2
  start_server "$server"
  ticks=$(proc_cpu_ticks "$server_pid")
  bench --duration "$duration" "$@" >"$work/bench.out" 2>"$work/bench.err" ||
    die "$scenario on $server failed: $(cat "$work/bench.out" "$work/bench.err")"
  ticks=$(($(proc_cpu_ticks "$server_pid") - ticks))
  stop_server
  json=$(grep '^{' "$work/bench.out" | tail -n 1)
  printf '{"scenario":"%s","server":"%s","cpu_s":%s,"per_conn":null,"bench":%s}\n' \
    "$scenario" "$server" "$((ticks))/$clock_ticks" "$json" |
    sed "s|\"cpu_s\":\([0-9]*\)/\([0-9]*\)|\"cpu_s\":$("$python" -c "print($ticks / $clock_ticks)")|" \
      >>"$records"
  echo "run-tls: $scenario $server: $json" >&2
}

# run_idle SERVER [WSX-BENCH-ARGS...]: connections that each echoed one
# message, held; the server's VmRSS delta per connection.
run_idle() {
  local server=$1 base ready count tries json
  shift
  start_server "$server"
  base=$(proc_kib "$server_pid" VmRSS)
  rm -f "$work/idle.out"
  bench --scenario idle --connections "$idle_connections" --hold "$idle_hold" "$@" \
    >"$work/idle.out" 2>"$work/idle.err" &
  bench_pid=$!
  count=""
  for ((tries = 0; tries < 2400; tries++)); do
    count=$(sed -n 's/^READY \([0-9]*\)$/\1/p' "$work/idle.out" 2>/dev/null | head -n 1) || true
    [[ -n $count ]] && break
    alive "$bench_pid" || break
    sleep 0.05
  done
  [[ ${count:-0} -eq $idle_connections ]] ||
    die "idle on $server: READY ${count:-never}: $(cat "$work/idle.out" "$work/idle.err")"
  # Past wsx's shrink delay (1 s), as a long-idle connection would be.
  sleep 1.2
  ready=$(proc_kib "$server_pid" VmRSS)
  wait "$bench_pid" || die "idle on $server: wsx-bench failed: $(cat "$work/idle.err")"
  bench_pid=""
  stop_server
  json=$(grep '^{' "$work/idle.out" | tail -n 1)
  printf '{"scenario":"idle","server":"%s","cpu_s":null,"per_conn":%s,"bench":%s}\n' "$server" \
    "$(((ready - base) * 1024 / idle_connections))" "$json" >>"$records"
  echo "run-tls: idle $server: $(((ready - base) * 1024 / idle_connections)) B/connection" >&2
}

servers=(wsx beast beast-default)
started=$(date +%s)
for ((pair = 0; pair < pairs; pair++)); do
  for server in "${servers[@]}"; do
    run_load echo-plain "$server" --scenario echo --connections 64
    run_load echo-deflate "$server" --scenario echo --connections 64 --deflate
    run_load large-plain "$server" --scenario large --connections 4 --size 1048576
    run_load large-deflate "$server" --scenario large --connections 4 --size 1048576 --deflate
    run_idle "$server"
  done
done
elapsed=$(($(date +%s) - started))

cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
"$python" - "$records" "$pairs" "$duration" "$idle_connections" "$elapsed" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "${cpu_model:-unknown}" "$(openssl version)" <<'PY'
import json, statistics, sys
path, pairs, duration, idle_n, elapsed, date, cpu, openssl = sys.argv[1:]
rows = [json.loads(line) for line in open(path)]
SERVERS = ("wsx", "beast", "beast-default")
def runs(scenario, server):
    return [r for r in rows if r["scenario"] == scenario and r["server"] == server]
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
def rate(r):
    return r["bench"]["mb_per_s"] if r["scenario"].startswith("large") else r["bench"]["msgs_per_s"]
def cost(r):
    # µs of server CPU per message (large: per 1 MiB message)
    return 1e6 * r["cpu_s"] / r["bench"]["messages"] if r["bench"]["messages"] else None
def fmt(v, d=0):
    return "-" if v is None else f"{v:,.{d}f}"
def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"
print("# wss:// echo: wsx vs Boost.Beast over asio::ssl\n")
print(f"- {date}; {cpu}; {openssl}; server on CPU 0 (one I/O thread), wsx-bench --tls on "
      f"CPU 1; {pairs} alternating runs of {duration} s per scenario, medians; idle: "
      f"{idle_n} connections after one echo each; whole run {elapsed} s")
print("- beast = beast-wss-echo with TLS and deflate matched to wsx; beast-default = "
      "--beast-defaults (Asio's tls_server context, the Beast example's options, Beast's "
      "deflate defaults)\n")
print("| scenario | unit | wsx | Beast matched | wsx/Beast | Beast defaults | wsx/Beast defaults "
      "| server CPU wsx | Beast | Beast defaults | CPU wsx/Beast | CPU wsx/Beast defaults |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for scenario in ("echo-plain", "echo-deflate", "large-plain", "large-deflate", "idle"):
    if scenario == "idle":
        m = [med([r["per_conn"] for r in runs(scenario, s)]) for s in SERVERS]
        print(f"| idle after one message | bytes/conn | {fmt(m[0])} | {fmt(m[1])} | "
              f"{ratio(m[0], m[1])} | {fmt(m[2])} | {ratio(m[0], m[2])} | - | - | - | - | - |")
        continue
    unit = "MB/s" if scenario.startswith("large") else "msg/s"
    cunit = "µs/msg"
    v = [med([rate(r) for r in runs(scenario, s)]) for s in SERVERS]
    c = [med([cost(r) for r in runs(scenario, s)]) for s in SERVERS]
    d = 1 if unit == "MB/s" else 0
    cd = 0 if scenario.startswith("large") else 2
    print(f"| {scenario} | {unit} | {fmt(v[0], d)} | {fmt(v[1], d)} | {ratio(v[0], v[1])} | "
          f"{fmt(v[2], d)} | {ratio(v[0], v[2])} | {fmt(c[0], cd)} {cunit} | {fmt(c[1], cd)} | "
          f"{fmt(c[2], cd)} | {ratio(c[1] and c[0], c[1])} | {ratio(c[2] and c[0], c[2])} |")
print("\nNegotiated (TLS as wsx-bench saw it; extensions: the server's answer):\n")
for s in SERVERS:
    tls = sorted({r["bench"]["tls"] for r in rows if r["server"] == s})
    ext = sorted({r["bench"]["negotiated"] for r in rows if r["server"] == s and r["bench"]["negotiated"]})
    print(f"- {s}: TLS `{'; '.join(tls)}`; permessage-deflate `{'; '.join(ext) or 'none'}`")
PY
