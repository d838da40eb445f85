// [server.proxy] ca/certificate/private_key -> the TLS client context for a
// wss:// upstream (net/tls_client_context.hpp). Used by the running host
// and by --check-config, so both load the files the same way.
#pragma once

#include "config/proxy_config.hpp"
#include "net/tls_context.hpp"

namespace wsx::app {

// Null for a ws:// upstream. Throws config::ConfigError pointing at the key
// whose file cannot be loaded (or whose key does not match).
[[nodiscard]] TlsContextPtr load_upstream_tls_context(const config::Proxy& proxy);

}  // namespace wsx::app
