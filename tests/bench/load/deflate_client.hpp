// The permessage-deflate client role, loaded from the plugin (.so) through
// host/plugins exactly as wsx-host loads it, and configured so that its offer
// carries the parameters given on the command line (RFC 7692 section 7.1):
//
//   client_max_window_bits[=N]   -> plugin param client_max_window_bits (N, or 15 =
//                                   bare; the plugin always offers it, bare if absent here)
//   server_max_window_bits=N     -> plugin param server_max_window_bits
//   server_no_context_takeover   -> plugin param server_no_context_takeover
//   client_no_context_takeover   -> plugin param client_no_context_takeover
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/extension_chain.hpp"
#include "core/extension_factory.hpp"
#include "core/log.hpp"
#include "plugins/plugin_set.hpp"

namespace wsx::bench {

class DeflateClient {
 public:
  // Loads `plugin_file` with the plugin params that make `offer_params`.
  // Throws std::runtime_error (bad params, plugin refused) with a message.
  DeflateClient(const std::string& plugin_file, std::string_view offer_params);

  [[nodiscard]] const core::FactoryList& factories() const noexcept {
    return plugins_.client_factories();
  }
  // The Sec-WebSocket-Extensions value our requests carry.
  [[nodiscard]] const std::string& offer_header() const noexcept { return offer_header_; }

  // The chain a server accepting our offer as it stands would give us, and
  // that response's header value: for raw-echo, which sends the frames an
  // echo run would send without any handshake. Throws std::runtime_error.
  [[nodiscard]] core::ExtensionChain accept_own_offer(std::string* response_header) const;

 private:
  // Declared first: the plugins log through it until they are unloaded.
  std::unique_ptr<Logger> logger_;
  plugins::PluginSet plugins_;
  std::string offer_header_;
};

// The plugin built next to wsx-bench (set by CMake), or "" if unknown.
[[nodiscard]] std::string default_plugin_path();

}  // namespace wsx::bench
