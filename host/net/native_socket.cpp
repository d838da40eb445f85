#include "net/native_socket.hpp"

#include <boost/asio/error.hpp>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

namespace wsx::net {

namespace {

boost::system::error_code last_error() noexcept {
  return {errno, boost::system::system_category()};
}

}  // namespace

NativeSocket::NativeSocket(int fd) noexcept : fd_(fd) {
  int non_blocking = 1;
  if (fd_ >= 0) ::ioctl(fd_, FIONBIO, &non_blocking);
}

NativeSocket::NativeSocket(NativeSocket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

NativeSocket& NativeSocket::operator=(NativeSocket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

std::size_t NativeSocket::read_some(std::span<std::uint8_t> buffer,
                                    boost::system::error_code& error) noexcept {
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      error.clear();
      return static_cast<std::size_t>(n);
    }
    if (n == 0) {
      error = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    error = last_error();
    return 0;
  }
}

std::size_t NativeSocket::send(std::span<const std::uint8_t> bytes, int flags,
                               boost::system::error_code& error) noexcept {
  for (;;) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), flags | MSG_NOSIGNAL);
    if (n >= 0) {
      error.clear();
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    error = last_error();
    return 0;
  }
}

std::size_t NativeSocket::send_gathered(std::span<const std::span<const std::uint8_t>> segments,
                                        int flags, boost::system::error_code& error) noexcept {
  std::array<iovec, max_gather> vectors{};
  std::size_t count = 0;
  for (const auto& segment : segments) {
    if (count == vectors.size()) break;
    if (segment.empty()) continue;
    // iovec's base is not const for readv's sake; sendmsg only reads it.
    vectors[count++] = {const_cast<std::uint8_t*>(segment.data()), segment.size()};
  }
  msghdr message{};
  message.msg_iov = vectors.data();
  message.msg_iovlen = count;
  for (;;) {
    const ssize_t n = ::sendmsg(fd_, &message, flags | MSG_NOSIGNAL);
    if (n >= 0) {
      error.clear();
      return static_cast<std::size_t>(n);
    }
    if (errno == EINTR) continue;
    error = last_error();
    return 0;
  }
}

void NativeSocket::shutdown_send(boost::system::error_code& error) noexcept {
  if (::shutdown(fd_, SHUT_WR) == 0) {
    error.clear();
  } else {
    error = last_error();
  }
}

std::size_t NativeSocket::available(boost::system::error_code& error) const noexcept {
  int bytes = 0;
  if (::ioctl(fd_, FIONREAD, &bytes) != 0) {
    error = last_error();
    return 0;
  }
  error.clear();
  return static_cast<std::size_t>(bytes);
}

void NativeSocket::close() noexcept {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

}  // namespace wsx::net
