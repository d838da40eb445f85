// CRC-32C (Castagnoli), as the snappy framing format checks every data
// chunk with it: "masked" so that a CRC of data that itself holds CRCs
// stays well-distributed (framing_format.txt section 3).
#pragma once

#include <cstdint>
#include <span>

namespace wsx::snappy_framing {

/// CRC-32C of `bytes` (polynomial 0x1EDC6F41, reflected).
[[nodiscard]] std::uint32_t crc32c(std::span<const std::uint8_t> bytes) noexcept;

/// The masked form stored in a chunk: ((crc >> 15) | (crc << 17)) + 0xa282ead8.
[[nodiscard]] inline std::uint32_t masked_crc32c(std::span<const std::uint8_t> bytes) noexcept {
  const std::uint32_t crc = crc32c(bytes);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

}  // namespace wsx::snappy_framing
