// What a wsx::Server is built from: where to listen, how many I/O threads,
// which subprotocols the application speaks, and the resource limits.
// Plain data: wsx-host fills it from its TOML file (host/app), an embedding
// program by hand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "net/server_limits.hpp"
#include "net/tls_context.hpp"

namespace wsx {

struct ServerOptions {
  // IP literal or host name to listen on (IPv6 without brackets, "::1").
  std::string address = "127.0.0.1";
  // 0 picks a free port; Server::local_endpoint() tells which.
  std::uint16_t port = 0;
  // One io_context and one thread per I/O thread; a connection lives on one
  // thread for its whole life (at least 1).
  std::uint32_t io_threads = 1;
  // Sec-WebSocket-Protocol values, preferred first: the server picks the
  // first of these that the client offered (RFC 6455 section 4.2.2, item 5.4).
  std::vector<std::string> subprotocols;
  // Sizes, counts and timeouts (see ServerLimits for each one).
  ServerLimits limits;
  // Appended to the startup line: "listening on ADDR:PORT (N I/O thread,
  // <banner>)". wsx-host puts the app and the loaded plugins here.
  std::string banner;
  // Set: the listener speaks TLS (wss://) with this context; null: plain
  // ws://. Built by make_tls_context (net/tls_context.hpp).
  TlsContextPtr tls;
};

}  // namespace wsx
