#!/usr/bin/env bash
# Builds sdk/examples/byte_rotate exactly as a third party would: install the
# SDK component of a wsx build tree into a fresh prefix, configure the example
# with find_package(wsx-sdk) against that prefix only, build it, check its
# exports, and let wsx-host inspect the result.
#
# usage: out_of_tree.sh <wsx-build-dir> <example-src-dir> <work-dir> <wsx-host>
# The environment passes the toolchain: CMAKE (the cmake binary), GENERATOR,
# MAKE_PROGRAM, CXX, and CHECK_EXPORTS (check_exports.sh).
set -euo pipefail
wsx_build=$1 example=$2 work=$3 wsx_host=$4

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)  # CMAKE_PREFIX_PATH must not be relative
prefix=$work/prefix
build=$work/build

echo "== install the wsx-sdk component into $prefix"
"$CMAKE" --install "$wsx_build" --prefix "$prefix" --component wsx-sdk
for file in include/wsx/extension.h include/wsx/extension.hpp include/wsx/testing/host.hpp \
            lib/cmake/wsx-sdk/wsx-sdkConfig.cmake lib/cmake/wsx-sdk/wsx-sdkConfigVersion.cmake; do
  [[ -f "$prefix/$file" ]] || { echo "FAIL: $prefix/$file was not installed" >&2; exit 1; }
done
# Only the SDK and its checker: installing it must not drag the host along.
extra_bins=$(find "$prefix/bin" -mindepth 1 ! -name wsx-plugin-check 2>/dev/null || true)
if [[ -n "$extra_bins" ]]; then
  echo "FAIL: the wsx-sdk component installed more than wsx-plugin-check: $extra_bins" >&2
  exit 1
fi
[[ -x "$prefix/bin/wsx-plugin-check" ]] || { echo "FAIL: wsx-plugin-check was not installed" >&2; exit 1; }

echo "== configure and build the example against the prefix"
# Strict warnings: third parties compile extension.hpp with their own flags.
"$CMAKE" -S "$example" -B "$build" -G "$GENERATOR" -DCMAKE_MAKE_PROGRAM="$MAKE_PROGRAM" \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Werror" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
found=$(sed -n 's/^wsx-sdk_DIR:PATH=//p' "$build/CMakeCache.txt")
if [[ "$found" != "$prefix/lib/cmake/wsx-sdk" ]]; then
  echo "FAIL: find_package(wsx-sdk) used '$found', not the fresh prefix" >&2
  exit 1
fi
"$CMAKE" --build "$build"
plugin=$build/byte_rotate.so
[[ -f "$plugin" ]] || { echo "FAIL: $plugin was not built" >&2; exit 1; }

echo "== the example's own tests (wsx/testing/host.hpp from the prefix)"
[[ -x "$build/byte_rotate_test" ]] || { echo "FAIL: byte_rotate_test was not built" >&2; exit 1; }
"${CTEST:-ctest}" --test-dir "$build" --output-on-failure
echo "== wsx-plugin-check from the prefix"
"$prefix/bin/wsx-plugin-check" "$plugin" --seconds 1
echo "== exports"
"$CHECK_EXPORTS" "$plugin"

echo "== wsx-host --check-plugin"
set +e
output=$("$wsx_host" --check-plugin "$plugin" 2>&1)
status=$?
set -e
echo "$output"
if [[ $status -ne 0 ]]; then
  echo "FAIL: wsx-host --check-plugin exited with $status" >&2
  exit 1
fi
if ! grep -q 'x-byte-rotate' <<<"$output"; then
  echo "FAIL: wsx-host --check-plugin output does not name x-byte-rotate" >&2
  exit 1
fi
echo "ok"
