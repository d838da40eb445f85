#include "client/tcp_transport.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace wsx::client {

namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoDeleter {
  void operator()(addrinfo* list) const noexcept { ::freeaddrinfo(list); }
};

std::string where(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// One non-blocking connect attempt; returns the fd or -1 with `error` set.
int try_connect(const addrinfo& address, Clock::time_point deadline, std::string& error) {
  const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                          address.ai_protocol);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int status = ::connect(fd, address.ai_addr, address.ai_addrlen);
  if (status != 0 && errno == EINPROGRESS) {
    if (wait_fd(fd, POLLOUT, deadline) == 0) {
      ::close(fd);
      error = "timed out";
      return -1;
    }
    int so_error = 0;
    socklen_t length = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &length);
    errno = so_error;
    status = so_error == 0 ? 0 : -1;
  }
  if (status != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

short wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    int wait_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return 0;
      wait_ms = static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30));
    }
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw TransportError(std::string("poll: ") + std::strerror(errno));
    if (ready > 0) return entry.revents;
  }
}

TcpTransport::TcpTransport(const std::string& host, std::uint16_t port,
                           Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
      status != 0) {
    throw TransportError("cannot resolve " + host + ": " + ::gai_strerror(status));
  }
  const std::unique_ptr<addrinfo, AddrInfoDeleter> list(found);
  std::string error = "no address";
  for (const addrinfo* address = list.get(); address != nullptr; address = address->ai_next) {
    fd_ = try_connect(*address, deadline, error);
    if (fd_ >= 0) return;
  }
  throw TransportError("cannot connect to " + where(host, port) + ": " + error);
}

TcpTransport::~TcpTransport() {
  if (fd_ >= 0) ::close(fd_);
}

IoResult TcpTransport::read(std::span<std::uint8_t> buffer) {
  for (;;) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (got > 0) return {IoResult::Status::done, static_cast<std::size_t>(got)};
    if (got == 0) return {IoResult::Status::eof, 0};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoResult::Status::would_block, 0};
    throw TransportError(std::string("recv: ") + std::strerror(errno));
  }
}

IoResult TcpTransport::write(std::span<const std::uint8_t> bytes) {
  for (;;) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent >= 0) return {IoResult::Status::done, static_cast<std::size_t>(sent)};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return {IoResult::Status::would_block, 0};
    throw TransportError(std::string("send: ") + std::strerror(errno));
  }
}

}  // namespace wsx::client
