// [server.proxy]: where the proxy app (server.app = "proxy") forwards each
// connection, and how it opens the upstream one. Plain data.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/upstream_url.hpp"

namespace wsx::config {

struct Proxy {
  // Whether the file had a [server.proxy] table (the proxy app needs one).
  bool present = false;
  UpstreamUrl upstream;
  // Time allowed for the upstream's TCP connect; past it the client gets 504.
  std::chrono::milliseconds connect_timeout{5000};
  // Time allowed for the upstream's 101 once connected; past it, 504.
  std::chrono::milliseconds handshake_timeout{5000};
  // Client request headers copied onto the upstream request, as written
  // (matched case-insensitively, RFC 7230 section 3.2). The proxy's own
  // X-Forwarded-For, X-Forwarded-Proto, Forwarded (RFC 7239) and Origin
  // are always sent.
  std::vector<std::string> forward_headers{"Cookie", "Authorization", "User-Agent"};
  // Extensions wsx offers the upstream (acting as the client, with the
  // loaded plugins' client factories), in preference order; empty = none.
  std::vector<std::string> extensions;

  friend bool operator==(const Proxy&, const Proxy&) = default;
};

}  // namespace wsx::config
