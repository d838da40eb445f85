// [server.proxy]: where the proxy app (server.app = "proxy") forwards each
// connection, and how it opens the upstream one. Plain data.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "config/source_position.hpp"
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
  // Where each of `extensions` is written, for "no loaded plugin provides
  // it" errors (checked once the plugins are loaded).
  std::vector<SourcePosition> extension_positions;

  // Positions are left out: moving a line is not a change of settings.
  friend bool operator==(const Proxy& a, const Proxy& b) {
    return a.present == b.present && a.upstream == b.upstream &&
           a.connect_timeout == b.connect_timeout && a.handshake_timeout == b.handshake_timeout &&
           a.forward_headers == b.forward_headers && a.extensions == b.extensions;
  }
};

}  // namespace wsx::config
