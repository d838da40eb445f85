// The command line of wsx-bench. The A/B scripts are written against exactly
// these names and defaults: change them only together with those scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsx::bench {

enum class Scenario { echo, pipeline, large, storm, idle, raw_echo, zlib_limit };

// What a run sends: the text corpus, or --size binary payloads (what large
// sends; raw-echo and zlib-limit send them with --payload large, so that
// they are the limits of large and large --deflate).
enum class Payload { text, large };

[[nodiscard]] std::string_view to_string(Scenario scenario) noexcept;

struct BenchOptions {
  std::string host = "127.0.0.1";  // an IP literal: the tool only dials loopback peers
  std::uint16_t port = 0;
  std::string path = "/";
  Scenario scenario = Scenario::echo;
  std::uint32_t connections = 64;
  double duration_s = 5;
  std::uint64_t max_messages = 10'000'000;
  std::uint32_t depth = 16;         // pipeline: messages in flight per connection
  std::uint64_t size = 1 << 20;     // large (and --payload large): bytes per message
  Payload payload = Payload::text;  // large: always Payload::large
  double hold_s = 10;               // idle: how long the connections stay open
  double timeout_s = 10;            // connect, handshake, each echo, closing handshake
  // wss://: TLS over every connection (net::TlsStream, client role); `ca`
  // empty = the server's certificate is not verified (loopback test cert).
  bool tls = false;
  std::string ca;
  bool deflate = false;
  // The permessage-deflate offer's parameters (RFC 7692 section 7.1). The
  // default is what browsers offer.
  std::string deflate_params = "client_max_window_bits";
  std::string plugin;  // wsx_permessage_deflate.so; empty: the one built with us
  // --extension-plugin (repeatable): more extension plugins loaded in the
  // client role and offered after permessage-deflate, in this order.
  std::vector<std::string> extension_plugins;
  std::uint64_t seed = 1;
  int level = 6;  // zlib-limit: deflateInit2 level, windowBits, memLevel
  int window_bits = 15;
  int mem_level = 8;
};

struct ParsedOptions {
  std::optional<BenchOptions> options;  // empty: help was printed, or `error` is set
  std::optional<std::string> error;
};

// Parses argv; `help` receives the usage text when --help is given.
[[nodiscard]] ParsedOptions parse_options(int argc, const char* const* argv, std::string& help);

}  // namespace wsx::bench
