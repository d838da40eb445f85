#include "client/client_options.hpp"

#include <boost/program_options.hpp>

#include <cmath>
#include <sstream>
#include <variant>

namespace wsx::client {

namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: wsx-client [OPTIONS] URL\n"
    "\n"
    "Connects to a WebSocket server (ws:// or wss://), sends each line read\n"
    "from stdin as one message and prints each message received on stdout,\n"
    "one per line. The negotiated extensions, the subprotocol and the close\n"
    "code and reason are printed on stderr.\n"
    "\n"
    "Extensions come from plugins: --config FILE loads its enabled [[plugin]]\n"
    "entries (with their [plugin.params]) and --plugin PATH loads one with its\n"
    "default parameters; their CLIENT factories make the offer and accept the\n"
    "server's response. Without either, nothing is offered. A server that\n"
    "accepts an extension we did not offer, or one no loaded plugin\n"
    "implements, fails the connection (RFC 6455 section 9.1).\n"
    "\n"
    "--offer replaces the factories' offers with hand-written ones. A plugin\n"
    "providing the token must still be loaded: it accepts the response by its\n"
    "own parameters, not by the hand-written text.\n"
    "\n"
    "At end of stdin the client sends Close 1000 and waits for the reply; a\n"
    "server may then drop echoes it has not sent yet. With --count it keeps\n"
    "reading until N messages arrived instead, so scripts use --count.\n"
    "\n"
    "Exit status: 0 after a normal close (1000 or 1001) or when --count was\n"
    "reached; 1 on any other close code, a failed connection or a timeout;\n"
    "2 on a bad command line.\n"
    "\n"
    "Examples:\n"
    "  echo hello | wsx-client --count 1 ws://127.0.0.1:9001/\n"
    "  wsx-client --plugin build/release/lib/wsx/plugins/wsx_permessage_deflate.so \\\n"
    "      --count 1 --timeout 5 ws://127.0.0.1:9001/ <<< 'compressed hello'\n"
    "  wsx-client --config config/wsx.toml \\\n"
    "      --offer 'permessage-deflate; client_max_window_bits=11' wss://example.com/chat\n"
    "\n"
    "Options";

std::chrono::milliseconds parse_timeout(double seconds) {
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > 86400.0 * 365)
    throw UsageError("--timeout wants a positive number of seconds");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(seconds * 1000.0)));
}

core::HttpHeader parse_header(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    throw UsageError("--header \"" + text + "\" is not of the form 'Name: value'");
  std::string value = text.substr(colon + 1);
  const std::size_t first = value.find_first_not_of(" \t");
  value = first == std::string::npos ? std::string() : value.substr(first);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  return {text.substr(0, colon), value};
}

}  // namespace

ParseResult parse_client_options(int argc, char** argv, ClientOptions& options, std::string& text) {
  std::string config_file;
  std::string ca_file;
  std::vector<std::string> plugins;
  std::vector<std::string> headers;
  std::string url;
  std::string origin;
  std::uint64_t count = 0;
  double timeout = 0;
  po::options_description visible(kUsage);
  // clang-format off
  visible.add_options()
    ("help,h", "print this help and exit")
    ("version", "print the version and exit")
    ("config,c", po::value(&config_file), "TOML config whose [[plugin]] entries' client "
                                           "factories negotiate extensions")
    ("plugin,p", po::value(&plugins), "load this plugin (default parameters); repeatable")
    ("offer", po::value(&options.offers), "send this Sec-WebSocket-Extensions item instead of "
                                           "the plugins' offers, e.g. 'permessage-deflate; "
                                           "client_max_window_bits'; repeatable")
    ("subprotocol", po::value(&options.subprotocols), "offer this subprotocol; repeatable, "
                                                       "most preferred first")
    ("header,H", po::value(&headers), "add 'Name: value' to the request; repeatable")
    ("origin", po::value(&origin), "send this Origin header")
    ("binary,b", po::bool_switch(&options.binary), "send stdin lines as binary messages")
    ("count,n", po::value(&count), "exit 0 after N messages were received (sends Close 1000 "
                                   "and waits for the reply)")
    ("timeout,t", po::value(&timeout), "exit 1 unless everything finished within SECONDS")
    ("ca", po::value(&ca_file), "PEM file of CA certificates to verify a wss:// server with "
                                "(default: the system's CAs)")
    ("quiet,q", po::bool_switch(&options.quiet), "print nothing on stderr but errors");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("url", po::value(&url));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("url", 1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
  if (vm.count("help") != 0) {
    std::ostringstream out;
    out << visible;
    text = out.str();
    return ParseResult::help;
  }
  if (vm.count("version") != 0) return ParseResult::version;
  if (url.empty()) throw UsageError("no URL given (try --help)");

  auto parsed = config::parse_upstream_url(url);
  if (auto* error = std::get_if<std::string>(&parsed))
    throw UsageError("bad URL \"" + url + "\": " + *error);
  options.url = std::get<config::UpstreamUrl>(std::move(parsed));
  if (!config_file.empty()) options.config_file = config_file;
  for (const auto& path : plugins) options.plugins.emplace_back(path);
  for (const auto& header : headers) options.headers.push_back(parse_header(header));
  if (!origin.empty()) options.origin = origin;
  if (vm.count("count") != 0) {
    if (count == 0) throw UsageError("--count wants a number above 0");
    options.count = count;
  }
  if (vm.count("timeout") != 0) options.timeout = parse_timeout(timeout);
  if (!ca_file.empty()) {
    if (!options.url.secure) throw UsageError("--ca only applies to wss:// URLs");
    options.ca_file = ca_file;
  }
  return ParseResult::run;
}

}  // namespace wsx::client
