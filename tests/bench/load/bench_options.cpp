#include "bench_options.hpp"

#include <boost/program_options.hpp>

#include <array>
#include <sstream>
#include <utility>

namespace wsx::bench {

namespace po = boost::program_options;

namespace {

constexpr std::array<std::pair<std::string_view, Scenario>, 7> kScenarios{{
    {"echo", Scenario::echo},
    {"pipeline", Scenario::pipeline},
    {"large", Scenario::large},
    {"storm", Scenario::storm},
    {"idle", Scenario::idle},
    {"raw-echo", Scenario::raw_echo},
    {"zlib-limit", Scenario::zlib_limit},
}};

po::options_description describe(BenchOptions& o, std::string& scenario, std::string& payload) {
  po::options_description d("wsx-bench options");
  d.add_options()("help,h", "show this help and exit")                                     //
      ("host", po::value(&o.host)->default_value(o.host), "server IP address (loopback)")  //
      ("port", po::value(&o.port), "server TCP port (not for zlib-limit)")                 //
      ("path", po::value(&o.path)->default_value(o.path), "request target")                //
      ("scenario", po::value(&scenario)->required(),
       "echo | pipeline | large | storm | idle | raw-echo | zlib-limit")  //
      ("connections", po::value(&o.connections)->default_value(o.connections),
       "concurrent connections")  //
      ("duration", po::value(&o.duration_s)->default_value(o.duration_s),
       "seconds of traffic (storm: of handshakes; zlib-limit: of compression)")  //
      ("max-messages", po::value(&o.max_messages)->default_value(o.max_messages),
       "stop after sending this many messages (storm: handshakes)")  //
      ("depth", po::value(&o.depth)->default_value(o.depth),
       "pipeline: messages in flight per connection")  //
      ("size", po::value(&o.size)->default_value(o.size),
       "large, --payload large: bytes per message")  //
      ("payload", po::value(&payload),
       "raw-echo, zlib-limit: text (the corpus; default) or large (the --size binary payloads "
       "large sends: the limits of large and large --deflate)")  //
      ("hold", po::value(&o.hold_s)->default_value(o.hold_s),
       "idle: seconds to hold the connections after READY")  //
      ("timeout", po::value(&o.timeout_s)->default_value(o.timeout_s),
       "seconds allowed for a connect, a handshake or a closing handshake, and without any "
       "echo while messages are in flight")                                                  //
      ("tls", po::bool_switch(&o.tls), "wss://: TLS 1.2/1.3 (OpenSSL) on every connection")  //
      ("ca", po::value(&o.ca),
       "--tls: PEM CA the server's certificate must chain to, naming --host (default: not "
       "verified, for a loopback test certificate)")                                   //
      ("deflate", po::bool_switch(&o.deflate), "offer permessage-deflate (RFC 7692)")  //
      ("deflate-params", po::value(&o.deflate_params)->default_value(o.deflate_params),
       "the offer's parameters, e.g. \"client_max_window_bits; server_no_context_takeover\"")  //
      ("plugin", po::value(&o.plugin),
       "wsx_permessage_deflate.so to load (default: the one built with wsx-bench)")  //
      ("extension-plugin", po::value(&o.extension_plugins),
       "another extension plugin to load (client role) and offer, after permessage-deflate; "
       "repeatable, offered in the given order; the run fails unless the server accepts "
       "every offered extension")                                                              //
      ("seed", po::value(&o.seed)->default_value(o.seed), "seed of the message corpus")        //
      ("level", po::value(&o.level)->default_value(o.level), "zlib-limit: compression level")  //
      ("window-bits", po::value(&o.window_bits)->default_value(o.window_bits),
       "zlib-limit: LZ77 window bits (9-15)")  //
      ("mem-level", po::value(&o.mem_level)->default_value(o.mem_level),
       "zlib-limit: zlib memLevel (1-9)");
  return d;
}

std::optional<std::string> check(const BenchOptions& o) {
  if (o.connections == 0) return "--connections must be at least 1";
  if (!(o.duration_s > 0) || o.duration_s > 86400) return "--duration must be in (0, 86400]";
  if (!(o.timeout_s > 0) || o.timeout_s > 3600) return "--timeout must be in (0, 3600]";
  if (o.hold_s < 0 || o.hold_s > 86400) return "--hold must be in [0, 86400]";
  if (o.max_messages == 0) return "--max-messages must be at least 1";
  if (o.depth == 0 || o.depth > 65536) return "--depth must be in [1, 65536]";
  if (o.size == 0 || o.size > (256u << 20)) return "--size must be in [1, 268435456]";
  if (o.level < 0 || o.level > 9) return "--level must be in [0, 9]";
  if (o.window_bits < 9 || o.window_bits > 15) return "--window-bits must be in [9, 15]";
  if (o.mem_level < 1 || o.mem_level > 9) return "--mem-level must be in [1, 9]";
  if (o.path.empty() || o.path.front() != '/') return "--path must start with '/'";
  if (o.payload == Payload::large && o.scenario != Scenario::large &&
      o.scenario != Scenario::raw_echo && o.scenario != Scenario::zlib_limit)
    return "--payload large is for raw-echo and zlib-limit (large always sends it)";
  if (!o.ca.empty() && !o.tls) return "--ca needs --tls";
  if (o.tls && o.scenario == Scenario::raw_echo)
    return "--tls is for the WebSocket scenarios (raw-echo is the plain socket limit)";
  if (o.scenario == Scenario::zlib_limit && !o.extension_plugins.empty())
    return "--extension-plugin needs a network scenario (zlib-limit opens no connection)";
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Scenario scenario) noexcept {
  for (const auto& [name, value] : kScenarios)
    if (value == scenario) return name;
  return "?";
}

ParsedOptions parse_options(int argc, const char* const* argv, std::string& help) {
  ParsedOptions parsed;
  BenchOptions options;
  std::string scenario;
  std::string payload;  // empty: not given
  const po::options_description description = describe(options, scenario, payload);
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help") != 0) {
      std::ostringstream text;
      text << "usage: wsx-bench --host 127.0.0.1 --port P --scenario NAME [options]\n"
           << description;
      help = text.str();
      return parsed;
    }
    po::notify(values);
  } catch (const po::error& error) {
    parsed.error = error.what();
    return parsed;
  }
  bool known = false;
  for (const auto& [name, value] : kScenarios) {
    if (name == scenario) {
      options.scenario = value;
      known = true;
    }
  }
  if (!known) {
    parsed.error = "unknown --scenario \"" + scenario +
                   "\" (echo, pipeline, large, storm, idle, raw-echo, zlib-limit)";
    return parsed;
  }
  if (!payload.empty() && payload != "text" && payload != "large") {
    parsed.error = "unknown --payload \"" + payload + "\" (text, large)";
    return parsed;
  }
  if (options.scenario == Scenario::large && payload == "text") {
    parsed.error = "--payload text is for raw-echo and zlib-limit (large sends --size bytes)";
    return parsed;
  }
  if (options.scenario == Scenario::large || payload == "large") options.payload = Payload::large;
  if (options.scenario != Scenario::zlib_limit && options.port == 0) {
    parsed.error = "--port is required (1-65535)";
    return parsed;
  }
  if (auto error = check(options)) {
    parsed.error = std::move(error);
    return parsed;
  }
  parsed.options = std::move(options);
  return parsed;
}

}  // namespace wsx::bench
