#include "support/tcp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace wsx::integration {

namespace {

// Milliseconds left until `deadline`, for poll(); 0 once it passed.
int poll_timeout(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  // Bounded: each pass either returns or waits for the time left, and EINTR
  // can only repeat until the deadline passes.
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, poll_timeout(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR || Clock::now() >= deadline) return false;
  }
}

}  // namespace

TcpSocket TcpSocket::connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  TcpSocket socket(fd);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // A loopback connect completes (or is refused) at once: no timeout needed.
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " +
                             std::strerror(errno));
  }
  // Small frames go out at once, as a browser's would.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return socket;
}

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TcpSocket::~TcpSocket() {
  close();
}

void TcpSocket::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TcpSocket::write_all(std::span<const std::uint8_t> bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t written = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (written > 0) {
      bytes = bytes.subspan(static_cast<std::size_t>(written));
      continue;
    }
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_for(fd_, POLLOUT, deadline)) return false;
      continue;
    }
    return false;  // EPIPE, ECONNRESET: the peer is gone
  }
  return true;
}

ReadStatus TcpSocket::read_some(std::vector<std::uint8_t>& out, Clock::time_point deadline) {
  constexpr std::size_t chunk = 64 * 1024;
  for (;;) {
    if (!wait_for(fd_, POLLIN, deadline)) return ReadStatus::timeout;
    const std::size_t old_size = out.size();
    out.resize(old_size + chunk);
    const ssize_t got = ::recv(fd_, out.data() + old_size, chunk, MSG_DONTWAIT);
    out.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    if (got > 0) return ReadStatus::data;
    if (got == 0) return ReadStatus::eof;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
      if (Clock::now() >= deadline) return ReadStatus::timeout;
      continue;
    }
    return ReadStatus::error;
  }
}

void TcpSocket::shutdown_write() noexcept {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

}  // namespace wsx::integration
