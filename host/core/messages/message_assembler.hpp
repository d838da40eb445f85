// Reassembly of data messages from their frames (RFC 6455 section 5.4) and
// UTF-8 validation of text messages (sections 5.6, 8.1), after the extension
// chain has decoded each frame.
//
// An unfragmented message is never copied: message() is then a view of the
// decoded frame payload (the read buffer or the chain's scratch). Only the
// frames of a fragmented message are appended to an assembly buffer.
#pragma once

#include <cstdint>
#include <span>

#include "core/extensions/byte_buffer.hpp"
#include "core/messages/utf8_validator.hpp"

namespace wsx::core {

class MessageAssembler {
 public:
  enum class Status : std::uint8_t {
    partial,       // a fragment was taken; the message continues
    complete,      // message() holds the whole message until finish()
    invalid_utf8,  // text that is not UTF-8: fail with 1007 (8.1)
    too_big,       // over the limit: fail with 1009 (7.4.1)
    fragment       // streaming: message() is this frame's share, deliver it now
  };

  // Streaming (the proxy): every data frame is handed on as it comes
  // (Status::fragment) instead of being appended, so a message of any size
  // costs no assembly memory; the limit and the UTF-8 check still apply to
  // the message as a whole, counted over its frames.
  void stream_frames() noexcept { stream_ = true; }
  [[nodiscard]] bool streaming() const noexcept { return stream_; }

  // True between the first fragment of a fragmented message and its last.
  [[nodiscard]] bool in_progress() const noexcept { return opcode_ != 0; }
  // True while a fragmented TEXT message is in progress.
  [[nodiscard]] bool text_in_progress() const noexcept {
    return opcode_ == 0x1;
  }  // TEXT (RFC 6455 5.2)
  // The UTF-8 state after the fragments taken so far: where a check of the
  // next fragment's first bytes, made before it is complete, starts.
  [[nodiscard]] const Utf8Validator& text_state() const noexcept { return utf8_; }
  // Bytes of the message in progress taken so far.
  [[nodiscard]] std::uint64_t size() const noexcept {
    return stream_ ? streamed_ : assembly_.size();
  }

  // Takes one decoded data frame. `frame_opcode` is the frame's own opcode
  // (TEXT, BINARY or CONTINUATION); the caller has already checked that a
  // CONTINUATION follows a fragment and a TEXT/BINARY does not (5.4).
  // `max_size` bounds the whole message. Text is validated as it arrives, so
  // a bad byte in the first fragment is reported before the last one comes.
  Status add(std::uint8_t frame_opcode, bool fin, std::span<const std::uint8_t> payload,
             std::uint64_t max_size);

  // After add() returned complete (or fragment): the message's opcode (TEXT
  // or BINARY) and payload (the frame's share when streaming), valid until
  // finish() or the next add().
  [[nodiscard]] std::uint8_t message_opcode() const noexcept { return message_opcode_; }
  [[nodiscard]] std::span<const std::uint8_t> message() const noexcept { return message_; }

  // Forgets the completed message; keeps a small assembly buffer for the next.
  void finish() noexcept;
  // Drops any message in progress and frees the assembly buffer.
  void reset() noexcept;

  [[nodiscard]] std::size_t capacity_bytes() const noexcept { return assembly_.capacity(); }
  // Bytes of the message in progress held here (0 when streaming).
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return assembly_.size(); }
  // Frees the assembly buffer if no message is in progress.
  void shrink_when_idle() noexcept;

 private:
  ByteBuffer assembly_;
  std::span<const std::uint8_t> message_;
  Utf8Validator utf8_;
  // Opcode of the fragmented message in progress; 0 (CONTINUATION) if none.
  std::uint8_t opcode_ = 0;
  std::uint8_t message_opcode_ = 0;
  bool stream_ = false;
  // Streaming: bytes of the message in progress handed on so far.
  std::uint64_t streamed_ = 0;
};

}  // namespace wsx::core
