// The proxy app's two sans-I/O decisions about the upstream handshake:
// what the upstream request carries (from the client's request and
// [server.proxy]), and which HTTP status the client gets when the upstream
// does not answer 101 (issue 9 part 2: never a 101 followed by a close).
#pragma once

#include <boost/asio/ip/address.hpp>

#include "config/proxy_config.hpp"
#include "core/handshake/handshake_client.hpp"
#include "core/handshake/handshake_server.hpp"
#include "net/proxy_route.hpp"

namespace wsx::app {

// The upstream request for one client request:
//  - target: the upstream URL's path as a prefix of the client's target
//    ("/api" + "/chat?x" -> "/api/chat?x"); an upstream URL with a query is
//    used as it is;
//  - Origin and the subprotocol offer as the client sent them (the
//    upstream's choice is returned to the client);
//  - the forward_headers fields, every occurrence, in the client's order;
//  - X-Forwarded-For and Forwarded (RFC 7239) extended with this hop (the
//    client's address, "http" or "https"), X-Forwarded-Proto set.
[[nodiscard]] core::ClientHandshakeOptions upstream_handshake_options(
    const config::Proxy& proxy, const core::HandshakeRequest& client,
    const boost::asio::ip::address& client_address, bool client_uses_tls);

// The failure kinds and their client statuses live with the forwarding
// (net/proxy_route.hpp); named here too for the app's callers.
using net::client_status_for;
using net::UpstreamFailure;

}  // namespace wsx::app
