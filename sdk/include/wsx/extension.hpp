// wsx/extension.hpp -- header-only C++20 sugar over the wsx plugin ABI
// (wsx/extension.h), for the plugin side.
//
// The C header is the contract; this header only makes it pleasant to keep.
// A plugin author writes ordinary C++ classes and one export macro:
//
//   class MyExtension : public wsx::sdk::Extension { ... };   // per connection
//   class MyFactory { ... };          // per token: negotiates, makes extensions
//   class MyPlugin { ... };           // per [[plugin]] entry: config + factories
//   WSX_EXPORT_PLUGIN(MyPlugin)
//
// and this header generates the static descriptor, the extension definitions
// and every C trampoline. At each trampoline it keeps the ABI rules of
// wsx/extension.h for you:
//
//  - rule 2: every struct_size-prefixed input is copied with min(struct_size,
//    sizeof) into a zeroed struct before it is read;
//  - rule 4: output goes into host-owned buffers (BufferWriter), and the
//    extension objects made by your factories are owned by the host until it
//    calls destroy_extension;
//  - rule 5: no exception crosses. Any exception (std::bad_alloc included)
//    becomes WSX_FAIL with close code 1011 (WSX_CLOSE_INTERNAL_ERROR) and its
//    what() text as the error message;
//  - rule 6: factories are reached through a const reference, so a factory
//    that compiles cannot mutate shared state without saying so (`mutable`
//    plus its own synchronisation), since the host calls it from several I/O
//    threads at once.
//
// The pieces live in wsx/sdk/*.hpp, one job each; include only this file.
//
// See sdk/README.md for the guide and sdk/examples/byte_rotate for a complete
// plugin.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/config.hpp>
#include <wsx/sdk/descriptor.hpp>
#include <wsx/sdk/extension_base.hpp>
#include <wsx/sdk/host.hpp>
#include <wsx/sdk/negotiation.hpp>
#include <wsx/sdk/plugin.hpp>

#include <cstdint>
#include <type_traits>

/// Defines the plugin's single exported symbol, `wsx_negotiate_plugin_abi`
/// (WSX_PLUGIN_ENTRY_SYMBOL, of type wsx_negotiate_fn), for the plugin class
/// `PluginClass` (see wsx::sdk::Plugin). Use it exactly once per plugin
/// library, at global scope, followed by a semicolon.
#define WSX_EXPORT_PLUGIN(PluginClass)                                                           \
  extern "C" WSX_PLUGIN_EXPORT wsx_status wsx_negotiate_plugin_abi(                              \
      const wsx_host_info* host, uint32_t* chosen_abi, const wsx_plugin_descriptor** descriptor, \
      wsx_error* error) {                                                                        \
    return ::wsx::sdk::negotiate_abi<PluginClass>(host, chosen_abi, descriptor, error);          \
  }                                                                                              \
  static_assert(std::is_same_v<decltype(&wsx_negotiate_plugin_abi), ::wsx_negotiate_fn>,         \
                "the entry symbol must match wsx_negotiate_fn")
