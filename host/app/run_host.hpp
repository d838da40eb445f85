// wsx-host's run path: build the server from the Config and the loaded
// plugins, install the configured app, handle signals (SIGINT/SIGTERM stop
// gracefully, SIGHUP reloads the config file and plugins), and run until
// stopped.
#pragma once

#include <optional>

#include "config/config.hpp"
#include "config/listen_address.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"

namespace wsx::app {

// Returns the process exit status: 0 after a graceful shutdown, 1 when the
// server cannot start (e.g. the address cannot be bound). `listen_override`
// is the --listen HOST:PORT the caller already applied to `config`; SIGHUP
// applies it again to the file it rereads, so the override counts as part of
// the running config and not as a change that needs a restart.
// The host takes `plugins` and lets go of it once the server holds its
// factories, so that after a SIGHUP a library is mapped only while an
// extension or factory made by it is alive.
[[nodiscard]] int run_host(const config::Config& config, loader::PluginSet plugins, Logger& logger,
                           const std::optional<config::ListenAddress>& listen_override = {});

}  // namespace wsx::app
