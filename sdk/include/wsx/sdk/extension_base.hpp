// wsx/sdk/extension_base.hpp -- the per-connection side: frames in (Frame),
// frames out (FrameOut, FrameResult) and the Extension base class.
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>
#include <wsx/sdk/c_interop.hpp>
#include <wsx/sdk/host.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace wsx::sdk {

namespace detail {
struct Access;
}  // namespace detail

/// A frame given to an extension (wsx_frame, read per ABI rule 2): header
/// fields and the unmasked payload. The payload is borrowed for the call.
class Frame {
 public:
  /// Views `raw`.
  explicit Frame(const wsx_frame* raw) noexcept : raw_(detail::read_sized(raw)) {}

  /// One of WSX_OPCODE_*.
  [[nodiscard]] std::uint8_t opcode() const noexcept { return raw_.opcode; }
  /// True for the final frame of a message.
  [[nodiscard]] bool fin() const noexcept { return raw_.fin != 0; }
  /// The RSV bits set (WSX_RSV*).
  [[nodiscard]] std::uint8_t rsv() const noexcept { return raw_.rsv; }
  /// True if any of `bits` (WSX_RSV*) is set.
  [[nodiscard]] bool has_rsv(std::uint8_t bits) const noexcept { return (raw_.rsv & bits) != 0; }
  /// True for close, ping and pong (opcode >= 8, RFC 6455 section 5.5).
  [[nodiscard]] bool is_control() const noexcept { return (raw_.opcode & 0x8u) != 0; }
  /// True for text, binary and continuation frames.
  [[nodiscard]] bool is_data() const noexcept { return !is_control(); }
  /// The payload, already unmasked.
  [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept {
    return raw_.payload.data == nullptr
               ? std::span<const std::uint8_t>{}
               : std::span<const std::uint8_t>{raw_.payload.data, raw_.payload.size};
  }
  /// The normalised C struct.
  [[nodiscard]] const wsx_frame& raw() const noexcept { return raw_; }

 private:
  wsx_frame raw_;
};

/// Where an extension writes the frame it produces (wsx_frame_out). The host
/// pre-fills opcode, fin and rsv from the input frame: change what you must
/// (usually rsv). The payload is used only if you return
/// FrameResult::written().
class FrameOut {
 public:
  /// Writes into `raw` (whose struct_size the SDK has checked) with `host`'s
  /// services.
  FrameOut(const Host& host, wsx_frame_out& raw) noexcept
      : raw_(&raw), payload_(host, raw.payload) {}

  /// Opcode of the produced frame.
  [[nodiscard]] std::uint8_t opcode() const noexcept { return raw_->opcode; }
  /// Sets the opcode.
  void set_opcode(std::uint8_t opcode) noexcept { raw_->opcode = opcode; }
  /// Final-frame flag of the produced frame.
  [[nodiscard]] bool fin() const noexcept { return raw_->fin != 0; }
  /// Sets the final-frame flag.
  void set_fin(bool fin) noexcept { raw_->fin = fin ? 1 : 0; }
  /// RSV bits of the produced frame.
  [[nodiscard]] std::uint8_t rsv() const noexcept { return raw_->rsv; }
  /// Replaces the RSV bits.
  void set_rsv(std::uint8_t rsv) noexcept { raw_->rsv = rsv; }
  /// Sets `bits` (WSX_RSV*), keeping the others.
  void add_rsv(std::uint8_t bits) noexcept {
    raw_->rsv = static_cast<std::uint8_t>(raw_->rsv | bits);
  }
  /// Clears `bits` (WSX_RSV*), keeping the others.
  void clear_rsv(std::uint8_t bits) noexcept {
    raw_->rsv = static_cast<std::uint8_t>(raw_->rsv & ~bits);
  }
  /// The host-owned, initially empty payload buffer.
  [[nodiscard]] BufferWriter& payload() noexcept { return payload_; }

 private:
  wsx_frame_out* raw_;
  BufferWriter payload_;
};

/// What encode() or decode() did with one frame.
///
///  - written: WSX_OK, the new payload is in FrameOut::payload();
///  - unchanged: WSX_UNCHANGED, the host forwards the input payload without a
///    copy (header fields set on FrameOut still apply);
///  - fail: WSX_FAIL, the connection closes with `close_code`, one of
///    WSX_CLOSE_PROTOCOL_ERROR (1002), WSX_CLOSE_INVALID_PAYLOAD (1007),
///    WSX_CLOSE_MESSAGE_TOO_BIG (1009), WSX_CLOSE_MANDATORY_EXTENSION (1010)
///    or WSX_CLOSE_INTERNAL_ERROR (1011). Any other code is sent as 1011.
class FrameResult {
 public:
  /// The new payload was written to FrameOut::payload().
  [[nodiscard]] static FrameResult written() noexcept { return FrameResult{WSX_OK, 0, {}}; }
  /// The payload is unchanged.
  [[nodiscard]] static FrameResult unchanged() noexcept {
    return FrameResult{WSX_UNCHANGED, 0, {}};
  }
  /// Close the connection with `close_code`, saying why.
  [[nodiscard]] static FrameResult fail(std::uint32_t close_code, std::string message) noexcept {
    return FrameResult{WSX_FAIL, close_code, std::move(message)};
  }

  /// WSX_OK, WSX_UNCHANGED or WSX_FAIL.
  [[nodiscard]] wsx_status status() const noexcept { return status_; }
  /// The close code of a failure.
  [[nodiscard]] std::uint32_t close_code() const noexcept { return close_code_; }
  /// The message of a failure.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  FrameResult(wsx_status status, std::uint32_t close_code, std::string message) noexcept
      : status_(status), close_code_(close_code), message_(std::move(message)) {}

  wsx_status status_;
  std::uint32_t close_code_;
  std::string message_;
};

/// The base of a negotiated extension: one object per connection, made by a
/// factory, owned by the host until the connection ends (then deleted
/// through this base, from any thread).
///
/// Threads: an extension belongs to one connection and is never called
/// concurrently with itself, so it may keep per-connection state (a zlib
/// stream) in plain members without locks.
class Extension {
 public:
  Extension() noexcept = default;
  virtual ~Extension() = default;
  Extension(const Extension&) = delete;
  Extension& operator=(const Extension&) = delete;
  Extension(Extension&&) = delete;
  Extension& operator=(Extension&&) = delete;

  /// Encodes one outgoing frame (data and control frames, in order, chain in
  /// acceptance order).
  virtual FrameResult encode(const Frame& in, FrameOut& out) = 0;

  /// Decodes one incoming frame (chain in reverse acceptance order). The
  /// decoded payload must not exceed `max_payload_size` bytes: stop as soon
  /// as it would and fail with WSX_CLOSE_MESSAGE_TOO_BIG, never allocating
  /// past it.
  virtual FrameResult decode(const Frame& in, FrameOut& out, std::uint64_t max_payload_size) = 0;

 protected:
  /// Host services (logging). Valid from the moment the factory returned
  /// this extension to the host; during construction it is a Host without
  /// services.
  [[nodiscard]] const Host& host() const noexcept {
    static const Host no_services;
    return host_ != nullptr ? *host_ : no_services;
  }

 private:
  friend struct detail::Access;
  const Host* host_ = nullptr;
};

}  // namespace wsx::sdk
