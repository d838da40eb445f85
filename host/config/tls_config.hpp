// [server.tls]: the certificate and key that turn the listener into wss://
// (RFC 6455 section 3: "wss" is WebSocket over TLS), optional client
// certificate verification (mutual TLS), and the oldest TLS version
// accepted. Plain data: host/net builds the TLS context from the paths.
#pragma once

#include <filesystem>

#include "config/source_position.hpp"

namespace wsx::config {

// Oldest protocol accepted; older ones (SSL 3, TLS 1.0/1.1, RFC 8996) never.
enum class TlsVersion { tls1_2, tls1_3 };

struct Tls {
  // Whether the file had a [server.tls] table: without one the listener
  // speaks plain ws://.
  bool present = false;
  // PEM certificate chain (leaf first) and its private key; absolute and
  // normalised, a relative path being resolved against the config file's
  // folder (like [[plugin]] paths).
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  // PEM CA bundle that client certificates must chain to; empty = none.
  std::filesystem::path ca;
  // Require and verify a client certificate against `ca` (mutual TLS).
  bool verify_client = false;
  TlsVersion min_version = TlsVersion::tls1_2;
  // Where each path was written, for "cannot load" messages.
  SourcePosition certificate_where;
  SourcePosition private_key_where;
  SourcePosition ca_where;

  // Positions are left out: moving a line is not a change of settings.
  friend bool operator==(const Tls& a, const Tls& b) {
    return a.present == b.present && a.certificate == b.certificate &&
           a.private_key == b.private_key && a.ca == b.ca && a.verify_client == b.verify_client &&
           a.min_version == b.min_version;
  }
};

}  // namespace wsx::config
