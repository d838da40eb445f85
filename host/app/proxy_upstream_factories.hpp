// [server.proxy] extensions -> the client-role factories wsx offers the
// upstream with, in the listed order (issue 9 part 2: the upstream side is a
// separate negotiation in which wsx acts as the client).
#pragma once

#include "config/proxy_config.hpp"
#include "core/extensions/extension_factory.hpp"

namespace wsx::app {

// Throws config::ConfigError at the name's position when no loaded plugin
// provides that token in the client role; the message lists those that do.
[[nodiscard]] core::FactoryList upstream_offer_factories(const config::Proxy& proxy,
                                                         const core::FactoryList& client_factories);

}  // namespace wsx::app
