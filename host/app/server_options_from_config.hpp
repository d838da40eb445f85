// What wsx-host's [server] table means for a wsx::Server: the one place
// where the parsed TOML (host/config) meets the network layer's options
// (host/net), so neither of those two depends on the other.
#pragma once

#include "config/config.hpp"
#include "net/server_limits.hpp"
#include "net/server_options.hpp"

namespace wsx::app {

[[nodiscard]] ServerLimits server_limits_from_config(const config::Limits& limits);
[[nodiscard]] ServerOptions server_options_from_config(const config::Server& server);

}  // namespace wsx::app
