// Where a proxying server sends each client connection (server.app =
// "proxy", issue 9 part 2): the upstream's address, how long it may take,
// which extensions wsx offers it as the client, and how a client's request
// becomes the upstream's. Installed with Server::set_proxy() before start();
// each accepted client handshake then opens one upstream connection on the
// client's own I/O thread (net/upstream_link.hpp) and answers the client
// only once the upstream did: never a 101 followed by a close.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "core/extensions/extension_factory.hpp"
#include "core/handshake/handshake_client.hpp"
#include "core/handshake/handshake_server.hpp"
#include "net/tls_context.hpp"

namespace wsx::net {

// Why an upstream could not be reached or refused the WebSocket.
enum class UpstreamFailure {
  refused,           // the TCP connect failed (refused, unreachable, reset)
  timed_out,         // connect_timeout or handshake_timeout passed
  rejected,          // an HTTP response other than a valid 101
  invalid_response,  // not HTTP, or a 101 that fails RFC 6455 section 4.1 checks
  tls_failed,        // wss://: the TLS handshake failed (e.g. certificate verification)
};

// 502 Bad Gateway for a refused connect or a bad answer, 504 Gateway Timeout
// for a timeout (RFC 9110 sections 15.6.3 and 15.6.5); an upstream's own
// 503 is passed on so that clients' retry logic still sees "unavailable".
[[nodiscard]] unsigned client_status_for(UpstreamFailure failure,
                                         unsigned upstream_status) noexcept;

struct ProxyRoute {
  // Resolved once at start-up (wsx-host resolves [server.proxy] upstream).
  boost::asio::ip::tcp::endpoint upstream;
  // The TCP connect's bound, then the upstream 101's; past either the
  // client gets 504.
  std::chrono::milliseconds connect_timeout{5000};
  // handshake_timeout covers a wss:// upstream's TLS handshake too.
  std::chrono::milliseconds handshake_timeout{5000};
  // wss://: the TLS client context (net/tls_client_context.hpp) and the name
  // the upstream's certificate must carry (the URL's host); null for ws://.
  TlsContextPtr tls;
  std::string server_name;
  // Client-role factories offered to the upstream, in preference order.
  core::FactoryList factories;
  // The upstream request (Host, target, Origin, the client's subprotocol
  // offer, forwarded fields) for one accepted client request.
  std::function<core::ClientHandshakeOptions(const core::HandshakeRequest& client,
                                             const boost::asio::ip::address& client_address)>
      request_for;
};

}  // namespace wsx::net
