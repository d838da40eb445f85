// A connected TCP socket held as a plain, non-blocking file descriptor.
//
// Why not an Asio socket: Asio 1.74's epoll reactor re-arms every wait with
// an epoll_ctl(EPOLL_CTL_MOD), one system call per message received. The
// sessions of an I/O thread instead register once, edge-triggered, with the
// thread's ReadinessPoller, and do their own non-blocking reads and writes
// here. Errors come back as boost::system::error_code values compatible with
// Asio's (asio::error::would_block, asio::error::eof), so callers test them
// the same way.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace wsx::net {

class NativeSocket {
 public:
  NativeSocket() noexcept = default;
  // Takes ownership of `fd` (a connected stream socket) and makes it
  // non-blocking.
  explicit NativeSocket(int fd) noexcept;
  ~NativeSocket() { close(); }
  NativeSocket(NativeSocket&& other) noexcept;
  NativeSocket& operator=(NativeSocket&& other) noexcept;
  NativeSocket(const NativeSocket&) = delete;
  NativeSocket& operator=(const NativeSocket&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }

  // recv() into `buffer`. 0 bytes with asio::error::eof at end of stream;
  // asio::error::would_block when nothing is there.
  std::size_t read_some(std::span<std::uint8_t> buffer, boost::system::error_code& error) noexcept;
  // send() with `flags` (MSG_NOSIGNAL is always added: a peer that went
  // away is an error value, not a SIGPIPE).
  std::size_t send(std::span<const std::uint8_t> bytes, int flags,
                   boost::system::error_code& error) noexcept;
  // One sendmsg() of up to max_gather segments in order (a gathered write:
  // a frame header and its payload, or the 101 and the first frames, leave in
  // one system call without being copied together). Flags as send().
  static constexpr std::size_t max_gather = 4;
  std::size_t send_gathered(std::span<const std::span<const std::uint8_t>> segments, int flags,
                            boost::system::error_code& error) noexcept;
  // shutdown(SHUT_WR): sends FIN, keeps reading.
  void shutdown_send(boost::system::error_code& error) noexcept;
  // Bytes received and not yet read (FIONREAD).
  std::size_t available(boost::system::error_code& error) const noexcept;
  void close() noexcept;

 private:
  int fd_ = -1;
};

}  // namespace wsx::net
