// wsx-client's command line, parsed (Boost.Program_options, like wsx-host).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/upstream_url.hpp"
#include "core/handshake/http_head.hpp"

namespace wsx::client {

// A bad command line (exit 2 in main; everything else fails with 1).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ClientOptions {
  config::UpstreamUrl url;
  // --config: its enabled [[plugin]] entries' CLIENT factories make the offer.
  std::optional<std::filesystem::path> config_file;
  // --plugin: more plugins, loaded with their default parameters.
  std::vector<std::filesystem::path> plugins;
  // --offer: hand-written Sec-WebSocket-Extensions items; when given they
  // replace the factories' offers (the factories still accept the response).
  std::vector<std::string> offers;
  std::vector<std::string> subprotocols;
  core::HttpHeaders headers;  // --header 'K: V'
  std::optional<std::string> origin;
  bool binary = false;
  std::optional<std::uint64_t> count;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<std::filesystem::path> ca_file;  // --ca (wss://)
  bool quiet = false;
};

enum class ParseResult { run, help, version };

// Parses argv; throws UsageError. On help/version `text` holds what to print.
ParseResult parse_client_options(int argc, char** argv, ClientOptions& options, std::string& text);

}  // namespace wsx::client
