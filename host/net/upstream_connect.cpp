#include "net/upstream_connect.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

namespace wsx::net {

namespace {

boost::system::error_code from_errno(int value) noexcept {
  return {value, boost::system::system_category()};
}

}  // namespace

NativeSocket start_connect(const boost::asio::ip::tcp::endpoint& endpoint,
                           boost::system::error_code& error) noexcept {
  error.clear();
  const int family = endpoint.protocol().family();
  NativeSocket socket(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket.is_open()) {
    error = from_errno(errno);
    return socket;
  }
  // Frames are written whole; Nagle's delay would only add latency.
  const int one = 1;
  (void)::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto* address = static_cast<const sockaddr*>(endpoint.data());
  if (::connect(socket.fd(), address, static_cast<socklen_t>(endpoint.size())) != 0 &&
      errno != EINPROGRESS) {
    error = from_errno(errno);
    socket.close();
  }
  return socket;
}

boost::system::error_code connect_result(const NativeSocket& socket) noexcept {
  int value = 0;
  socklen_t size = sizeof value;
  if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &value, &size) != 0) return from_errno(errno);
  return from_errno(value);
}

}  // namespace wsx::net
