// WebSocket frames as a test client writes and reads them (RFC 6455 section
// 5.2), with every header bit under the test's control so it can write the
// frames a correct client never would.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsx::integration {

namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

// RSV bits as they sit in the first header byte.
inline constexpr std::uint8_t kRsv1 = 0x40;
inline constexpr std::uint8_t kRsv2 = 0x20;
inline constexpr std::uint8_t kRsv3 = 0x10;

using Bytes = std::vector<std::uint8_t>;

inline Bytes to_bytes(std::string_view text) {
  return {text.begin(), text.end()};
}
inline std::string to_string(std::span<const std::uint8_t> bytes) {
  return {bytes.begin(), bytes.end()};
}

// A frame to send. Defaults are those of a correct client: FIN, no RSV,
// masked (section 5.3).
struct OutFrame {
  std::uint8_t opcode = opcode::text;
  Bytes payload;
  bool fin = true;
  std::uint8_t rsv = 0;
  bool masked = true;
  std::array<std::uint8_t, 4> mask_key{0x37, 0xfa, 0x21, 0x3d};
};

// The wire bytes of `frame`: header (7-bit, 16-bit or 64-bit length, the
// shortest that fits) and the payload, masked if asked.
Bytes encode_frame(const OutFrame& frame);

// A frame the server sent.
struct InFrame {
  bool fin = false;
  std::uint8_t rsv = 0;
  std::uint8_t opcode = 0;
  bool masked = false;  // a server must never mask (section 5.1)
  Bytes payload;
};

// Parses one whole frame from the front of `bytes`: the frame and its size
// on the wire, or nullopt while it is incomplete.
std::optional<std::pair<InFrame, std::size_t>> parse_frame(std::span<const std::uint8_t> bytes);

// A Close frame payload: 2-byte code then reason (section 5.5.1).
Bytes close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace wsx::integration
