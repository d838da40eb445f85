// ws://: a non-blocking TCP socket, connected with a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "client/transport.hpp"

namespace wsx::client {

class TcpTransport final : public Transport {
 public:
  // Resolves `host` and connects to the first address that accepts before
  // `deadline`. Throws TransportError naming the host, port and errno text.
  TcpTransport(const std::string& host, std::uint16_t port,
               std::chrono::steady_clock::time_point deadline);
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  [[nodiscard]] int fd() const noexcept override { return fd_; }
  IoResult read(std::span<std::uint8_t> buffer) override;
  IoResult write(std::span<const std::uint8_t> bytes) override;

 private:
  int fd_ = -1;
};

// Waits for `events` on `fd` until `deadline`; returns revents, 0 on timeout.
// time_point::max() waits for ever.
short wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline);

}  // namespace wsx::client
