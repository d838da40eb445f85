#include "support/ws_frame.hpp"

#include <algorithm>

namespace wsx::integration {

Bytes encode_frame(const OutFrame& frame) {
  const std::uint64_t length = frame.payload.size();
  // Header: 2 bytes, then a 16- or 64-bit length when 7 bits do not
  // suffice, then the masking key (section 5.2).
  std::array<std::uint8_t, 14> header{};
  std::size_t size = 0;
  header[size++] = static_cast<std::uint8_t>((frame.fin ? 0x80 : 0x00) | (frame.rsv & 0x70) |
                                             (frame.opcode & 0x0f));
  const std::uint8_t mask_bit = frame.masked ? 0x80 : 0x00;
  if (length < 126) {
    header[size++] = static_cast<std::uint8_t>(mask_bit | length);
  } else if (length <= 0xffff) {
    header[size++] = static_cast<std::uint8_t>(mask_bit | 126);
    header[size++] = static_cast<std::uint8_t>(length >> 8);
    header[size++] = static_cast<std::uint8_t>(length);
  } else {
    header[size++] = static_cast<std::uint8_t>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      header[size++] = static_cast<std::uint8_t>(length >> shift);
    }
  }
  if (frame.masked) {
    for (const std::uint8_t byte : frame.mask_key) header[size++] = byte;
  }
  Bytes out(size + frame.payload.size());
  std::copy_n(header.begin(), size, out.begin());
  for (std::size_t i = 0; i < frame.payload.size(); ++i) {
    out[size + i] = frame.masked
                        ? static_cast<std::uint8_t>(frame.payload[i] ^ frame.mask_key[i % 4])
                        : frame.payload[i];
  }
  return out;
}

std::optional<std::pair<InFrame, std::size_t>> parse_frame(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2) return std::nullopt;
  InFrame frame;
  frame.fin = (bytes[0] & 0x80) != 0;
  frame.rsv = bytes[0] & 0x70;
  frame.opcode = bytes[0] & 0x0f;
  frame.masked = (bytes[1] & 0x80) != 0;
  std::uint64_t length = bytes[1] & 0x7f;
  std::size_t header = 2;
  if (length == 126) {
    if (bytes.size() < 4) return std::nullopt;
    length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
    header = 4;
  } else if (length == 127) {
    if (bytes.size() < 10) return std::nullopt;
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | bytes[i];
    header = 10;
  }
  std::array<std::uint8_t, 4> key{};
  if (frame.masked) {
    if (bytes.size() < header + 4) return std::nullopt;
    for (std::size_t i = 0; i < 4; ++i) key[i] = bytes[header + i];
    header += 4;
  }
  if (bytes.size() - header < length) return std::nullopt;
  const auto payload = bytes.subspan(header, static_cast<std::size_t>(length));
  frame.payload.assign(payload.begin(), payload.end());
  if (frame.masked) {
    for (std::size_t i = 0; i < frame.payload.size(); ++i) frame.payload[i] ^= key[i % 4];
  }
  return std::pair{std::move(frame), header + payload.size()};
}

Bytes close_payload(std::uint16_t code, std::string_view reason) {
  Bytes out(2 + reason.size());
  out[0] = static_cast<std::uint8_t>(code >> 8);
  out[1] = static_cast<std::uint8_t>(code);
  std::copy(reason.begin(), reason.end(), out.begin() + 2);
  return out;
}

}  // namespace wsx::integration
