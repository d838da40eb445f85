// wsx-client: a wscat-like command on wsx's own client role. The opening
// handshake, the extension negotiation and every frame go through host/core
// (handshake_client, negotiate via the plugins' CLIENT factories,
// core::Connection in the client role); plugins load through host/loader
// exactly as wsx-host loads them. See `wsx-client --help`.
//
// Exit codes: 0 normal close (1000/1001) or --count reached, 1 failure,
// 2 usage error.
#include <csignal>
#include <iostream>
#include <memory>

#include "client/client_options.hpp"
#include "client/client_session.hpp"
#include "client/opening_handshake.hpp"
#include "client/tcp_transport.hpp"
#include "client/tls_transport.hpp"
#include "config/config_error.hpp"
#include "config/config_loader.hpp"
#include "core/connection/connection.hpp"
#include "loader/plugin_error.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"

#ifndef WSX_VERSION
#define WSX_VERSION "0.0.0"
#endif

namespace {

using namespace wsx;
using Clock = std::chrono::steady_clock;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// --config's [[plugin]] entries, then one entry per --plugin.
config::Config plugin_config(const client::ClientOptions& options) {
  config::Config config;
  if (options.config_file) {
    config = config::load_config(*options.config_file);
  } else {
    config.file = "(command line)";
  }
  for (const auto& path : options.plugins) {
    config::PluginEntry entry;
    entry.path = std::filesystem::absolute(path);
    entry.where = {"--plugin", 0, 0};
    config.plugins.push_back(std::move(entry));
  }
  return config;
}

std::unique_ptr<client::Transport> connect(const client::ClientOptions& options,
                                           Clock::time_point deadline) {
  if (options.url.secure)
    return std::make_unique<client::TlsTransport>(options.url.host, options.url.port,
                                                  options.ca_file, deadline);
  return std::make_unique<client::TcpTransport>(options.url.host, options.url.port, deadline);
}

int run(const client::ClientOptions& options) {
  const Logger logger(LogLevel::warning, [](LogLevel, std::string_view line) {
    std::cerr << "wsx-client: [plugin] " << line << "\n";
  });
  // Declared before anything holding an extension made from its factories.
  const loader::PluginSet plugins = loader::PluginSet::load(plugin_config(options), logger);
  const core::FactoryList& factories = plugins.client_factories();

  const Clock::time_point deadline =
      options.timeout ? Clock::now() + *options.timeout : Clock::time_point::max();
  const core::ClientRequest request = client::make_request(options, factories);
  std::unique_ptr<client::Transport> transport = connect(options, deadline);
  client::OpenedConnection opened =
      client::open_connection(*transport, request, factories, deadline);

  if (!options.quiet) {
    const auto& hs = opened.handshake;
    std::cerr << "wsx-client: connected to " << options.url.host_header() << options.url.target
              << "\n"
              << "wsx-client: offered extensions: "
              << (opened.offer.empty() ? "(none)" : opened.offer) << "\n"
              << "wsx-client: negotiated extensions: "
              << (hs.extensions.empty() ? "(none)" : hs.extensions.header_value()) << "\n"
              << "wsx-client: subprotocol: " << hs.subprotocol.value_or("(none)") << std::endl;
  }

  core::ConnectionLimits limits;
  limits.max_message_size = 64u << 20;
  limits.max_frame_size = 1u << 20;
  core::Connection connection(core::Role::client, std::move(opened.handshake.extensions), limits);
  client::SessionIo io;
  const client::SessionOutcome outcome =
      client::run_session(*transport, connection, opened.leftover, options, io, deadline);

  if (outcome.failure) std::cerr << "wsx-client: connection failed: " << *outcome.failure << "\n";
  if (outcome.timed_out) std::cerr << "wsx-client: timed out\n";
  if (!options.quiet || outcome.exit_status() != 0) {
    std::cerr << "wsx-client: closed: " << outcome.close_code;
    if (!outcome.close_reason.empty()) std::cerr << " \"" << outcome.close_reason << "\"";
    std::cerr << " (" << io.messages << " messages received)\n";
  }
  return outcome.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout (| head) must not kill us mid-close; writes report EPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  client::ClientOptions options;
  try {
    std::string text;
    switch (client::parse_client_options(argc, argv, options, text)) {
      case client::ParseResult::help:
        std::cout << text;
        return 0;
      case client::ParseResult::version:
        std::cout << "wsx-client " << WSX_VERSION << "\n";
        return 0;
      case client::ParseResult::run:
        break;
    }
  } catch (const client::UsageError& error) {
    std::cerr << "wsx-client: " << error.what() << "\n";
    return kExitUsage;
  }
  try {
    return run(options);
  } catch (const client::UsageError& error) {
    std::cerr << "wsx-client: " << error.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& error) {
    std::cerr << "wsx-client: " << error.what() << "\n";
    return kExitFailure;
  }
}
