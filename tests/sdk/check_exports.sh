#!/usr/bin/env bash
# usage: check_exports.sh <plugin.so>
# ABI rule 3: a plugin exports exactly one function, the entry symbol.
set -euo pipefail
plugin=$1
[[ -f "$plugin" ]] || { echo "no such plugin: $plugin" >&2; exit 1; }
# nm -D --defined-only lines are "<address> <type> <name>"; function types are
# T/t (text), W/w (weak), i (indirect).
functions=$(nm -D --defined-only "$plugin" | awk '$2 ~ /^[TtWwi]$/ { print $3 }' | sort)
if [[ "$functions" != "wsx_negotiate_plugin_abi" ]]; then
  echo "FAIL: $plugin must export only wsx_negotiate_plugin_abi; exported functions:" >&2
  echo "${functions:-<none>}" >&2
  exit 1
fi
echo "ok: $plugin exports only wsx_negotiate_plugin_abi"
