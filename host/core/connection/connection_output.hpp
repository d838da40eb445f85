// The bytes a connection has produced for the socket, as whole frames, and
// the one Pong it still owes.
//
// Two buffers: the one handed to the I/O layer ("in flight") holds whole
// frames and only ever shrinks from the front until it is drained, so a frame
// boundary is always at its end; the other ("queue") takes new frames. When
// the in-flight buffer is drained the two swap, and both keep their capacity,
// so a warm connection does not allocate.
//
// The Pong owed for the most recent Ping (RFC 6455 section 5.5.3: "an
// endpoint MAY elect to send a Pong frame for only the most recently processed
// Ping frame") waits in a fixed slot, not in the queue: a newer Ping replaces
// it in O(1), whatever the backlog. It goes out at the next frame boundary,
// the end of the in-flight buffer, ahead of queued data (section 5.4 allows
// control frames between the fragments of a message), so a backlog does not
// make a live peer look dead.
//
// gather() hands the I/O layer every pending byte as at most three segments
// for one writev()/sendmsg() per flush.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/extensions/byte_buffer.hpp"

namespace wsx::core {

class ConnectionOutput {
 public:
  // A Pong frame: header (2 bytes, 6 when masked) and at most 125 bytes.
  static constexpr std::size_t max_pong_frame = 2 + 4 + 125;
  // Most segments gather() returns.
  static constexpr std::size_t max_segments = 2;

  // Room for one whole frame of `bytes` bytes at the end of the queue. The
  // caller fills all of it before the next call.
  std::uint8_t* append(std::size_t bytes);
  // Room for the Pong frame owed now (`bytes` <= max_pong_frame); it
  // replaces a Pong still waiting for its turn.
  std::uint8_t* set_pending_pong(std::size_t bytes) noexcept;

  // The next bytes to write. The span stays valid and unchanged until
  // consume() has covered it, whatever else is queued meanwhile.
  std::span<const std::uint8_t> front();
  // Every pending byte, in order, as up to max_segments spans (the first is
  // front()). Returns how many were filled. Valid until the next consume()
  // or append().
  std::size_t gather(std::span<std::span<const std::uint8_t>, max_segments> segments);
  // `bytes` were written from the start of front() / gather().
  void consume(std::size_t bytes) noexcept;

  [[nodiscard]] bool empty() const noexcept {
    return in_flight_remaining() == 0 && pong_size_ == 0 && queue_.empty();
  }
  [[nodiscard]] std::size_t size() const noexcept {
    return in_flight_remaining() + pong_size_ + queue_.size();
  }
  [[nodiscard]] std::size_t capacity_bytes() const noexcept {
    return in_flight_.capacity() + queue_.capacity();
  }
  // Drops every byte not yet written except the rest of the frame being
  // written (a frame cut in half would make the rest of the stream garbage,
  // RFC 6455 section 5.2): the owed Pong, the queue, and whole in-flight
  // frames not yet begun. Used to put a Close ahead of a backlog.
  void discard_unsent() noexcept;
  // Frees both buffers if nothing is pending.
  void shrink_when_idle() noexcept;

 private:
  [[nodiscard]] std::size_t in_flight_remaining() const noexcept {
    return in_flight_.size() - in_flight_head_;
  }
  // At a frame boundary (the in-flight buffer drained): the owed Pong, then
  // the queue, become the in-flight bytes.
  void refill_in_flight();

  ByteBuffer in_flight_;
  std::size_t in_flight_head_ = 0;
  ByteBuffer queue_;
  std::array<std::uint8_t, max_pong_frame> pong_{};
  std::size_t pong_size_ = 0;
};

}  // namespace wsx::core
