#include "core/connection/connection_output.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace wsx::core {

namespace {
// A buffer grown past this by a big message is freed once drained, so a
// connection that sent one huge message does not keep the memory for good.
// Up to it the buffer is kept until the session's idle shrink
// (shrink_when_idle): a stream of 1 MiB messages then reuses one buffer
// instead of a fresh allocation and its page faults for every message.
constexpr std::size_t retained_capacity = 2 * 1024 * 1024;
}  // namespace

std::uint8_t* ConnectionOutput::append(std::size_t bytes) {
  std::uint8_t* slot = queue_.reserve(bytes);
  queue_.commit(bytes);
  return slot;
}

std::uint8_t* ConnectionOutput::set_pending_pong(std::size_t bytes) noexcept {
  pong_size_ = std::min(bytes, pong_.size());
  return pong_.data();
}

void ConnectionOutput::refill_in_flight() {
  if (in_flight_remaining() != 0) return;
  in_flight_.clear();
  in_flight_head_ = 0;
  if (pong_size_ != 0) {
    // The Pong moves into the in-flight buffer so that the slot is free for
    // a newer one while this one is being written (a copy of <= 131 bytes).
    // The queue follows it in the next segment.
    in_flight_.append(pong_.data(), pong_size_);
    pong_size_ = 0;
    return;
  }
  if (queue_.empty()) return;
  std::swap(in_flight_, queue_);
  if (queue_.capacity() > retained_capacity) queue_.release();
}

std::span<const std::uint8_t> ConnectionOutput::front() {
  refill_in_flight();
  return {in_flight_.data() + in_flight_head_, in_flight_remaining()};
}

std::size_t ConnectionOutput::gather(
    std::span<std::span<const std::uint8_t>, max_segments> segments) {
  std::size_t count = 0;
  if (const auto first = front(); !first.empty()) segments[count++] = first;
  // front() took the owed Pong, so what follows the in-flight frames is
  // the queue.
  if (!queue_.empty()) segments[count++] = queue_.bytes();
  return count;
}

void ConnectionOutput::consume(std::size_t bytes) noexcept {
  const std::size_t from_in_flight = std::min(bytes, in_flight_remaining());
  in_flight_head_ += from_in_flight;
  bytes -= from_in_flight;
  if (in_flight_remaining() != 0) return;
  // The in-flight frames are all out: a frame boundary.
  in_flight_.clear();
  in_flight_head_ = 0;
  if (in_flight_.capacity() > retained_capacity) in_flight_.release();
  if (bytes == 0) return;
  // The write went on into the queue (gather()'s second segment): the queue
  // becomes in flight with those bytes already written. No Pong can have
  // been set in between, so order is kept.
  std::swap(in_flight_, queue_);
  in_flight_head_ = std::min(bytes, in_flight_.size());
  if (in_flight_remaining() == 0) {
    in_flight_.clear();
    in_flight_head_ = 0;
  }
}

void ConnectionOutput::shrink_when_idle() noexcept {
  if (!empty()) return;
  in_flight_.release();
  in_flight_head_ = 0;
  queue_.release();
}

namespace {

// The size of the frame whose header starts at `frame` (RFC 6455 section
// 5.2): the base header, the extended length, the masking key, the payload.
// The in-flight buffer holds whole frames that this library encoded, so the
// header is complete and well formed.
std::size_t frame_size(const std::uint8_t* frame) noexcept {
  const std::uint8_t length7 = frame[1] & 0x7f;
  std::size_t header = 2;
  std::uint64_t payload = length7;
  if (length7 == 126) {
    payload = (std::uint64_t{frame[2]} << 8) | frame[3];
    header += 2;
  } else if (length7 == 127) {
    payload = 0;
    for (int i = 0; i < 8; ++i) payload = (payload << 8) | frame[2 + i];
    header += 8;
  }
  if ((frame[1] & 0x80) != 0) header += 4;
  return header + static_cast<std::size_t>(payload);
}

}  // namespace

void ConnectionOutput::discard_unsent() noexcept {
  // Walk the in-flight frames from the start of the buffer to the one the
  // write position is in; keep up to its end. A write position on a frame
  // boundary keeps nothing more.
  std::size_t end = 0;
  while (end < in_flight_head_) end += frame_size(in_flight_.data() + end);
  in_flight_.truncate(end);
  pong_size_ = 0;
  queue_.clear();
}

}  // namespace wsx::core
