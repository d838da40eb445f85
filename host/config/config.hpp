// The host's configuration: one typed, validated value built from a TOML file
// (see config/wsx.toml for every key documented). Plain data, header-only:
// nothing here parses or does I/O, so host/plugins and host/net use it
// without linking the TOML reader.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/proxy_config.hpp"
#include "config/source_position.hpp"
#include "config/tls_config.hpp"
#include "log/log.hpp"

namespace wsx::config {

// What the host does with the messages it receives (host/app).
enum class App { echo, broadcast, proxy };

// [server.metrics]: where the metrics listener (GET /metrics, /healthz,
// /readyz, /status.json, /) listens. Off unless the table is there.
struct Metrics {
  bool present = false;
  // Without brackets for IPv6 ("::1"); port 0 picks a free one.
  std::string host = "127.0.0.1";
  std::uint16_t port = 9102;
  SourcePosition where;  // of the listen value
  friend bool operator==(const Metrics& a, const Metrics& b) {
    return a.present == b.present && a.host == b.host && a.port == b.port;
  }
};

// Per-connection and server-wide resource limits. Sizes are bytes.
struct Limits {
  // Largest message accepted after decoding (RFC 6455 section 10.4); a bigger
  // one closes the connection with 1009.
  std::uint64_t max_message_size = 16ull << 20;
  // Outgoing messages are fragmented into frames of at most this payload.
  std::uint64_t max_frame_size = 1ull << 20;
  // Sockets beyond this are still accepted and read, then answered with
  // HTTP 503 instead of the upgrade (net::ServerLimits, Session's over_limit).
  std::uint64_t max_connections = 10000;
  // Bytes queued for a slow reader before its connection is closed.
  std::uint64_t max_send_queue = 4ull << 20;
  // Server-wide: bytes of incomplete messages (frames not fully arrived,
  // fragments of messages in progress) held across every connection; the
  // connection whose read would take the total past it is closed with 1013.
  std::uint64_t max_buffered_input = 256ull << 20;
  // Time allowed to complete the opening handshake.
  std::chrono::milliseconds handshake_timeout{5000};
  // A connection with no traffic for this long is closed; 0 = never.
  std::chrono::milliseconds idle_timeout{60000};
  // Send a ping after this much idleness (keepalive); 0 = never.
  std::chrono::milliseconds ping_interval{0};
  // Time to wait for the peer's close frame and TCP close (RFC 6455 7.1.1).
  std::chrono::milliseconds close_timeout{5000};
};

struct Server {
  // IP literal or host name to listen on (IPv6 without brackets, e.g. "::1").
  std::string address = "127.0.0.1";
  // 0 picks a free port.
  std::uint16_t port = 9001;
  std::uint32_t io_threads = 1;
  App app = App::echo;
  // Sec-WebSocket-Protocol values the app supports, preferred first
  // (RFC 6455 section 4.2.2: the server selects one of the client's).
  std::vector<std::string> subprotocols;
  LogLevel log_level = LogLevel::info;
  Limits limits;
  // [server.proxy], used by app = "proxy".
  Proxy proxy;
  // [server.tls]: wss:// when present.
  Tls tls;
  // [server.metrics]: the metrics listener, off when absent.
  Metrics metrics;
};

// One value of a [[plugin]] params table, with its TOML type kept: the host
// checks it against the plugin's declared wsx_param_spec before create().
using PluginParamValue = std::variant<std::string, std::int64_t, bool>;

struct PluginParam {
  std::string key;
  PluginParamValue value;
  SourcePosition where;
};

struct PluginEntry {
  // Absolute and normalised; a relative path in the file is resolved
  // against the folder of the config file.
  std::filesystem::path path;
  bool enabled = true;
  // In the order they appear in the file.
  std::vector<PluginParam> params;
  // Position of the `path` value, for messages about this plugin.
  SourcePosition where;
};

struct Config {
  // The config file as named by the user (empty for a default Config).
  std::string file;
  Server server;
  // In file order: negotiation tries factories in this order.
  std::vector<PluginEntry> plugins;
};

// "string", "integer" or "boolean".
[[nodiscard]] inline std::string_view type_name(const PluginParamValue& value) noexcept {
  switch (value.index()) {
    case 0:
      return "string";
    case 1:
      return "integer";
    default:
      return "boolean";
  }
}

// "echo", "broadcast" or "proxy", as written in the config file.
[[nodiscard]] constexpr std::string_view to_string(App app) noexcept {
  switch (app) {
    case App::broadcast:
      return "broadcast";
    case App::proxy:
      return "proxy";
    default:
      return "echo";
  }
}

}  // namespace wsx::config
