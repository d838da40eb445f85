#include "config_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <string>
#include <system_error>
#include <tuple>
#include <variant>

#include "key_suggestion.hpp"
#include "listen_address.hpp"
#include "units.hpp"
#include "upstream_url.hpp"

namespace wsx::config {

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 2> kRootKeys{"server", "plugin"};
constexpr std::array<std::string_view, 10> kServerKeys{
    "address",   "port",   "io_threads", "app", "subprotocols",
    "log_level", "limits", "proxy",      "tls", "metrics"};
constexpr std::array<std::string_view, 1> kMetricsKeys{"listen"};
constexpr std::array<std::string_view, 9> kLimitsKeys{
    "max_message_size", "max_frame_size",     "max_connections",
    "max_send_queue",   "max_buffered_input", "handshake_timeout",
    "idle_timeout",     "ping_interval",      "close_timeout"};
constexpr std::array<std::string_view, 8> kProxyKeys{
    "upstream", "connect_timeout", "handshake_timeout", "forward_headers", "extensions",
    "ca",       "certificate",     "private_key"};
constexpr std::array<std::string_view, 5> kTlsKeys{"certificate", "private_key", "ca",
                                                   "verify_client", "min_version"};
constexpr std::array<std::string_view, 3> kPluginKeys{"path", "enabled", "params"};

constexpr std::uint32_t kMaxIoThreads = 1024;

// RFC 7230 section 3.2.6 tchar; Sec-WebSocket-Protocol values are tokens
// (RFC 6455 section 4.1).
bool is_token(std::string_view text) noexcept {
  constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           extra.find(c) != std::string_view::npos;
  });
}

constexpr std::string_view kAppHelp = R"(use "echo", "broadcast" or "proxy")";

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

// Headers that describe one hop (RFC 7230 section 6.1) or one opening
// handshake (RFC 6455 section 4.1): the proxy writes its own upstream.
bool is_hop_or_handshake_header(std::string_view name) noexcept {
  constexpr std::array<std::string_view, 14> kOwnHeaders{"Host",
                                                         "Connection",
                                                         "Upgrade",
                                                         "Keep-Alive",
                                                         "TE",
                                                         "Trailer",
                                                         "Transfer-Encoding",
                                                         "Content-Length",
                                                         "Origin",
                                                         "X-Forwarded-For",
                                                         "X-Forwarded-Proto",
                                                         "Forwarded",
                                                         "Proxy-Authorization",
                                                         "Proxy-Connection"};
  if (name.size() >= 14 && equal_ignoring_case(name.substr(0, 14), "Sec-WebSocket-")) return true;
  return std::any_of(kOwnHeaders.begin(), kOwnHeaders.end(),
                     [&](std::string_view own) { return equal_ignoring_case(own, name); });
}

std::string in_quotes(std::string_view text) {
  std::string out = "\"";
  out.append(text);
  out += '"';
  return out;
}

std::string join(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out.append(word);
  }
  return out;
}

