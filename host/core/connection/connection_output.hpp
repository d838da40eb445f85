// The bytes a connection has produced for the socket, as whole frames.
//
// Two buffers: the one handed to the I/O layer (front(), "in flight") is
// never touched until it has been consumed entirely, so an asynchronous write
// can keep pointing into it while the connection goes on producing frames
// into the other one. When the in-flight buffer is drained the two swap, and
// both keep their capacity, so a warm connection does not allocate.
//
// Control frames the connection answers on its own (a Pong, RFC 6455 section
// 5.5.3) can jump ahead of queued data frames: they are inserted after earlier
// priority frames but before data not yet handed out. They are only ever
// inserted between frames, never inside one, and section 5.4 allows control
// frames in the middle of a fragmented message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/extensions/byte_buffer.hpp"

namespace wsx::core {

class ConnectionOutput {
 public:
  // Room for one whole frame of `bytes` bytes at the end of the queue. The
  // caller fills all of it before the next call.
  std::uint8_t* append(std::size_t bytes);
  // Room for one whole frame of `bytes` bytes ahead of queued data frames
  // (but behind frames already in flight and earlier priority frames).
  std::uint8_t* insert_priority(std::size_t bytes);

  // The next bytes to write. The span stays valid and unchanged until
  // consume() has covered it, whatever else happens to the connection.
  std::span<const std::uint8_t> front();
  // `bytes` of front() were written.
  void consume(std::size_t bytes) noexcept;

  [[nodiscard]] bool empty() const noexcept { return in_flight_remaining() == 0 && queue_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return in_flight_remaining() + queue_.size(); }
  [[nodiscard]] std::size_t capacity_bytes() const noexcept {
    return in_flight_.capacity() + queue_.capacity();
  }
  // Frees both buffers if nothing is pending.
  void shrink_when_idle() noexcept;

 private:
  [[nodiscard]] std::size_t in_flight_remaining() const noexcept {
    return in_flight_.size() - in_flight_head_;
  }

  ByteBuffer in_flight_;
  std::size_t in_flight_head_ = 0;
  ByteBuffer queue_;
  // queue_[0, priority_end_) holds priority control frames.
  std::size_t priority_end_ = 0;
};

}  // namespace wsx::core
