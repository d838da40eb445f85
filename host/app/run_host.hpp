// wsx-host's run path: build the server from the Config and the loaded
// plugins, install the configured app, handle signals (SIGINT/SIGTERM stop
// gracefully, SIGHUP reloads the config file and plugins), and run until
// stopped.
#pragma once

#include "config/config.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"

namespace wsx::app {

// Returns the process exit status: 0 after a graceful shutdown, 1 when the
// server cannot start (e.g. the address cannot be bound).
[[nodiscard]] int run_host(const config::Config& config, const loader::PluginSet& plugins,
                           Logger& logger);

}  // namespace wsx::app
