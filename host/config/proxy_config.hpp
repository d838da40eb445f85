// [server.proxy]: where the proxy app (server.app = "proxy") forwards each
// connection, and how it opens the upstream one. Plain data.
#pragma once

#include <chrono>
#include <filesystem>
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
  // wss:// upstreams only (TLS towards the upstream, RFC 6455 section 3).
  // The PEM CA bundle the upstream's certificate must chain to; empty = the
  // system's CAs. The certificate must also name the URL's host (a DNS name,
  // sent as SNI, or an IP address). Absolute and normalised, a relative path
  // being resolved against the config file's folder.
  std::filesystem::path ca;
  // Optional client certificate chain and key (PEM) presented to an
  // upstream that asks for one (mutual TLS); both or neither.
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  SourcePosition ca_where;
  SourcePosition certificate_where;
  SourcePosition private_key_where;
  // Where each of `extensions` is written, for "no loaded plugin provides
  // it" errors (checked once the plugins are loaded).
  std::vector<SourcePosition> extension_positions;

  // Positions are left out: moving a line is not a change of settings.
  friend bool operator==(const Proxy& a, const Proxy& b) {
    return a.present == b.present && a.upstream == b.upstream &&
           a.connect_timeout == b.connect_timeout && a.handshake_timeout == b.handshake_timeout &&
           a.forward_headers == b.forward_headers && a.extensions == b.extensions && a.ca == b.ca &&
           a.certificate == b.certificate && a.private_key == b.private_key;
  }
};

}  // namespace wsx::config
