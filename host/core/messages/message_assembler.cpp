#include "core/messages/message_assembler.hpp"

#include "core/framing/frame.hpp"

namespace wsx::core {

namespace {
// A buffer grown past this by a big message is freed once drained, so a
// connection that sent one huge message does not keep the memory for good.
// Up to it the buffer is kept until the session's idle shrink
// (shrink_when_idle): a stream of 1 MiB messages then reuses one buffer
// instead of a fresh allocation and its page faults for every message.
constexpr std::size_t retained_capacity = 2 * 1024 * 1024;
}  // namespace

MessageAssembler::Status MessageAssembler::add(std::uint8_t frame_opcode, bool fin,
                                               std::span<const std::uint8_t> payload,
                                               std::uint64_t max_size) {
  const bool first = frame_opcode != opcode::continuation;
  const std::uint8_t kind = first ? frame_opcode : opcode_;
  if (first) utf8_.reset();
  if (payload.size() > max_size || size() > max_size - payload.size()) return Status::too_big;
  // 8.1: fail on the first byte that cannot start or continue valid UTF-8,
  // even if the message is not over yet; and a message may end only on a
  // character boundary.
  if (kind == opcode::text && (!utf8_.feed(payload) || (fin && !utf8_.complete())))
    return Status::invalid_utf8;

  if (stream_) {
    // The frame goes on at once; only its size and UTF-8 state stay.
    streamed_ += payload.size();
    opcode_ = fin ? 0 : kind;
    message_opcode_ = kind;
    message_ = payload;
    return Status::fragment;
  }
  if (first && fin) {
    // Unfragmented: deliver the frame's payload in place.
    message_opcode_ = kind;
    message_ = payload;
    return Status::complete;
  }
  assembly_.append(payload.data(), payload.size());
  if (!fin) {
    opcode_ = kind;
    return Status::partial;
  }
  opcode_ = 0;
  message_opcode_ = kind;
  message_ = assembly_.bytes();
  return Status::complete;
}

void MessageAssembler::finish() noexcept {
  message_ = {};
  if (opcode_ != 0) return;
  streamed_ = 0;
  assembly_.clear();
  if (assembly_.capacity() > retained_capacity) assembly_.release();
}

void MessageAssembler::reset() noexcept {
  message_ = {};
  opcode_ = 0;
  streamed_ = 0;
  utf8_.reset();
  assembly_.release();
}

void MessageAssembler::shrink_when_idle() noexcept {
  if (opcode_ == 0 && message_.empty()) assembly_.release();
}

}  // namespace wsx::core
