#include "app/run_host.hpp"

#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "app/broadcast_app.hpp"
#include "app/echo_app.hpp"
#include "app/host_metrics.hpp"
#include "app/proxy_route_from_config.hpp"
#include "app/server_options_from_config.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "metrics/prometheus_text.hpp"
#include "metrics/status_json.hpp"
#include "net/metrics_listener.hpp"
#include "net/server.hpp"

namespace wsx::app {

namespace {

// "plugins: permessage-deflate 1.0.0, other 2.1.0" (or "plugins: none").
std::string plugin_summary(const loader::PluginSet& plugins) {
  std::string text = "plugins: ";
  if (plugins.empty()) return text + "none";
  bool first = true;
  for (const auto& manifest : plugins.manifests()) {
    if (!first) text += ", ";
    first = false;
    text += manifest.name + " " + manifest.version;
  }
  return text;
}

// What SIGHUP does: read the same file again and load its plugins; the new
// factories and limits replace the old ones. Settings that only a restart
// can change (address, threads, app, subprotocols) are reported, not applied,
// and the log level stays as it is (it may come from --log-level).
ReloadResult reload_from(const config::Config& original,
                         const std::optional<config::ListenAddress>& listen_override,
                         const Logger& logger, HostMetrics& host_metrics) {
  ReloadResult result;
  try {
    config::Config fresh = config::load_config(original.file);
    if (listen_override) {
      fresh.server.address = listen_override->host;
      fresh.server.port = listen_override->port;
    }
    loader::PluginSet plugins = loader::PluginSet::load(fresh, logger);
    const config::Server& before = original.server;
    const config::Server& after = fresh.server;
    if (after.address != before.address || after.port != before.port ||
        after.io_threads != before.io_threads || after.app != before.app ||
        after.subprotocols != before.subprotocols || after.proxy != before.proxy ||
        after.tls.present != before.tls.present || after.metrics != before.metrics) {
      logger.warning(
          "reload: address, port, io_threads, app, subprotocols, [server.proxy], "
          "[server.metrics] and adding or removing [server.tls] need a restart; keeping the "
          "running values");
    }
    // The certificate files are read again even when their paths did not
    // change: renewing a certificate in place is what SIGHUP is for.
    if (before.tls.present && after.tls.present) {
      const TlsContext tls = load_tls_context(after.tls);
      logger.info("reload: tls certificate " + after.tls.certificate.string() + " subject " +
                  tls.certificate.subject + " expires " + tls.certificate.not_after);
      result.tls = tls.context;
    }
    result.factories = plugins.server_factories();
    result.limits = server_limits_from_config(after.limits);
    result.summary = plugin_summary(plugins);
    result.ok = true;
    host_metrics.plugins_loaded(plugins);
  } catch (const std::exception& error) {
    result.ok = false;
    result.error = error.what();
  }
  host_metrics.reload_done(result.ok);
  return result;
}

}  // namespace

int run_host(const config::Config& config, loader::PluginSet plugins, Logger& logger,
             const std::optional<config::ListenAddress>& listen_override) {
  ServerOptions options = server_options_from_config(config.server);
  options.banner =
      "app=" + std::string(config::to_string(config.server.app)) + ", " + plugin_summary(plugins);
  std::optional<net::ProxyRoute> proxy;
  if (config.server.app == config::App::proxy) {
    try {
      proxy = proxy_route_from_config(config.server.proxy, plugins.client_factories(),
                                      /*client_uses_tls=*/config.server.tls.present);
    } catch (const std::exception& error) {
      logger.error(error.what());
      return 1;
    }
  }
  HostMetrics host_metrics;
  host_metrics.plugins_loaded(plugins);
  Server server(options, plugins.server_factories(), logger);
  plugins = loader::PluginSet{};  // the server's factories keep what it needs

  std::optional<BroadcastApp> broadcast;
  switch (config.server.app) {
    case config::App::echo:
      server.set_handlers(make_echo_handlers());
      break;
    case config::App::broadcast:
      broadcast.emplace(server);
      server.set_handlers(broadcast->handlers());
      break;
    case config::App::proxy:
      server.set_proxy(std::move(*proxy));
      break;
  }
  if (!config.file.empty()) {
    server.enable_signal_handling([&config, &logger, listen_override, &host_metrics] {
      return reload_from(config, listen_override, logger, host_metrics);
    });
  } else {
    server.enable_signal_handling({});
  }

  // Declared after the server, so it stops first; started first, so a
  // readiness probe sees "not ready" rather than nothing while we bind.
  std::optional<net::MetricsListener> metrics_listener;
  if (config.server.metrics.present) {
    metrics::MetricsSource source;
    source.prometheus_text = [&server, &host_metrics] {
      return metrics::render_prometheus(server.metrics_snapshot(),
                                        host_metrics.report(server.stopping()));
    };
    source.status_json = [&server, &host_metrics] {
      return metrics::render_status_json(server.metrics_snapshot(),
                                         host_metrics.report(server.stopping()));
    };
    source.ready = [&server, &host_metrics] {
      return host_metrics.report(server.stopping()).ready;
    };
    net::MetricsListenerOptions listen;
    listen.address = config.server.metrics.host;
    listen.port = config.server.metrics.port;
    metrics_listener.emplace(listen, std::move(source), logger);
    try {
      metrics_listener->start();
    } catch (const std::exception& error) {
      logger.error("cannot listen on " + listen.address + ":" + std::to_string(listen.port) +
                   " (server.metrics.listen): " + error.what());
      return 1;
    }
  }

  try {
    server.start();
  } catch (const std::exception& error) {
    logger.error("cannot listen on " + config.server.address + ":" +
                 std::to_string(config.server.port) + ": " + error.what());
    return 1;
  }
  host_metrics.set_listening();
  server.run();
  logger.info("stopped");
  return 0;
}

}  // namespace wsx::app
