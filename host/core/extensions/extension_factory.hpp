// The core's view of an extension factory: one C ABI extension definition
// bound to a configured plugin instance. host/plugins builds these from loaded
// libraries; tests build them from in-process definitions. The core never
// loads anything itself (DESIGN.md: core -> sdk only).
#pragma once

#include <wsx/extension.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wsx::core {

struct ExtensionFactory {
  // Token as declared by the plugin (compared case-insensitively).
  std::string token;
  // The plugin's name, for the negotiation trace and logs.
  std::string plugin_name;
  // The plugin's version string, for crash reports.
  std::string plugin_version;
  // RSV bits (WSX_RSV*) the extension's frames may carry.
  std::uint8_t rsv_bits = 0;
  // The definition, normalised: copied with min(struct_size) into a zeroed
  // struct (ABI rule 2), so fields unknown to an older plugin read as null.
  wsx_extension_def def{};
  // The configured plugin instance passed as `plugin` to the factory calls.
  void* plugin = nullptr;
  // Keeps the plugin instance and its library alive while any extension made
  // through this factory lives (a reloaded config must not unmap a library
  // that open connections still use). For a factory bound to a thread
  // (thread_contexts.hpp) it also keeps that thread's context alive.
  std::shared_ptr<const void> keepalive;
  // The plugin's per-thread context hooks (wsx_plugin_descriptor, ABI rule
  // 7); null when the plugin has none or predates them.
  wsx_status (*thread_create)(void* plugin, const wsx_thread_info* thread,
                              void** out_thread_context, wsx_error* error) = nullptr;
  void (*thread_destroy)(void* plugin, void* thread_context) = nullptr;
  // Set only on a factory bound to one I/O thread: the context handed to
  // the factory calls (wsx_server_offer.thread_context). Owned by the
  // plugin; destroyed through keepalive.
  void* thread_context = nullptr;
};

// The factories available for one role, in config order.
using FactoryList = std::vector<std::shared_ptr<const ExtensionFactory>>;

}  // namespace wsx::core
