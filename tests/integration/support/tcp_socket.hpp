// A connected loopback TCP socket (POSIX, RAII) whose every wait is bounded
// by a deadline, so a server that misbehaves fails a test instead of hanging
// it.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wsx::integration {

using Clock = std::chrono::steady_clock;

enum class ReadStatus { data, timeout, eof, error };

class TcpSocket {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error on failure.
  static TcpSocket connect_loopback(std::uint16_t port);

  TcpSocket(TcpSocket&& other) noexcept;
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;
  ~TcpSocket();

  // Writes every byte before `deadline`; false if the peer is gone (EPIPE,
  // ECONNRESET) or the deadline passed. Never raises SIGPIPE.
  bool write_all(std::span<const std::uint8_t> bytes, Clock::time_point deadline);
  bool write_all(std::string_view text, Clock::time_point deadline) {
    return write_all({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, deadline);
  }

  // Appends what is available to `out`, waiting until `deadline` for the
  // first byte.
  ReadStatus read_some(std::vector<std::uint8_t>& out, Clock::time_point deadline);

  // Sends FIN (no more data from us), keeps the read side open.
  void shutdown_write() noexcept;

 private:
  explicit TcpSocket(int fd) noexcept : fd_(fd) {}
  void close() noexcept;

  int fd_ = -1;
};

}  // namespace wsx::integration
