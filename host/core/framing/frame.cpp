#include "core/framing/frame.hpp"

namespace wsx::core {

namespace {

constexpr std::uint8_t fin_bit = 0x80;
constexpr std::uint8_t rsv_bits = WSX_RSV1 | WSX_RSV2 | WSX_RSV3;
constexpr std::uint8_t opcode_bits = 0x0F;
constexpr std::uint8_t mask_bit = 0x80;
constexpr std::uint8_t length_bits = 0x7F;
constexpr std::uint8_t length_16 = 126;
constexpr std::uint8_t length_64 = 127;

HeaderParse invalid(std::string_view reason) noexcept {
  HeaderParse result;
  result.status = HeaderStatus::invalid;
  result.reason = reason;
  return result;
}

HeaderParse incomplete(std::size_t needed) noexcept {
  HeaderParse result;
  result.status = HeaderStatus::incomplete;
  result.header_size = needed;
  return result;
}

std::uint64_t read_big_endian(const std::uint8_t* bytes, std::size_t count) noexcept {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

HeaderParse parse_frame_header(std::span<const std::uint8_t> bytes, HeaderRules rules) noexcept {
  if (bytes.empty()) return incomplete(2);

  // First byte: everything in it can be judged alone.
  const std::uint8_t first = bytes[0];
  FrameHeader header;
  header.fin = (first & fin_bit) != 0;
  header.rsv = first & rsv_bits;
  header.opcode = first & opcode_bits;
  // 5.2: "If a nonzero value is received and none of the negotiated
  // extensions defines the meaning of such a nonzero value, the receiving
  // endpoint MUST _Fail the WebSocket Connection_."
  if ((header.rsv & ~rules.allowed_rsv) != 0) return invalid("RSV bit set without an extension");
  // 5.2: opcodes 0x3-0x7 and 0xB-0xF are reserved; an unknown opcode fails.
  if (!is_defined_opcode(header.opcode)) return invalid("reserved opcode");
  const bool control = is_control_opcode(header.opcode);
  // 5.5: "Control frames themselves MUST NOT be fragmented."
  if (control && !header.fin) return invalid("fragmented control frame");
  if (bytes.size() < 2) return incomplete(2);

  const std::uint8_t second = bytes[1];
  header.masked = (second & mask_bit) != 0;
  // 5.1: "a server MUST close the connection upon receiving a frame that is
  // not masked" and "a client MUST close a connection if it detects a
  // masked frame".
  if (header.masked != rules.expect_masked)
    return invalid(rules.expect_masked ? "client frame not masked" : "server frame masked");
  const std::uint8_t length_code = second & length_bits;
  // 5.5: control frames carry at most 125 bytes, i.e. never an extended length.
  if (control && length_code > max_control_payload) return invalid("control frame too long");

  const std::size_t extended = length_code == length_16 ? 2 : length_code == length_64 ? 8 : 0;
  const std::size_t size = 2 + extended + (header.masked ? 4 : 0);
  if (bytes.size() < size) return incomplete(size);

  if (extended == 0) {
    header.payload_length = length_code;
  } else {
    header.payload_length = read_big_endian(bytes.data() + 2, extended);
    // 5.2: in the 64-bit form "the most significant bit MUST be 0".
    if (extended == 8 && (header.payload_length >> 63) != 0)
      return invalid("payload length has its most significant bit set");
  }
  if (header.masked) {
    const std::uint8_t* key = bytes.data() + 2 + extended;
    header.mask_key = {key[0], key[1], key[2], key[3]};
  }

  HeaderParse result;
  result.status = HeaderStatus::complete;
  result.header = header;
  result.header_size = size;
  return result;
}

std::size_t frame_header_size(std::uint64_t payload_length, bool masked) noexcept {
  const std::size_t length_bytes = payload_length < length_16 ? 0
                                   : payload_length <= 0xFFFF ? 2
                                                              : 8;
  return 2 + length_bytes + (masked ? 4 : 0);
}

std::size_t write_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept {
  out[0] = static_cast<std::uint8_t>((header.fin ? fin_bit : 0) | (header.rsv & rsv_bits) |
                                     (header.opcode & opcode_bits));
  const std::uint8_t mask = header.masked ? mask_bit : 0;
  const std::uint64_t length = header.payload_length;
  std::size_t at = 2;
  // 5.2: "the minimal number of bytes MUST be used to encode the length".
  if (length < length_16) {
    out[1] = static_cast<std::uint8_t>(mask | length);
  } else if (length <= 0xFFFF) {
    out[1] = mask | length_16;
    out[2] = static_cast<std::uint8_t>(length >> 8);
    out[3] = static_cast<std::uint8_t>(length);
    at = 4;
  } else {
    out[1] = mask | length_64;
    for (std::size_t i = 0; i < 8; ++i)
      out[2 + i] = static_cast<std::uint8_t>(length >> (56 - 8 * i));
    at = 10;
  }
  if (header.masked) {
    for (std::size_t i = 0; i < 4; ++i) out[at + i] = header.mask_key[i];
    at += 4;
  }
  return at;
}

}  // namespace wsx::core
