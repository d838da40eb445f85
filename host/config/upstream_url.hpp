// The [server.proxy] upstream: a ws:// (or, once [server.tls] lands,
// wss://) URL as in RFC 6455 section 3, split into what a connect and an
// opening handshake need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace wsx::config {

struct UpstreamUrl {
  // "wss" URLs need TLS towards the upstream (RFC 6455 section 3).
  bool secure = false;
  // Without brackets for IPv6 ("::1").
  std::string host;
  // 80 for ws://, 443 for wss:// when the URL names none.
  std::uint16_t port = 80;
  // Path and query as sent in the request line ("/chat?room=1"); "/" when the
  // URL has no path. RFC 6455 section 3: fragments are not allowed.
  std::string target = "/";

  // What goes in the upstream request's Host header (RFC 7230 section 5.4):
  // the port only when it is not the scheme's default.
  [[nodiscard]] std::string host_header() const;

  friend bool operator==(const UpstreamUrl&, const UpstreamUrl&) = default;
};

// Either the URL or a message saying what is wrong with it and how to write
// it ("... use ws://HOST:PORT/PATH").
[[nodiscard]] std::variant<UpstreamUrl, std::string> parse_upstream_url(std::string_view text);

}  // namespace wsx::config
