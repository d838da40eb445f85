// [server.proxy] -> the net::ProxyRoute a proxying wsx::Server forwards
// with: the upstream resolved once, its timeouts, the client-role factories
// offered to it, and the request builder (proxy_upstream_request.hpp).
#pragma once

#include "config/proxy_config.hpp"
#include "core/extensions/extension_factory.hpp"
#include "net/proxy_route.hpp"

namespace wsx::app {

// Throws config::ConfigError for an extension no loaded plugin offers
// (proxy_upstream_factories.hpp) and std::runtime_error naming the upstream
// when its host does not resolve, and for a wss:// upstream's TLS files
// (proxy_upstream_tls.hpp).
[[nodiscard]] net::ProxyRoute proxy_route_from_config(const config::Proxy& proxy,
                                                      const core::FactoryList& client_factories,
                                                      bool client_uses_tls);

}  // namespace wsx::app