// "a string \"x\"", "an integer 5", "a table"... for "got ..." in messages.
std::string describe(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string " + in_quotes(node.as_string()->get());
    case toml::node_type::integer:
      return "an integer " + std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: {
      std::ostringstream text;
      text << node.as_floating_point()->get();
      return "a float " + text.str();
    }
    case toml::node_type::boolean:
      return node.as_boolean()->get() ? "a boolean true" : "a boolean false";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Walks the parsed document and builds the Config. Every check that fails
// throws a ConfigError positioned on the offending key or value.
class Reader {
 public:
  Reader(std::string file, fs::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  Config read(const toml::table& root) {
    Config config;
    config.file = file_;
    check_keys(root, "", kRootKeys);
    if (const toml::node* server = root.get("server")) {
      read_server(table_at(*server, "server", "[server]"), config.server);
    }
    if (const toml::node* plugins = root.get("plugin")) read_plugins(*plugins, config.plugins);
    return config;
  }

  [[nodiscard]] SourcePosition at(const toml::source_region& region) const {
    return {file_, region.begin.line, region.begin.column};
  }

 private:
  [[noreturn]] void fail(const toml::source_region& region, const std::string& message) const {
    throw ConfigError(at(region), message);
  }

  // Unknown keys are errors: a typo must not silently fall back to a default.
  void check_keys(const toml::table& table, std::string_view table_name,
                  std::span<const std::string_view> known) const {
    for (auto&& [key, node] : table) {
      (void)node;
      const std::string_view name = key.str();
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::string message = table_name.empty() ? std::string("unknown top-level key ")
                                               : std::string(table_name) + ": unknown key ";
      message += in_quotes(name);
      if (const auto suggestion = suggest_key(name, known)) {
        message += " (did you mean " + in_quotes(*suggestion) + "?)";
      }
      message += "; valid keys are: " + join(known);
      fail(key.source(), message);
    }
  }

  const toml::table& table_at(const toml::node& node, const std::string& name,
                              std::string_view how_to_write) const {
    if (const toml::table* table = node.as_table()) return *table;
    fail(node.source(),
         name + ": expected a table (" + std::string(how_to_write) + "), got " + describe(node));
  }

  std::string string_at(const toml::node& node, const std::string& name,
                        std::string_view help) const {
    if (const auto* value = node.as_string()) return value->get();
    fail(node.source(),
         name + ": expected a string, got " + describe(node) + "; " + std::string(help));
  }

  bool bool_at(const toml::node& node, const std::string& name) const {
    if (const auto* value = node.as_boolean()) return value->get();
    fail(node.source(), name + ": expected true or false, got " + describe(node));
  }

  std::int64_t integer_at(const toml::node& node, const std::string& name, std::int64_t min,
                          std::int64_t max) const {
    const std::string range =
        "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    const auto* value = node.as_integer();
    if (value == nullptr)
      fail(node.source(), name + ": expected " + range + ", got " + describe(node));
    if (value->get() < min || value->get() > max) {
      fail(node.source(),
           name + ": " + std::to_string(value->get()) + " is out of range; use " + range);
    }
    return value->get();
  }

  // A TOML integer is a number of bytes; a string carries a unit.
  std::uint64_t size_at(const toml::node& node, const std::string& name, std::uint64_t min) const {
    std::optional<std::uint64_t> bytes;
    if (const auto* integer = node.as_integer()) {
      if (integer->get() >= 0) bytes = static_cast<std::uint64_t>(integer->get());
    } else if (const auto* text = node.as_string()) {
      bytes = parse_size(text->get());
    } else {
      fail(node.source(),
           name + ": expected a size, got " + describe(node) + "; " + std::string(kSizeHelp));
    }
    if (!bytes) {
      const std::string shown = node.is_string() ? in_quotes(node.as_string()->get())
                                                 : std::to_string(node.as_integer()->get());
      fail(node.source(), name + ": " + shown + " is not a size; " + std::string(kSizeHelp));
    }
    if (*bytes < min) {
      fail(node.source(), name + ": must be at least " + std::to_string(min) + " byte(s)");
    }
    return *bytes;
  }

  // A TOML integer is a number of seconds; a string carries a unit.
  std::chrono::milliseconds duration_at(const toml::node& node, const std::string& name,
                                        bool zero_allowed) const {
    std::optional<std::chrono::milliseconds> duration;
    if (const auto* integer = node.as_integer()) {
      constexpr std::int64_t max_seconds = std::numeric_limits<std::int64_t>::max() / 1000;
      if (integer->get() >= 0 && integer->get() <= max_seconds) {
        duration = std::chrono::seconds{integer->get()};
      }
    } else if (const auto* text = node.as_string()) {
      duration = parse_duration(text->get());
    } else {
      fail(node.source(), name + ": expected a duration, got " + describe(node) + "; " +
                              std::string(kDurationHelp));
    }
    if (!duration) {
      const std::string shown = node.is_string() ? in_quotes(node.as_string()->get())
                                                 : std::to_string(node.as_integer()->get());
      fail(node.source(),
           name + ": " + shown + " is not a duration; " + std::string(kDurationHelp));
    }
    if (duration->count() == 0 && !zero_allowed) {
      fail(node.source(), name + ": must be longer than 0 (e.g. \"5s\")");
    }
    return *duration;
  }

  void read_server(const toml::table& table, Server& server) const {
    check_keys(table, "server", kServerKeys);
    if (const toml::node* node = table.get("address")) {
      server.address = string_at(*node, "server.address", R"(e.g. "127.0.0.1" or "::1")");
      const bool bad =
          server.address.empty() || server.address.find_first_of(" \t[]") != std::string::npos;
      if (bad) {
        fail(node->source(), "server.address: " + in_quotes(server.address) +
                                 " is not an address; use an IP literal or host name, IPv6 "
                                 "without brackets (e.g. \"127.0.0.1\", \"::1\", \"localhost\")");
      }
    }
    if (const toml::node* node = table.get("port")) {
      server.port = static_cast<std::uint16_t>(integer_at(*node, "server.port", 0, 65535));
    }
    if (const toml::node* node = table.get("io_threads")) {
      server.io_threads =
          static_cast<std::uint32_t>(integer_at(*node, "server.io_threads", 1, kMaxIoThreads));
    }
    if (const toml::node* node = table.get("app")) {
      const std::string app = string_at(*node, "server.app", kAppHelp);
      if (app == "echo") {
        server.app = App::echo;
      } else if (app == "broadcast") {
        server.app = App::broadcast;
      } else if (app == "proxy") {
        server.app = App::proxy;
      } else {
        fail(node->source(),
             "server.app: " + in_quotes(app) + " is not an app; " + std::string(kAppHelp));
      }
    }
    if (const toml::node* node = table.get("subprotocols"))
      read_subprotocols(*node, server.subprotocols);
    if (const toml::node* node = table.get("log_level")) {
      constexpr std::string_view help = R"(use "debug", "info", "warning", "error" or "off")";
      const std::string text = string_at(*node, "server.log_level", help);
      const auto level = parse_log_level(text);
      if (!level)
        fail(node->source(),
             "server.log_level: " + in_quotes(text) + " is not a level; " + std::string(help));
      server.log_level = *level;
    }
    if (const toml::node* node = table.get("limits")) {
      read_limits(table_at(*node, "server.limits", "[server.limits]"), server.limits);
    }
    if (const toml::node* node = table.get("proxy")) {
      read_proxy(table_at(*node, "server.proxy", "[server.proxy]"), server.proxy);
    }
    if (const toml::node* node = table.get("tls")) {
      read_tls(table_at(*node, "server.tls", "[server.tls]"), server.tls);
    }
    if (const toml::node* node = table.get("metrics")) {
      read_metrics(table_at(*node, "server.metrics", "[server.metrics]"), server.metrics);
    }
    if (server.app == App::proxy && !server.proxy.present) {
      const toml::node* app = table.get("app");
      fail(app->source(),
           "server.app: \"proxy\" needs a [server.proxy] table with the backend, e.g.\n"
           "  [server.proxy]\n  upstream = \"ws://127.0.0.1:8080/\"");
    }
  }

  // A PEM file path, resolved against the config file's folder.
  fs::path path_at(const toml::node& node, const std::string& name, SourcePosition& where) const {
    const std::string text = string_at(node, name, R"(e.g. "tls/server.pem")");
    if (text.empty()) fail(node.source(), name + ": must not be empty; give a PEM file");
    where = at(node.source());
    return (base_dir_ / fs::path(text)).lexically_normal();
  }

  // [server.metrics]: the metrics listener is off unless this table names
  // where it listens.
  void read_metrics(const toml::table& table, Metrics& metrics) const {
    check_keys(table, "server.metrics", kMetricsKeys);
    const toml::node* node = table.get("listen");
    if (node == nullptr) {
      fail(table.source(),
           "server.metrics: missing required key \"listen\", e.g.\n"
           "  [server.metrics]\n  listen = \"127.0.0.1:9102\"");
    }
    const std::string text = string_at(*node, "server.metrics.listen", R"(e.g. "127.0.0.1:9102")");
    const auto address = parse_listen_address(text);
    if (!address) {
      fail(node->source(),
           "server.metrics.listen: " + in_quotes(text) + ": " + std::string(kListenHelp));
    }
    metrics.present = true;
    metrics.host = address->host;
    metrics.port = address->port;
    metrics.where = at(node->source());
  }

  void read_tls(const toml::table& table, Tls& tls) const {
    check_keys(table, "server.tls", kTlsKeys);
    tls.present = true;
    for (const std::string_view key :
         {std::string_view("certificate"), std::string_view("private_key")}) {
      if (table.get(key) == nullptr) {
        fail(table.source(), "server.tls: missing required key " + in_quotes(key) +
                                 "; give both certificate and private_key (PEM files), e.g. "
                                 "certificate = \"tls/server.pem\"");
      }
    }
    tls.certificate =
        path_at(*table.get("certificate"), "server.tls.certificate", tls.certificate_where);
    tls.private_key =
        path_at(*table.get("private_key"), "server.tls.private_key", tls.private_key_where);
    if (const toml::node* node = table.get("ca"))
      tls.ca = path_at(*node, "server.tls.ca", tls.ca_where);
    if (const toml::node* node = table.get("verify_client")) {
      tls.verify_client = bool_at(*node, "server.tls.verify_client");
      if (tls.verify_client && tls.ca.empty()) {
        fail(node->source(),
             "server.tls.verify_client: true needs server.tls.ca, the CA bundle (PEM) that "
             "client certificates must chain to");
      }
    }
    if (const toml::node* node = table.get("min_version")) {
      constexpr std::string_view help = R"(use "1.2" or "1.3")";
      const std::string text = string_at(*node, "server.tls.min_version", help);
      if (text == "1.2") {
        tls.min_version = TlsVersion::tls1_2;
      } else if (text == "1.3") {
        tls.min_version = TlsVersion::tls1_3;
      } else {
        fail(node->source(), "server.tls.min_version: " + in_quotes(text) +
                                 " is not a supported TLS version; " + std::string(help) +
                                 " (older versions are refused, RFC 8996)");
      }
    }
  }

  // ca, certificate and private_key: the TLS client side of a wss://
  // upstream; on a ws:// upstream they would silently do nothing.
  void read_upstream_tls(const toml::table& table, Proxy& proxy, const std::string& url) const {
    for (const std::string_view key : {std::string_view("ca"), std::string_view("certificate"),
                                       std::string_view("private_key")}) {
      const toml::node* node = table.get(key);
      if (node != nullptr && !proxy.upstream.secure) {
        fail(node->source(), "server.proxy." + std::string(key) + ": only a wss:// upstream uses " +
                                 "TLS, and " + in_quotes(url) +
                                 " is ws://; remove the key or write the upstream as wss://");
      }
    }
    if (const toml::node* node = table.get("ca"))
      proxy.ca = path_at(*node, "server.proxy.ca", proxy.ca_where);
    const toml::node* certificate = table.get("certificate");
    const toml::node* private_key = table.get("private_key");
    if ((certificate == nullptr) != (private_key == nullptr)) {
      const toml::node* given = certificate != nullptr ? certificate : private_key;
      fail(given->source(),
           "server.proxy: a client certificate for the upstream (mutual TLS) needs both "
           "certificate and private_key (PEM files); give both or neither");
    }
    if (certificate != nullptr) {
      proxy.certificate =
          path_at(*certificate, "server.proxy.certificate", proxy.certificate_where);
      proxy.private_key =
          path_at(*private_key, "server.proxy.private_key", proxy.private_key_where);
    }
  }

  void read_proxy(const toml::table& table, Proxy& proxy) const {
    check_keys(table, "server.proxy", kProxyKeys);
    proxy.present = true;
    const toml::node* upstream = table.get("upstream");
    if (upstream == nullptr) {
      fail(table.source(),
           "server.proxy: missing required key \"upstream\"; give the backend's URL, e.g. "
           "upstream = \"ws://127.0.0.1:8080/\"");
    }
    const std::string text =
        string_at(*upstream, "server.proxy.upstream", R"(e.g. "ws://127.0.0.1:8080/")");
    auto parsed = parse_upstream_url(text);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
      fail(upstream->source(), "server.proxy.upstream: " + in_quotes(text) + " " + *problem);
    }
    proxy.upstream = std::get<UpstreamUrl>(std::move(parsed));
    read_upstream_tls(table, proxy, text);
    if (const toml::node* node = table.get("connect_timeout"))
      proxy.connect_timeout = duration_at(*node, "server.proxy.connect_timeout", false);
    if (const toml::node* node = table.get("handshake_timeout"))
      proxy.handshake_timeout = duration_at(*node, "server.proxy.handshake_timeout", false);
    if (const toml::node* node = table.get("forward_headers")) {
      proxy.forward_headers.clear();
      read_tokens(*node, "server.proxy.forward_headers", R"(e.g. ["Cookie", "Authorization"])",
                  "header name (RFC 7230 section 3.2)", proxy.forward_headers);
      for (std::size_t i = 0; i < proxy.forward_headers.size(); ++i) {
        if (is_hop_or_handshake_header(proxy.forward_headers[i])) {
          fail(node->as_array()->get(i)->source(),
               "server.proxy.forward_headers[" + std::to_string(i) +
                   "]: " + in_quotes(proxy.forward_headers[i]) +
                   " belongs to one hop's handshake and is never forwarded; remove it (the "
                   "proxy sets Host, Origin, Sec-WebSocket-* and the X-Forwarded-*/Forwarded "
                   "headers itself)");
        }
      }
    }
    if (const toml::node* node = table.get("extensions")) {
      read_tokens(*node, "server.proxy.extensions", R"(e.g. ["permessage-deflate"] or [])",
                  "extension name (RFC 6455 section 9.1)", proxy.extensions);
      for (const toml::node& item : *node->as_array()) {
        proxy.extension_positions.push_back(at(item.source()));
      }
    }
  }

  // An array of distinct RFC 7230 tokens (header, extension names).
  void read_tokens(const toml::node& node, const std::string& name, std::string_view example,
                   std::string_view what, std::vector<std::string>& out) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node.source(), name + ": expected an array of strings (" + std::string(example) +
                              "), got " + describe(node));
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      const std::string item_name = name + "[" + std::to_string(i) + "]";
      std::string value = string_at(item, item_name, example);
      if (!is_token(value)) {
        fail(item.source(), item_name + ": " + in_quotes(value) + " is not a " + std::string(what) +
                                "; use letters, digits and !#$%&'*+-.^_`|~ only");
      }
      const auto same = [&](const std::string& other) { return equal_ignoring_case(other, value); };
      if (std::find_if(out.begin(), out.end(), same) != out.end()) {
        fail(item.source(), item_name + ": " + in_quotes(value) + " is listed twice; list it once");
      }
      out.push_back(std::move(value));
    }
  }

  void read_subprotocols(const toml::node& node, std::vector<std::string>& out) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node.source(),
           "server.subprotocols: expected an array of strings (e.g. [\"chat.v2\", "
           "\"chat\"]), got " +
               describe(node));
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      const std::string name = "server.subprotocols[" + std::to_string(i) + "]";
      std::string value = string_at(item, name, R"(e.g. "chat")");
      if (!is_token(value)) {
        fail(item.source(), name + ": " + in_quotes(value) +
                                " is not a token (RFC 6455 section 4.1); use letters, digits "
                                "and !#$%&'*+-.^_`|~ only");
      }
      if (std::find(out.begin(), out.end(), value) != out.end()) {
        fail(item.source(),
             name + ": " + in_quotes(value) + " is listed twice; list each subprotocol once");
      }
      out.push_back(std::move(value));
    }
  }

  void read_limits(const toml::table& table, Limits& limits) const {
    check_keys(table, "server.limits", kLimitsKeys);
    const auto size = [&](std::string_view key, std::uint64_t& field) {
      if (const toml::node* node = table.get(key)) {
        field = size_at(*node, "server.limits." + std::string(key), 1);
      }
    };
    const auto duration = [&](std::string_view key, std::chrono::milliseconds& field,
                              bool zero_allowed) {
      if (const toml::node* node = table.get(key)) {
        field = duration_at(*node, "server.limits." + std::string(key), zero_allowed);
      }
    };
    size("max_message_size", limits.max_message_size);
    size("max_frame_size", limits.max_frame_size);
    size("max_send_queue", limits.max_send_queue);
    size("max_buffered_input", limits.max_buffered_input);
    if (const toml::node* node = table.get("max_connections")) {
      limits.max_connections = static_cast<std::uint64_t>(integer_at(
          *node, "server.limits.max_connections", 1, std::numeric_limits<std::int32_t>::max()));
    }
    duration("handshake_timeout", limits.handshake_timeout, false);
    duration("idle_timeout", limits.idle_timeout, true);
    duration("ping_interval", limits.ping_interval, true);
    duration("close_timeout", limits.close_timeout, false);
  }

  void read_plugins(const toml::node& node, std::vector<PluginEntry>& out) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      fail(node.source(), "plugin: expected [[plugin]] entries (an array of tables), got " +
                              describe(node) + "; write each plugin as a [[plugin]] section");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string name = "plugin[" + std::to_string(i + 1) + "]";
      const toml::node& item = *array->get(i);
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        fail(item.source(), name + ": expected a table with a path, got " + describe(item) +
                                "; write each plugin as a [[plugin]] section");
      }
      out.push_back(read_plugin(*table, name));
    }
  }

  PluginEntry read_plugin(const toml::table& table, const std::string& name) const {
    check_keys(table, name, kPluginKeys);
    PluginEntry entry;
    const toml::node* path = table.get("path");
    if (path == nullptr) {
      fail(table.source(), name +
                               ": missing required key \"path\"; give the plugin's shared "
                               "library, absolute or relative to this file's folder");
    }
    const std::string text = string_at(*path, name + ".path", R"(e.g. "plugins/x.so")");
    if (text.empty())
      fail(path->source(), name + ".path: must not be empty; give the plugin's shared library");
    entry.path = (base_dir_ / fs::path(text)).lexically_normal();
    entry.where = at(path->source());
    if (const toml::node* node = table.get("enabled"))
      entry.enabled = bool_at(*node, name + ".enabled");
    if (const toml::node* node = table.get("params")) {
      read_params(table_at(*node, name + ".params", "[plugin.params]"), name + ".params",
                  entry.params);
    }
    return entry;
  }

  void read_params(const toml::table& table, const std::string& name,
                   std::vector<PluginParam>& out) const {
    for (auto&& [key, node] : table) {
      PluginParam param;
      param.key = std::string(key.str());
      param.where = at(key.source());
      if (const auto* text = node.as_string()) {
        param.value = text->get();
      } else if (const auto* integer = node.as_integer()) {
        param.value = integer->get();
      } else if (const auto* boolean = node.as_boolean()) {
        param.value = boolean->get();
      } else {
        fail(node.source(), name + "." + param.key +
                                ": expected a string, integer or boolean, got " + describe(node));
      }
      out.push_back(std::move(param));
    }
    // toml::table is ordered by key; the plugin sees its params in file order.
    std::sort(out.begin(), out.end(), [](const PluginParam& a, const PluginParam& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
  }

  std::string file_;
  fs::path base_dir_;
};

fs::path folder_of(const fs::path& file) {
  std::error_code error;
  fs::path absolute = fs::absolute(file, error);
  if (error) absolute = file;
  return absolute.lexically_normal().parent_path();
}

}  // namespace

Config parse_config(std::string_view toml_text, const fs::path& file) {
  const std::string file_name = file.string();
  toml::table root;
  try {
    root = toml::parse(toml_text, file_name);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    throw ConfigError({file_name, begin.line, begin.column},
                      "invalid TOML: " + std::string(error.description()));
  }
  return Reader(file_name, folder_of(file)).read(root);
}

Config load_config(const fs::path& file) {
  const std::string file_name = file.string();
  std::error_code error;
  if (!fs::exists(file, error)) {
    throw ConfigError({file_name, 0, 0}, "config file does not exist; pass --config FILE");
  }
  if (fs::is_directory(file, error)) {
    throw ConfigError({file_name, 0, 0}, "is a directory, not a config file; pass --config FILE");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError({file_name, 0, 0}, "cannot open the config file for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError({file_name, 0, 0}, "cannot read the config file");
  return parse_config(text.str(), file);
}

}  // namespace wsx::config
