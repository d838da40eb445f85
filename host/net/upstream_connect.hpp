// The proxy's upstream socket, step one: a non-blocking TCP connect whose
// completion the I/O thread's ReadinessPoller reports (edge-triggered
// EPOLLOUT, or EPOLLERR/EPOLLHUP on failure), so the upstream of a client
// connection lives on that client's thread and never blocks it.
//
//   NativeSocket s = start_connect(endpoint, error);  // in progress
//   poller.add(s.fd(), token);                        // wait for EPOLLOUT
//   on the event: connect_result(s) -> ok, or connection_refused, ...
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include "net/native_socket.hpp"

namespace wsx::net {

// Opens a non-blocking socket (TCP_NODELAY, as the sessions' sockets) and
// starts connecting it. `error` is clear when the connect completed or is in
// progress (EINPROGRESS); otherwise it holds the failure and the returned
// socket is closed.
[[nodiscard]] NativeSocket start_connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                         boost::system::error_code& error) noexcept;

// After the socket became writable (or reported an error): the connect's
// outcome (SO_ERROR), e.g. boost::asio::error::connection_refused.
[[nodiscard]] boost::system::error_code connect_result(const NativeSocket& socket) noexcept;

}  // namespace wsx::net
