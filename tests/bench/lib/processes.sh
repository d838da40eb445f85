# Process helpers shared by the benchmark scripts (run-ab.sh,
# chain/run-chain.sh, smoke.sh). Sourced, not run. The caller sets `work`
# (its temporary folder) and `script_name` (the prefix of its messages), and
# keeps the server it started in `server_pid`.

# True while $1 runs (a zombie counts as gone: it no longer serves).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Prints the port of the "listening on 127.0.0.1:PORT" line of log $1 (a
# wsx-host log line with its timestamp, or a peer's bare line), or nothing
# yet: the log may not exist, since the background job creates it.
listening_port() {
  sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null | head -n 1 ||
    true
}

# Stops the server (SIGTERM, then SIGKILL after 5 s) and reaps it.
stop_server() {
  local tries
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for ((tries = 0; tries < 100; tries++)); do
    alive "$server_pid" || break
    sleep 0.05
  done
  if alive "$server_pid"; then
    echo "$script_name: server $server_pid ignored SIGTERM for 5 s; killing it" >&2
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# CPU ticks (user + system) of process $1 so far: fields 14 and 15 of
# /proc/PID/stat (the name, field 2, has no spaces here).
proc_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# Sets children_cpu to the user + system seconds of this shell's reaped
# children: line 2 of the builtin `times`, which must run in this shell (not
# in a $(...) subshell), hence the file. A server is reaped only by
# stop_server, so between two readings taken while it runs the delta is
# the load tool's (and taskset's and timeout's).
children_cpu_seconds() {
  times >"$work/times"
  children_cpu=$(sed -n 2p "$work/times" | awk '{
    total = 0
    for (i = 1; i <= 2; i++) { split($i, part, "m"); total += part[1] * 60 + part[2] }
    printf "%.3f\n", total }')
}
