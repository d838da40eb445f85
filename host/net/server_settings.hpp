// The part of a server's configuration that a reload may replace: the
// extension factories and the limits. Immutable once built and shared by
// pointer, so an I/O thread swaps one pointer to pick up a reload while its
// open connections keep the snapshot (and the plugin libraries) they began with.
#pragma once

#include "core/extensions/extension_factory.hpp"
#include "core/handshake/handshake_server.hpp"
#include "net/server_limits.hpp"
#include "net/tls_context.hpp"

namespace wsx::net {

struct ServerSettings {
  // Server-role factories in negotiation order.
  core::FactoryList factories;
  ServerLimits limits;
  // Sec-WebSocket-Protocol values (server preference first) and the request
  // head limit, built once instead of for every handshake.
  core::ServerHandshakeOptions handshake;
  // Set: new connections speak TLS with this context (a reload may bring a
  // new certificate; each session keeps the context it was accepted with).
  TlsContextPtr tls;
};

}  // namespace wsx::net
