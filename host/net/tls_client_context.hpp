// The proxy's TLS client context for a wss:// upstream (RFC 6455 section 3):
// built once at start-up from plain settings, shared by every upstream
// connection (net/upstream_link.hpp, one TlsStream in the client role each).
// The upstream's certificate must chain to `ca` (or the system's CAs) and
// name the upstream host; a failure fails that client's handshake with 502.
#pragma once

#include <filesystem>

#include "net/tls_context.hpp"

namespace wsx {

struct TlsClientSettings {
  // PEM CA bundle the upstream's certificate must chain to; empty = the
  // system's default CAs (OpenSSL's default paths, Debian's ca-certificates).
  std::filesystem::path ca;
  // Optional client certificate chain and key (PEM) for an upstream that
  // asks for one (mutual TLS); both or neither.
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

// Loads and checks the files (throws TlsError naming the file).
[[nodiscard]] TlsContextPtr make_tls_client_context(const TlsClientSettings& settings);

}  // namespace wsx
