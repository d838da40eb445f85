// The extensions wsx-bench offers: plugins (.so) loaded through host/plugins
// exactly as wsx-host loads them, in the client role. Their offers go into
// Sec-WebSocket-Extensions in load order (RFC 6455 section 9.1: the order of
// the offer is the client's preference; the server's response order is the
// order the chain applies them in).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/extensions/extension_chain.hpp"
#include "core/extensions/extension_factory.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"

namespace wsx::bench {

class ClientExtensions {
 public:
  // Loads `entries` in order. Throws std::runtime_error (or PluginError) if a
  // plugin fails to load, provides no client role, or makes no offer.
  explicit ClientExtensions(std::vector<config::PluginEntry> entries);

  [[nodiscard]] const core::FactoryList& factories() const noexcept {
    return plugins_.client_factories();
  }
  // The Sec-WebSocket-Extensions value our requests carry.
  [[nodiscard]] const std::string& offer_header() const noexcept { return offer_header_; }
  // How many extensions the offer lists: a run fails unless the server
  // accepts every one of them.
  [[nodiscard]] std::size_t offered_count() const noexcept { return offered_count_; }

  // The chain a server accepting our offer as it stands would give us, and
  // that response's header value: for raw-echo, which sends the frames an
  // echo run would send without any handshake. Throws std::runtime_error.
  [[nodiscard]] core::ExtensionChain accept_own_offer(std::string* response_header) const;

 private:
  // Declared first: the plugins log through it until they are unloaded.
  std::unique_ptr<Logger> logger_;
  loader::PluginSet plugins_;
  std::string offer_header_;
  std::size_t offered_count_ = 0;
};

// The [[plugin]] entry of an --extension-plugin PATH (no params).
[[nodiscard]] config::PluginEntry extension_plugin_entry(const std::string& plugin_file);

}  // namespace wsx::bench
