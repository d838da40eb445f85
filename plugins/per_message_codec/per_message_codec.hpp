// The per-message framing rules every permessage-* compression extension
// shares (RFC 7692 section 6, which Autobahn|Python applies to its bzip2 and
// snappy extensions too): RSV1 marks the first frame of a compressed
// message and no other, control frames are never compressed, and a message
// is compressed or decompressed as one unit across its fragments.
//
// A codec supplies two per-connection halves:
//
//   struct Encoder {   // what we send
//     // `fragment` is the next piece of the message; `first` opens it and
//     // `last` ends it. Appends the encoded bytes to `out`.
//     Outcome encode(std::span<const std::uint8_t> fragment, bool first, bool last,
//                    wsx::sdk::BufferWriter& out);
//   };
//   struct Decoder {   // what we receive
//     // As encode, and writes at most `max_output` bytes (the room left in
//     // the message): more fails with 1009, never allocating past it.
//     Outcome decode(std::span<const std::uint8_t> fragment, bool first, bool last,
//                    std::uint64_t max_output, wsx::sdk::BufferWriter& out);
//   };
//
// and PerMessageCodec<Encoder, Decoder> is the wsx::sdk::Extension.
#pragma once

#include <wsx/extension.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace wsx::codec {

/// Why a codec refused a message: the close code (RFC 6455 section 7.4.1)
/// and a line for the log.
struct Failure {
  std::uint32_t close_code;
  std::string message;
};

/// What a codec call did: nothing (success) or a Failure.
using Outcome = std::optional<Failure>;

/// Shorthands for the codecs' failures.
[[nodiscard]] inline Outcome corrupt(std::string message) {
  return Failure{WSX_CLOSE_INVALID_PAYLOAD, std::move(message)};
}
[[nodiscard]] inline Outcome too_big(std::string message) {
  return Failure{WSX_CLOSE_MESSAGE_TOO_BIG, std::move(message)};
}
[[nodiscard]] inline Outcome internal(std::string message) {
  return Failure{WSX_CLOSE_INTERNAL_ERROR, std::move(message)};
}

template <class Encoder, class Decoder>
class PerMessageCodec final : public sdk::Extension {
 public:
  /// `name` prefixes every failure message (the extension token).
  PerMessageCodec(const char* name, Encoder encoder, Decoder decoder)
      : name_(name), encoder_(std::move(encoder)), decoder_(std::move(decoder)) {}

  sdk::FrameResult encode(const sdk::Frame& in, sdk::FrameOut& out) override {
    // RFC 7692 section 6.1: control frames are never compressed.
    if (in.is_control()) return sdk::FrameResult::unchanged();
    bool first = false;
    if (in.opcode() == WSX_OPCODE_TEXT || in.opcode() == WSX_OPCODE_BINARY) {
      first = true;
      sending_ = true;
    } else if (in.opcode() != WSX_OPCODE_CONTINUATION || !sending_) {
      return sdk::FrameResult::unchanged();  // not a data frame of ours; the host rejects it
    }
    if (Outcome failure = encoder_.encode(in.payload(), first, in.fin(), out.payload())) {
      return fail(std::move(*failure));
    }
    // RSV1 ("Per-Message Compressed") on the first frame only (section 6).
    if (first) {
      out.add_rsv(WSX_RSV1);
    } else {
      out.clear_rsv(WSX_RSV1);
    }
    if (in.fin()) sending_ = false;
    return sdk::FrameResult::written();
  }

  sdk::FrameResult decode(const sdk::Frame& in, sdk::FrameOut& out,
                          std::uint64_t max_payload_size) override {
    // RFC 7692 section 6: RSV1 on a control frame or a non-first fragment
    // fails the connection.
    if (in.is_control() || in.opcode() == WSX_OPCODE_CONTINUATION) {
      if (in.has_rsv(WSX_RSV1)) {
        return sdk::FrameResult::fail(WSX_CLOSE_PROTOCOL_ERROR,
                                      std::string(name_) + ": RSV1 set on a " +
                                          (in.is_control() ? "control" : "continuation") +
                                          " frame");
      }
      if (in.is_control() || !receiving_) return sdk::FrameResult::unchanged();
    } else if (in.opcode() == WSX_OPCODE_TEXT || in.opcode() == WSX_OPCODE_BINARY) {
      // RSV1 on the first frame says whether this message is compressed.
      receiving_ = in.has_rsv(WSX_RSV1);
      if (!receiving_) return sdk::FrameResult::unchanged();
    } else {
      return sdk::FrameResult::unchanged();  // unknown opcode: the host fails it
    }
    const bool first = in.opcode() != WSX_OPCODE_CONTINUATION;
    if (Outcome failure =
            decoder_.decode(in.payload(), first, in.fin(), max_payload_size, out.payload())) {
      receiving_ = false;
      return fail(std::move(*failure));
    }
    out.clear_rsv(WSX_RSV1);  // the bit is ours; the host checks nobody left it
    if (in.fin()) receiving_ = false;
    return sdk::FrameResult::written();
  }

 private:
  [[nodiscard]] sdk::FrameResult fail(Failure failure) const {
    return sdk::FrameResult::fail(failure.close_code, std::string(name_) + ": " + failure.message);
  }

  const char* name_;
  Encoder encoder_;
  Decoder decoder_;
  bool sending_ = false;    // inside an outgoing compressed message
  bool receiving_ = false;  // inside an incoming compressed message
};

}  // namespace wsx::codec
