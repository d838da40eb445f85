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

std::uint8_t* ConnectionOutput::insert_priority(std::size_t bytes) {
  queue_.reserve(bytes);
  std::uint8_t* base = queue_.data();
  const std::size_t behind = queue_.size() - priority_end_;
  // Open a gap at priority_end_; the data frames after it move back intact.
  if (behind != 0) std::memmove(base + priority_end_ + bytes, base + priority_end_, behind);
  queue_.commit(bytes);
  std::uint8_t* slot = base + priority_end_;
  priority_end_ += bytes;
  return slot;
}

std::span<const std::uint8_t> ConnectionOutput::front() {
  if (in_flight_remaining() == 0 && !queue_.empty()) {
    // The in-flight buffer is drained: the queue becomes the in-flight one.
    std::swap(in_flight_, queue_);
    in_flight_head_ = 0;
    queue_.clear();
    priority_end_ = 0;
    if (queue_.capacity() > retained_capacity) queue_.release();
  }
  return {in_flight_.data() + in_flight_head_, in_flight_remaining()};
}

void ConnectionOutput::consume(std::size_t bytes) noexcept {
  in_flight_head_ += std::min(bytes, in_flight_remaining());
  if (in_flight_remaining() != 0) return;
  in_flight_.clear();
  in_flight_head_ = 0;
  if (in_flight_.capacity() > retained_capacity) in_flight_.release();
}

void ConnectionOutput::shrink_when_idle() noexcept {
  if (!empty()) return;
  in_flight_.release();
  in_flight_head_ = 0;
  queue_.release();
  priority_end_ = 0;
}

}  // namespace wsx::core
