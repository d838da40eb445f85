// What wsx-host's [server] table means for a wsx::Server: the one place
// where the parsed TOML (host/config) meets the network layer's options
// (host/net), so neither of those two depends on the other.
#pragma once

#include "config/config.hpp"
#include "net/server_limits.hpp"
#include "net/server_options.hpp"

namespace wsx::app {

[[nodiscard]] ServerLimits server_limits_from_config(const config::Limits& limits);
[[nodiscard]] TlsSettings tls_settings_from_config(const config::Tls& tls);
// Loads [server.tls]'s files; a bad one becomes a ConfigError positioned on
// the key that names it ("wsx.toml:14:15: server.tls.private_key: ...").
[[nodiscard]] TlsContext load_tls_context(const config::Tls& tls);
// Without [server.tls] options.tls stays null (ws://); with it the TLS
// context is built here, so a bad file fails before anything listens
// (throws TlsError naming the file).
[[nodiscard]] ServerOptions server_options_from_config(const config::Server& server);

}  // namespace wsx::app
