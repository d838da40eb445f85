# wsx_add_plugin(<name> <sources>...)
#
# Builds a wsx extension plugin: a MODULE library named <name>.so (no "lib"
# prefix) that links only the SDK (wsx::sdk), hides every symbol but the entry
# symbol wsx_negotiate_plugin_abi (ABI rule 3), and has no undefined symbols
# left for the host to provide (the host loads plugins with RTLD_LOCAL).
# When WSX_PLUGIN_OUTPUT_DIR is defined, the library is written there.
#
# The same file serves the wsx tree (included by sdk/CMakeLists.txt) and
# third parties (included by the installed wsx-sdkConfig.cmake).
function(wsx_add_plugin name)
  if(NOT ARGN)
    message(FATAL_ERROR "wsx_add_plugin(${name}): no sources given")
  endif()
  add_library(${name} MODULE ${ARGN})
  # A plugin runs on the host's hot path: with no build type CMake adds no
  # optimisation flag at all, so default to what Release would give.
  if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
    target_compile_options(${name} PRIVATE -O2)
    target_compile_definitions(${name} PRIVATE NDEBUG)
  endif()
  target_link_libraries(${name} PRIVATE wsx::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(NOT APPLE AND NOT WIN32)
    # Visibility hides our own symbols; the version script also hides the
    # std:: template instances that libstdc++ marks default-visible.
    set(version_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/wsx-plugin.map")
    target_link_options(${name} PRIVATE "LINKER:--version-script=${version_script}")
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${version_script}")

    # A plugin must not depend on symbols from the host (RTLD_LOCAL load).
    # Exception: clang's sanitizer and libFuzzer runtimes live in the
    # executable only, so an instrumented plugin legitimately leaves their
    # __asan_*/__sanitizer_* symbols for the host to resolve.
    get_directory_property(directory_options COMPILE_OPTIONS)
    set(all_flags "${CMAKE_C_FLAGS} ${CMAKE_CXX_FLAGS} ${directory_options}")
    if(NOT all_flags MATCHES "-fsanitize=")
      target_link_options(${name} PRIVATE "LINKER:--no-undefined")
    endif()
  endif()
  if(DEFINED WSX_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${WSX_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
