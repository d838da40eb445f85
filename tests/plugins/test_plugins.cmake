# The list of test plugins, shared by tests/plugins/CMakeLists.txt (which
# builds them) and the test binaries that load them (tests/unit/loader,
# tests/unit/cli), which may be configured before tests/plugins.
#
# Each entry is "<suffix>;<compile definitions of variant_plugin.c>...": it
# builds wsx_test_<suffix>.so. wsx_test_pass (pass_plugin.c) is the good one.
set(WSX_TEST_PLUGIN_VARIANTS
  "valid\;VARIANT_NONE"
  "version_two\;VARIANT_VERSION_TWO"
  "crash_decode\;VARIANT_CRASH_DECODE"
  "no_entry\;VARIANT_NO_ENTRY"
  "refuse_abi\;VARIANT_REFUSE_ABI"
  "abi_v2\;VARIANT_ABI_VERSION_2"
  "abi_v0\;VARIANT_ABI_VERSION_0"
  "small_descriptor\;VARIANT_SMALL_DESCRIPTOR"
  "empty_name\;VARIANT_EMPTY_NAME"
  "null_version\;VARIANT_NULL_VERSION"
  "no_extensions\;VARIANT_NO_EXTENSIONS"
  "null_extension\;VARIANT_NULL_EXTENSION"
  "token_space\;VARIANT_TOKEN_WITH_SPACE"
  "token_comma\;VARIANT_TOKEN_WITH_COMMA"
  "no_roles\;VARIANT_NO_ROLES"
  "unknown_role\;VARIANT_UNKNOWN_ROLE"
  "bad_rsv\;VARIANT_BAD_RSV"
  "no_server_negotiate\;VARIANT_NO_SERVER_NEGOTIATE"
  "no_client_accept\;VARIANT_NO_CLIENT_ACCEPT"
  "no_encode\;VARIANT_NO_ENCODE"
  "no_create\;VARIANT_NO_CREATE"
  "dup_server_a\;VARIANT_DUPLICATE_TOKEN"
  "dup_server_b\;VARIANT_DUPLICATE_TOKEN"
  "dup_client\;VARIANT_DUPLICATE_TOKEN\;VARIANT_CLIENT_ONLY"
  "thread_create_only\;VARIANT_THREAD_CREATE_ONLY")

# wsx_use_test_plugins(<target>): gives <target> one compile definition per
# test plugin, WSX_TEST_PLUGIN_<SUFFIX>="<path of the .so>" (e.g.
# WSX_TEST_PLUGIN_PASS, WSX_TEST_PLUGIN_NO_ENTRY), and builds them first.
function(wsx_use_test_plugins target)
  # pass_v1: pass_plugin.c built against the ABI 1 header as first released
  # (abi_v1_header/, before per-thread contexts were appended).
  # thread_context: a plugin with per-thread contexts (thread_context_plugin.c).
  set(suffixes pass pass_v1 thread_context)
  foreach(variant IN LISTS WSX_TEST_PLUGIN_VARIANTS)
    list(GET variant 0 suffix)
    list(APPEND suffixes ${suffix})
  endforeach()
  foreach(suffix IN LISTS suffixes)
    string(TOUPPER ${suffix} upper)
    target_compile_definitions(${target} PRIVATE
      "WSX_TEST_PLUGIN_${upper}=\"$<TARGET_FILE:wsx_test_${suffix}>\"")
    add_dependencies(${target} wsx_test_${suffix})
  endforeach()
endfunction()
