#!/usr/bin/env bash
# The whole benchmark suite (issue 5) in one command:
#
#   tests/bench/run-all.sh BUILD_DIR [--quick]
#
#  1. run-ab.sh: wsx against Boost.Beast scenario by scenario, with the
#     socket and zlib limits (about 6.5 minutes; --quick about 1.5);
#  2. chain/run-chain.sh: echo through 4 pass-through plugin extensions
#     against none (about 40 s; --quick 15 s);
#  3. wsx-micro-bench: the Google Benchmark micro-benchmarks (about 40 s;
#     --quick a few seconds), as a markdown table of CPU time per iteration.
# Under 10 minutes in all on this project's 2-core VM. Builds nothing:
# BUILD_DIR is a release build (`cmake --preset release && cmake --build
# --preset release`). Progress goes to stderr, one markdown report to
# stdout. Exit status: 0 when every part completed (whatever the ratios), 1
# when one failed, 2 on bad usage.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--quick]" >&2
  exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
[[ -d $1 ]] || {
  echo "run-all: no build directory '$1'" >&2
  exit 1
}
[[ $# -eq 1 || $2 == --quick ]] || usage
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
quick=()
min_time=0.2
if [[ $# -eq 2 ]]; then
  quick=(--quick)
  min_time=0.01
fi
micro_bin=$build/tests/bench/micro/wsx-micro-bench
[[ -x $micro_bin ]] || {
  echo "run-all: missing $micro_bin (build target wsx-micro-bench)" >&2
  exit 1
}
python=$(command -v /usr/bin/python3 || command -v python3) || {
  echo "run-all: needs python3" >&2
  exit 1
}

started=$(date +%s)
"$here/run-ab.sh" "$build" "${quick[@]+"${quick[@]}"}"
echo
"$here/chain/run-chain.sh" "$build" "${quick[@]+"${quick[@]}"}"
echo
echo "# Micro-benchmarks (wsx-micro-bench --benchmark_min_time=$min_time)"
echo
echo "Pinned to CPU 0. CPU time per iteration; rates as Google Benchmark"
echo "computes them from CPU time. tests/bench/micro/README.md says what each"
echo "row measures."
echo
micro_json=$(mktemp "${TMPDIR:-/tmp}/wsx-run-all.XXXXXX")
trap 'rm -f "$micro_json"' EXIT
echo "run-all: wsx-micro-bench" >&2
taskset -c 0 "$micro_bin" --benchmark_min_time="$min_time" --benchmark_format=json \
  >"$micro_json"
"$python" - "$micro_json" <<'PYTHON'
import json, sys

report = json.load(open(sys.argv[1]))
print("| benchmark | CPU time | rate | counters |")
print("|---|---:|---:|---|")
skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads",
        "iterations", "real_time", "cpu_time", "time_unit", "family_index",
        "per_family_instance_index", "aggregate_name", "bytes_per_second",
        "items_per_second", "label", "error_occurred", "error_message"}
for row in report["benchmarks"]:
    if row.get("error_occurred"):
        print(f"| {row['name']} | ERROR | | {row.get('error_message', '')} |")
        continue
    rate = ""
    if "bytes_per_second" in row:
        rate = f"{row['bytes_per_second'] / 1e9:.2f} GB/s"
    elif "items_per_second" in row:
        rate = f"{row['items_per_second'] / 1e6:.2f} M/s"
    counters = ", ".join(f"{k}={v:.3g}" for k, v in row.items()
                         if k not in skip and isinstance(v, (int, float)))
    print(f"| {row['name']} | {row['cpu_time']:.1f} {row['time_unit']} | {rate} | {counters} |")
PYTHON
echo
echo "Whole suite: $(($(date +%s) - started)) s."
