// The permessage-deflate plugin entry whose client offer carries the
// parameters given on the command line (RFC 7692 section 7.1):
//
//   client_max_window_bits[=N]   -> plugin param client_max_window_bits (N, or 15 =
//                                   bare; the plugin always offers it, bare if absent here)
//   server_max_window_bits=N     -> plugin param server_max_window_bits
//   server_no_context_takeover   -> plugin param server_no_context_takeover
//   client_no_context_takeover   -> plugin param client_no_context_takeover
#pragma once

#include <string>
#include <string_view>

#include "config/config.hpp"

namespace wsx::bench {

// The [[plugin]] entry loading `plugin_file` with the params that make
// `offer_params`. Throws std::runtime_error (bad params, no file) with a message.
[[nodiscard]] config::PluginEntry deflate_plugin_entry(const std::string& plugin_file,
                                                       std::string_view offer_params);

// The plugin built next to wsx-bench (set by CMake), or "" if unknown.
[[nodiscard]] std::string default_plugin_path();

}  // namespace wsx::bench
