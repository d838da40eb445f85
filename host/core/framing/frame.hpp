// The WebSocket frame header (RFC 6455 section 5.2): parsing what a peer sent
// and serialising what we send. Stateless: the rules that depend on the
// connection (continuation, message size) live in Connection.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-------+-+-------------+-------------------------------+
//   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//   | |1|2|3|       |K|             |                               |
//   +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//   |     Extended payload length continued, if payload len == 127  |
//   + - - - - - - - - - - - - - - - +-------------------------------+
//   |                               |Masking-key, if MASK set to 1  |
//   +-------------------------------+-------------------------------+
#pragma once

#include <wsx/extension.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/framing/mask.hpp"

namespace wsx::core {

// Opcodes (section 5.2). The values are the SDK's, so frames cross the
// extension ABI unchanged.
namespace opcode {
inline constexpr std::uint8_t continuation = WSX_OPCODE_CONTINUATION;
inline constexpr std::uint8_t text = WSX_OPCODE_TEXT;
inline constexpr std::uint8_t binary = WSX_OPCODE_BINARY;
inline constexpr std::uint8_t close = WSX_OPCODE_CLOSE;
inline constexpr std::uint8_t ping = WSX_OPCODE_PING;
inline constexpr std::uint8_t pong = WSX_OPCODE_PONG;
}  // namespace opcode

// Section 5.2: the opcodes RFC 6455 defines; 0x3-0x7 and 0xB-0xF are reserved.
[[nodiscard]] constexpr bool is_defined_opcode(std::uint8_t op) noexcept {
  return op <= opcode::binary || (op >= opcode::close && op <= opcode::pong);
}

// Section 5.5: control frames are those whose opcode has the high bit set.
[[nodiscard]] constexpr bool is_control_opcode(std::uint8_t op) noexcept {
  return (op & 0x8u) != 0;
}

// Section 5.5: "All control frames MUST have a payload length of 125 bytes or less".
inline constexpr std::size_t max_control_payload = 125;

// 2 fixed bytes + 8 bytes of 64-bit length + 4 bytes of masking key.
inline constexpr std::size_t max_frame_header_size = 14;

struct FrameHeader {
  bool fin = true;
  std::uint8_t rsv = 0;  // WSX_RSV* bits, in their first-byte positions
  std::uint8_t opcode = opcode::binary;
  bool masked = false;
  MaskKey mask_key{};
  std::uint64_t payload_length = 0;
};

// What a peer's frame must look like for this endpoint.
struct HeaderRules {
  // Section 5.1: a server requires masked frames, a client refuses them.
  bool expect_masked = true;
  // RSV bits some negotiated extension owns; any other set bit fails (5.2).
  std::uint8_t allowed_rsv = 0;
};

enum class HeaderStatus : std::uint8_t {
  complete,    // `header` and `header_size` are valid
  incomplete,  // more bytes are needed; `header_size` says how many in total
  invalid      // the header breaks section 5; fail with close code 1002
};

struct HeaderParse {
  HeaderStatus status = HeaderStatus::incomplete;
  FrameHeader header;
  // complete: bytes the header occupies (2..14). incomplete: the smallest
  // total the buffer must reach before parsing can make progress.
  std::size_t header_size = 2;
  // invalid: why, for the close frame and the log (static text).
  std::string_view reason;
};

// Parses the frame header at the start of `bytes`. Every check that can be
// made from the bytes present is made at once, so a bad first byte fails
// before the rest of the header arrives. Checks, all failing with 1002:
//  - RSV bits not in rules.allowed_rsv (5.2);
//  - reserved opcodes 0x3-0x7 and 0xB-0xF (5.2);
//  - control frames with FIN clear or more than 125 bytes (5.5);
//  - the MASK bit against rules.expect_masked (5.1);
//  - a 64-bit length with its most significant bit set (5.2).
// Non-minimal length encodings are accepted: 5.2 says the minimal number of
// bytes MUST be used when sending, but gives receivers no duty to refuse.
[[nodiscard]] HeaderParse parse_frame_header(std::span<const std::uint8_t> bytes,
                                             HeaderRules rules) noexcept;

// Bytes the header of a frame with this payload length takes.
[[nodiscard]] std::size_t frame_header_size(std::uint64_t payload_length, bool masked) noexcept;

// Writes `header` at `out` (room for max_frame_header_size bytes) with the
// minimal length encoding (5.2) and returns the bytes written.
std::size_t write_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept;

}  // namespace wsx::core
