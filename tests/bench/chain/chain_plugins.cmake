# Four pass-through extension plugins for the chain benchmark (issue 5):
# wsx_chain_pass_1 .. wsx_chain_pass_4, one build of chain_pass_plugin.c each,
# with the tokens x-chain-pass-1 .. x-chain-pass-4 (distinct tokens: a host
# loads one plugin per token and role). Built by the SDK's own
# wsx_add_plugin(), like any third-party plugin, and written to
# <build>/tests/bench/chain/ -- not to the shipped plugin folder.
#
# Included by tests/bench/load/CMakeLists.txt (wsx-bench depends on them, so
# building wsx-bench builds them); run-chain.sh finds them there.
set(WSX_CHAIN_PLUGIN_COUNT 4)
set(WSX_CHAIN_PLUGIN_DIR "${CMAKE_BINARY_DIR}/tests/bench/chain")
set(WSX_CHAIN_PLUGINS "")
foreach(index RANGE 1 ${WSX_CHAIN_PLUGIN_COUNT})
  set(target wsx_chain_pass_${index})
  wsx_add_plugin(${target} "${CMAKE_CURRENT_LIST_DIR}/chain_pass_plugin.c")
  target_compile_definitions(${target} PRIVATE WSX_CHAIN_TOKEN="x-chain-pass-${index}")
  set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${WSX_CHAIN_PLUGIN_DIR}")
  list(APPEND WSX_CHAIN_PLUGINS ${target})
endforeach()
