#include "app/proxy_upstream_factories.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "config/config_error.hpp"

namespace wsx::app {

namespace {

// Extension tokens compare case-insensitively (RFC 6455 section 9.1).
bool same_token(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

core::FactoryList upstream_offer_factories(const config::Proxy& proxy,
                                           const core::FactoryList& client_factories) {
  core::FactoryList chosen;
  for (std::size_t i = 0; i < proxy.extensions.size(); ++i) {
    const std::string& name = proxy.extensions[i];
    const auto match =
        std::find_if(client_factories.begin(), client_factories.end(),
                     [&](const auto& factory) { return same_token(factory->token, name); });
    if (match != client_factories.end()) {
      chosen.push_back(*match);
      continue;
    }
    std::string available;
    for (const auto& factory : client_factories) {
      if (!available.empty()) available += ", ";
      available += factory->token + " (" + factory->plugin_name + ")";
    }
    const config::SourcePosition where = i < proxy.extension_positions.size()
                                             ? proxy.extension_positions[i]
                                             : config::SourcePosition{};
    throw config::ConfigError(
        where, "server.proxy.extensions[" + std::to_string(i) + "]: no loaded plugin provides \"" +
                   name + "\" as a client extension; " +
                   (available.empty() ? std::string("no plugin with a client role is loaded: add "
                                                    "its [[plugin]] entry, or use extensions = []")
                                      : "loaded client extensions: " + available));
  }
  return chosen;
}

}  // namespace wsx::app
