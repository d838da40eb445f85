// How logs and ConnectionInfo spell a TCP endpoint: "127.0.0.1:5555" or
// "[::1]:5555" (RFC 3986 section 3.2.2 brackets an IPv6 literal, so the
// port's colon stays unambiguous).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace wsx::net {

[[nodiscard]] std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace wsx::net
