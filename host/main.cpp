// wsx-host: the command line that wires config -> plugins -> net.
//
//   wsx-host [--config FILE] [--listen HOST:PORT] [--log-level LEVEL]
//   wsx-host --check-config | --list-plugins | --check-plugin PATH
//   wsx-host --version | --help
//
// Exit codes: 0 success, 1 config or plugin error, 2 usage error.
#include <unistd.h>

#include <boost/program_options.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "app/crash_report.hpp"
#include "app/proxy_upstream_tls.hpp"
#include "app/run_host.hpp"
#include "app/server_options_from_config.hpp"
#include "config/config.hpp"
#include "config/config_loader.hpp"
#include "config/listen_address.hpp"
#include "loader/loaded_plugin.hpp"
#include "loader/plugin_error.hpp"
#include "loader/plugin_manifest.hpp"
#include "loader/plugin_set.hpp"
#include "log/log.hpp"
#include "net/tls_context.hpp"

#ifndef WSX_VERSION
#define WSX_VERSION "0.0.0"
#endif

namespace {

namespace po = boost::program_options;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr std::string_view kDefaultConfig = "config/wsx.toml";

// A bad command line (exit 2), as opposed to a bad config or plugin (exit 1).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Action { run, check_config, list_plugins, check_plugin, version, help };

struct Options {
  Action action = Action::run;
  std::string config_file{kDefaultConfig};
  std::optional<wsx::config::ListenAddress> listen;
  std::optional<wsx::LogLevel> log_level;
  bool log_json = false;    // --log-format json
  std::string plugin_path;  // --check-plugin
};

po::options_description describe_options() {
  po::options_description options("Options");
  options.add_options()                                                    //
      ("help,h", "show this help and exit")                                //
      ("version", "print the version and the plugin ABI range, and exit")  //
      ("config,c", po::value<std::string>()->value_name("FILE"),
       "config file (default: config/wsx.toml, relative to the current directory)")  //
      ("listen", po::value<std::string>()->value_name("HOST:PORT"),
       "listen here instead of [server] address/port, e.g. 127.0.0.1:9001 or [::1]:9001 "
       "(port 0 picks a free port)")  //
      ("log-level", po::value<std::string>()->value_name("LEVEL"),
       "debug, info, warning, error or off (overrides server.log_level)")  //
      ("log-format", po::value<std::string>()->value_name("FORMAT"),
       "text (default) or json: one JSON object per line, for log shippers")                    //
      ("check-config", "validate the config and load every plugin, print a summary, and exit")  //
      ("list-plugins", "print what each configured plugin declares, and exit")                  //
      ("check-plugin", po::value<std::string>()->value_name("PATH"),
       "load one plugin alone with no params, print its manifest and ABI negotiation, and exit");
  return options;
}

Options parse_options(int argc, char** argv, const po::options_description& described) {
  po::variables_map values;
  // An empty positional description makes a stray argument an error rather
  // than something silently ignored.
  const po::positional_options_description no_positionals;
  try {
    po::store(
        po::command_line_parser(argc, argv).options(described).positional(no_positionals).run(),
        values);
    po::notify(values);
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }

  Options options;
  int actions = 0;
  const auto choose = [&](const char* flag, Action action) {
    if (values.count(flag) == 0) return;
    ++actions;
    options.action = action;
  };
  choose("check-config", Action::check_config);
  choose("list-plugins", Action::list_plugins);
  choose("check-plugin", Action::check_plugin);
  if (actions > 1) {
    throw UsageError("use only one of --check-config, --list-plugins and --check-plugin");
  }
  // --help and --version win over everything else, as is customary.
  if (values.count("version") != 0) options.action = Action::version;
  if (values.count("help") != 0) options.action = Action::help;

  if (values.count("config") != 0) options.config_file = values["config"].as<std::string>();
  if (values.count("check-plugin") != 0)
    options.plugin_path = values["check-plugin"].as<std::string>();
  if (values.count("listen") != 0) {
    const auto& text = values["listen"].as<std::string>();
    options.listen = wsx::config::parse_listen_address(text);
    if (!options.listen) {
      throw UsageError("--listen \"" + text + "\": " + std::string(wsx::config::kListenHelp));
    }
  }
  if (values.count("log-level") != 0) {
    const auto& text = values["log-level"].as<std::string>();
    options.log_level = wsx::parse_log_level(text);
    if (!options.log_level) {
      throw UsageError("--log-level \"" + text + "\": use debug, info, warning, error or off");
    }
  }
  if (values.count("log-format") != 0) {
    const auto& text = values["log-format"].as<std::string>();
    if (text != "text" && text != "json") {
      throw UsageError("--log-format \"" + text + "\": use text or json");
    }
    options.log_json = text == "json";
  }
  return options;
}

// Writes each line with one write(2) under a lock: lines from several I/O
// threads never interleave, and a line up to PIPE_BUF bytes is not split
// even among processes sharing the pipe.
wsx::LogSink stderr_sink(std::mutex& lock, bool json) {
  return [&lock, json](wsx::LogLevel level, std::string_view message) {
    const auto now = std::chrono::system_clock::now();
    const std::string line = json ? wsx::format_log_line_json(now, level, message)
                                  : wsx::format_log_line(now, level, message);
    const std::lock_guard guard(lock);
    std::string_view rest = line;
    for (int attempts = 0; !rest.empty() && attempts < 100; ++attempts) {
      const ssize_t written = ::write(STDERR_FILENO, rest.data(), rest.size());
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return;  // stderr is gone: nothing better to do
      rest.remove_prefix(static_cast<std::size_t>(written));
    }
  };
}

std::string format_size(std::uint64_t bytes) {
  constexpr std::pair<std::uint64_t, const char*> units[] = {
      {1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}};
  for (const auto& [factor, name] : units) {
    if (bytes >= factor && bytes % factor == 0) return std::to_string(bytes / factor) + " " + name;
  }
  return std::to_string(bytes) + " B";
}

std::string format_duration(std::chrono::milliseconds duration, std::string_view zero) {
  const auto ms = duration.count();
  if (ms == 0) return std::string(zero);
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string format_listen(const wsx::config::Server& server) {
  const bool ipv6 = server.address.find(':') != std::string::npos;
  return (ipv6 ? "[" + server.address + "]" : server.address) + ":" + std::to_string(server.port);
}

std::string token_list(const wsx::loader::PluginManifest& manifest) {
  std::string out;
  for (const auto& token : manifest.tokens) {
    if (!out.empty()) out += ", ";
    out += token.token + " [" + wsx::loader::roles_to_string(token.roles) + ", RSV " +
           wsx::loader::rsv_to_string(token.rsv_bits) + "]";
  }
  return out;
}

std::string summary(const wsx::config::Config& config, const wsx::loader::PluginSet& plugins) {
  const wsx::config::Server& server = config.server;
  const wsx::config::Limits& limits = server.limits;
  std::ostringstream out;
  out << "config: " << config.file << ": OK\n";
  out << "listen: " << format_listen(server) << "\n";
  out << "app: " << wsx::config::to_string(server.app) << ", io_threads: " << server.io_threads
      << ", log_level: " << wsx::to_string(server.log_level) << "\n";
  out << "subprotocols:";
  if (server.subprotocols.empty()) out << " none";
  for (const auto& name : server.subprotocols) out << " " << name;
  out << "\n";
  out << "limits: max_message_size " << format_size(limits.max_message_size)         //
      << ", max_frame_size " << format_size(limits.max_frame_size)                   //
      << ", max_connections " << limits.max_connections                              //
      << ", max_send_queue " << format_size(limits.max_send_queue)                   //
      << ", max_buffered_input " << format_size(limits.max_buffered_input) << "\n";  //
  out << "timeouts: handshake " << format_duration(limits.handshake_timeout, "0")    //
      << ", idle " << format_duration(limits.idle_timeout, "none")                   //
      << ", ping_interval " << format_duration(limits.ping_interval, "off")          //
      << ", close " << format_duration(limits.close_timeout, "0") << "\n";
  if (server.tls.present) {
    // Loads the files the way the server will (key checked against the
    // certificate); a TlsError names the bad file.
    const wsx::TlsContext tls = wsx::app::load_tls_context(server.tls);
    out << "tls: " << server.tls.certificate.string() << ", subject " << tls.certificate.subject
        << ", expires " << tls.certificate.not_after << "\n";
    out << "tls: min_version "
        << (server.tls.min_version == wsx::config::TlsVersion::tls1_3 ? "1.3" : "1.2")
        << ", verify_client " << (server.tls.verify_client ? "yes" : "no");
    if (!server.tls.ca.empty()) out << ", ca " << server.tls.ca.string();
    out << "\n";
  } else {
    out << "tls: off (ws://)\n";
  }
  if (server.app == wsx::config::App::proxy) {
    const wsx::config::Proxy& proxy = server.proxy;
    out << "proxy: upstream " << (proxy.upstream.secure ? "wss://" : "ws://")
        << proxy.upstream.host_header() << proxy.upstream.target;
    if (proxy.upstream.secure) {
      // Loads the CA bundle (and client certificate) as the proxy will; a
      // ConfigError names the bad file and its key.
      (void)wsx::app::load_upstream_tls_context(proxy);
      out << ", ca " << (proxy.ca.empty() ? std::string("system default") : proxy.ca.string());
      if (!proxy.certificate.empty()) out << ", client certificate " << proxy.certificate.string();
    }
    out << "\n";
  }
  const std::size_t disabled = config.plugins.size() - plugins.size();
  out << "plugins: " << plugins.size() << " loaded, " << disabled << " disabled\n";
  for (const auto& manifest : plugins.manifests()) {
    out << "  " << wsx::loader::short_name(manifest) << " from " << manifest.file.string() << ": "
        << token_list(manifest) << "\n";
  }
  return out.str();
}

wsx::config::Config load_config(const Options& options) {
  wsx::config::Config config = wsx::config::load_config(options.config_file);
  if (options.listen) {
    config.server.address = options.listen->host;
    config.server.port = options.listen->port;
  }
  if (options.log_level) config.server.log_level = *options.log_level;
  return config;
}

// The network layer's entry point (host/app/run_host.hpp): serve until
// SIGINT/SIGTERM, reload on SIGHUP.
int run_server(const Options& options, const wsx::config::Config& config,
               wsx::loader::PluginSet plugins, wsx::Logger& logger) {
  return wsx::app::run_host(config, std::move(plugins), logger, options.listen);
}

int check_plugin(const Options& options, const wsx::Logger& logger) {
  wsx::loader::PluginLoadRequest request;
  request.file = options.plugin_path;
  const auto plugin = wsx::loader::LoadedPlugin::load(request, logger);
  const auto& manifest = plugin->manifest();
  std::cout << wsx::loader::format_manifest(manifest);
  std::cout << "ABI negotiation: host speaks [" << manifest.host_abi_min << ", "
            << manifest.host_abi_max << "], plugin chose " << manifest.abi_version << ": OK\n";
  return kExitOk;
}

// A [plugin.params] value as it would be written in TOML.
std::string toml_text(const wsx::config::PluginParamValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return "\"" + *text + "\"";
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  return std::get<bool>(value) ? "true" : "false";
}

int list_plugins(const wsx::config::Config& config, const wsx::loader::PluginSet& plugins) {
  std::size_t loaded = 0;
  if (config.plugins.empty()) std::cout << "no [[plugin]] entries in " << config.file << "\n";
  for (const auto& entry : config.plugins) {
    if (!entry.enabled) {
      std::cout << "plugin: " << entry.path.string() << "\n  disabled (" << entry.where.to_string()
                << "); not loaded\n";
      continue;
    }
    std::cout << wsx::loader::format_manifest(plugins.manifests().at(loaded++));
    // What this config gives the plugin, beside what it declares: the values
    // an operator wants to check; undeclared ones use the plugin's defaults.
    if (entry.params.empty()) {
      std::cout << "  configured: nothing ([plugin.params] empty: the plugin's defaults)\n";
    }
    for (const auto& param : entry.params) {
      std::cout << "  configured: " << param.key << " = " << toml_text(param.value) << " ("
                << param.where.to_string() << ")\n";
    }
  }
  return kExitOk;
}

int run(const Options& options, wsx::Logger& logger) {
  // Plugins run in this process: if one crashes, name it before dying.
  wsx::app::install_crash_report();
  // Inspection commands print their result on stdout; unless asked, keep
  // stderr to warnings so the result stands out.
  const bool inspecting = options.action != Action::run;
  if (inspecting && !options.log_level) logger.set_level(wsx::LogLevel::warning);
  if (options.action == Action::check_plugin) return check_plugin(options, logger);

  const wsx::config::Config config = load_config(options);
  if (!inspecting) logger.set_level(config.server.log_level);
  wsx::loader::PluginSet plugins = wsx::loader::PluginSet::load(config, logger);
  switch (options.action) {
    case Action::check_config:
      std::cout << summary(config, plugins);
      return kExitOk;
    case Action::list_plugins:
      return list_plugins(config, plugins);
    default:
      return run_server(options, config, std::move(plugins), logger);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const po::options_description described = describe_options();
  Options options;
  try {
    options = parse_options(argc, argv, described);
  } catch (const UsageError& error) {
    std::cerr << "wsx-host: " << error.what() << "\nTry 'wsx-host --help'.\n";
    return kExitUsage;
  }

  if (options.action == Action::help) {
    std::cout << "Usage: wsx-host [--config FILE] [--listen HOST:PORT] [--log-level LEVEL]\n"
                 "                [--log-format text|json]\n"
                 "       wsx-host --check-config | --list-plugins | --check-plugin PATH\n\n"
                 "Runs a WebSocket server whose extensions are loaded from plugins.\n\n"
              << described
              << "\nExit status: 0 success, 1 config or plugin error, 2 usage error.\n";
    return kExitOk;
  }
  if (options.action == Action::version) {
    std::cout << "wsx-host " << WSX_VERSION << " (plugin ABI " << wsx::loader::kHostAbiMin << ".."
              << wsx::loader::kHostAbiMax << ")\n";
    return kExitOk;
  }

  std::mutex stderr_lock;
  wsx::Logger logger(options.log_level.value_or(wsx::LogLevel::info),
                     stderr_sink(stderr_lock, options.log_json));
  try {
    return run(options, logger);
  } catch (const wsx::config::ConfigError& error) {
    std::cerr << "wsx-host: " << error.what() << "\n";
  } catch (const wsx::loader::PluginError& error) {
    std::cerr << "wsx-host: " << error.what() << "\n";
  } catch (const std::exception& error) {
    std::cerr << "wsx-host: unexpected error: " << error.what() << "\n";
  }
  return kExitFailure;
}
