// The byte stream under wsx-client: plain TCP (ws://) or TLS over it (wss://).
// Non-blocking; the session drives it with poll(2) on fd().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

namespace wsx::client {

// A transport failure (connect refused, TLS verification failed, ...).
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct IoResult {
  enum class Status { done, would_block, eof };
  Status status = Status::done;
  std::size_t bytes = 0;  // transferred (done only)
};

class Transport {
 public:
  virtual ~Transport() = default;
  [[nodiscard]] virtual int fd() const noexcept = 0;
  // Throw TransportError on a hard error.
  virtual IoResult read(std::span<std::uint8_t> buffer) = 0;
  virtual IoResult write(std::span<const std::uint8_t> bytes) = 0;
  // poll(2) events to wait for before retrying an operation that returned
  // would_block: TLS may need to write to finish a read, or the reverse.
  [[nodiscard]] virtual short read_events() const noexcept { return 0x001; /* POLLIN */ }
  [[nodiscard]] virtual short write_events() const noexcept { return 0x004; /* POLLOUT */ }
  // Sends what ends the stream from our side (TLS close_notify); best effort.
  virtual void shutdown() noexcept {}
};

}  // namespace wsx::client
