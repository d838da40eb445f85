#!/usr/bin/env bash
# Proxy benchmark (issue 9 part 4): wsx-host as a WebSocket proxy against
# nginx as one, both in front of the same plain echo upstream (the Beast echo
# peer, no permessage-deflate), driven by wsx-bench over loopback.
#
#   tests/bench/proxy/run-proxy.sh BUILD_DIR [--quick]
#
# Method
#  - The proxy under test (wsx-host app = "proxy", one I/O thread; or nginx
#    1.22, one worker, master_process off so one process does all the work)
#    is pinned to CPU 0; the upstream and wsx-bench share CPU 1. Both
#    proxies see the same upstream and the same load, so the ratio holds
#    even when CPU 1 is what saturates; server CPU per message is the
#    steadier figure (the proxy process's user + system time / messages).
#  - Alternating runs (wsx, nginx, wsx, nginx, ...), a fresh proxy each run,
#    medians reported.
#  - Scenarios: small-message echo over 64 connections, no extension on
#    either side ("plain", both proxies); then the client offers
#    permessage-deflate and wsx terminates it with its plugin while the
#    upstream stays plain ("deflate at wsx"). nginx has no counterpart: it
#    only passes the offer on, and this upstream declines it. The report
#    says what each client negotiated.
# Full run ~3 minutes, --quick < 1 minute. Markdown report to stdout.
set -euo pipefail
script_name=run-proxy
# shellcheck source=../lib/processes.sh
source "$(dirname "$0")/../lib/processes.sh"

die() {
  echo "run-proxy: $*" >&2
  exit 1
}
[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 BUILD_DIR [--quick]"
build=$(cd "$1" && pwd)
quick=false
[[ ${2:-} == --quick ]] && quick=true

host_bin=$build/host/wsx-host
plugin=$build/lib/wsx/plugins/wsx_permessage_deflate.so
beast_bin=$build/tests/bench/peers/beast-echo
bench_bin=$build/tests/bench/load/wsx-bench
for binary in "$host_bin" "$beast_bin" "$bench_bin"; do
  [[ -x $binary ]] || die "missing $binary (build it first)"
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || die "needs nginx (apt-get install nginx)"
python=$(command -v /usr/bin/python3 || command -v python3) || die "needs python3"
[[ $(nproc) -ge 2 ]] || die "needs 2 CPUs"

if $quick; then
  pairs=2
  duration=1
else
  pairs=4
  duration=5
fi
connections=64

work=$(mktemp -d "${TMPDIR:-/tmp}/wsx-run-proxy.XXXXXX")
server_pid=""
upstream_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -KILL "$server_pid" 2>/dev/null || true
  [[ -n $upstream_pid ]] && kill -KILL "$upstream_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
  local tries
  for ((tries = 0; tries < 200; tries++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

# The upstream: Beast's echo, plain, on CPU 1 for the whole run.
taskset -c 1 "$beast_bin" --port 0 >"$work/upstream.log" 2>&1 &
upstream_pid=$!
for ((tries = 0; tries < 200; tries++)); do
  upstream_port=$(listening_port "$work/upstream.log")
  [[ -n $upstream_port ]] && break
  sleep 0.05
done
[[ -n ${upstream_port:-} ]] || die "the upstream did not start: $(cat "$work/upstream.log")"

proxy_port=$(free_port)
cat >"$work/wsx.toml" <<TOML
[server]
address = "127.0.0.1"
port = $proxy_port
io_threads = 1
app = "proxy"
log_level = "warning"

[server.proxy]
upstream = "ws://127.0.0.1:$upstream_port/"

[[plugin]]
path = "$plugin"
TOML

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
# One worker and no master: the process measured does all of nginx's work.
worker_processes 1;
master_process off;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      # nginx's documented WebSocket proxying: HTTP/1.1 and the hop-by-hop
      # Upgrade/Connection fields passed on explicitly.
      proxy_pass http://127.0.0.1:$upstream_port;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 120s;
    }
  }
}
NGINX

start_proxy() {
  case $1 in
    wsx) taskset -c 0 "$host_bin" --config "$work/wsx.toml" >"$work/proxy.log" 2>&1 & ;;
    nginx) taskset -c 0 "$nginx_bin" -c "$work/nginx.conf" -p "$work/nginx" >"$work/proxy.log" 2>&1 & ;;
  esac
  server_pid=$!
  wait_port "$proxy_port" || die "$1 did not start: $(cat "$work/proxy.log" "$work/nginx/error.log" 2>/dev/null)"
}

records=$work/records.jsonl
clock_ticks=$(getconf CLK_TCK)
run_one() {
  local scenario=$1 proxy=$2 ticks json
  shift 2
  start_proxy "$proxy"
  ticks=$(proc_cpu_ticks "$server_pid")
  timeout $((duration + 60)) taskset -c 1 "$bench_bin" --host 127.0.0.1 --port "$proxy_port" \
    --scenario echo --connections "$connections" --duration "$duration" "$@" \
    >"$work/bench.out" 2>"$work/bench.err" || die "wsx-bench failed on $proxy: $(cat "$work/bench.err")"
  ticks=$(($(proc_cpu_ticks "$server_pid") - ticks))
  stop_server
  json=$(grep '^{' "$work/bench.out" | tail -n 1)
  printf '{"scenario":"%s","proxy":"%s","cpu_s":%s,"bench":%s}\n' "$scenario" "$proxy" \
    "$("$python" -c "import sys; print(int(sys.argv[1]) / int(sys.argv[2]))" "$ticks" "$clock_ticks")" \
    "$json" >>"$records"
  echo "run-proxy: $scenario $proxy done" >&2
}

for ((pair = 0; pair < pairs; pair++)); do
  for proxy in wsx nginx; do run_one plain "$proxy"; done
  run_one "deflate at wsx" wsx --deflate
done

"$python" - "$records" "$pairs" "$duration" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
pairs, duration = sys.argv[2], sys.argv[3]
def med(values):
    return statistics.median(values) if values else float("nan")
print(f"# wsx proxy vs nginx proxy, echo upstream (Beast, plain), 64 connections\n")
print(f"{pairs} alternating runs of {duration} s each, medians. Proxy on CPU 0; upstream and "
      "wsx-bench on CPU 1.\n")
print("| scenario | proxy | negotiated by the client | msg/s | proxy CPU µs/msg | p50 µs |")
print("|---|---|---|---:|---:|---:|")
summary = {}
for scenario, proxy in (("plain", "wsx"), ("plain", "nginx"), ("deflate at wsx", "wsx")):
    if True:
        runs = [r for r in rows if r["scenario"] == scenario and r["proxy"] == proxy]
        rate = med([r["bench"]["msgs_per_s"] for r in runs])
        cpu = med([1e6 * r["cpu_s"] / max(r["bench"]["messages"], 1) for r in runs])
        p50 = med([r["bench"]["p50_us"] for r in runs])
        negotiated = (runs[0]["bench"]["negotiated"] or "none") if runs else "?"
        summary[(scenario, proxy)] = (rate, cpu)
        print(f"| {scenario} | {proxy} | {negotiated} | {rate:,.0f} | {cpu:.2f} | {p50:.0f} |")
print()
(wr, wc), (nr, nc) = summary[("plain", "wsx")], summary[("plain", "nginx")]
dr, dc = summary[("deflate at wsx", "wsx")]
print(f"- plain: wsx/nginx msg/s = {wr / nr:.2f}x; proxy CPU per message wsx/nginx = {wc / nc:.2f}x")
print(f"- deflate offloaded by wsx: {dr / wr:.2f}x wsx plain's msg/s, {dc / wc:.2f}x its CPU "
      f"per message ({dc / nc:.2f}x nginx plain's)")
PY
