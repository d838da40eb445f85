#include "crc32c.hpp"

#include <array>
#include <cstddef>

namespace wsx::snappy_framing {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // 0x1EDC6F41 bit-reversed

// Slicing-by-8 tables (Intel's method): table[k][b] is the CRC of byte b
// followed by k zero bytes, so eight input bytes cost eight lookups.
// Computed at compile time; read-only.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() noexcept {
  Tables tables{};
  for (std::uint32_t byte = 0; byte < 256; ++byte) {
    std::uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? kPolynomial : 0u);
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < tables.size(); ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint32_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFFu];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> bytes) noexcept {
  std::uint32_t crc = 0xFFFFFFFFu;
  const std::uint8_t* at = bytes.data();
  std::size_t left = bytes.size();
  while (left >= 8) {
    // Little-endian assembly by hand: no alignment or endianness assumption.
    const std::uint32_t low = (static_cast<std::uint32_t>(at[0]) | at[1] << 8 | at[2] << 16 |
                               static_cast<std::uint32_t>(at[3]) << 24) ^
                              crc;
    crc = kTables[7][low & 0xFFu] ^ kTables[6][(low >> 8) & 0xFFu] ^
          kTables[5][(low >> 16) & 0xFFu] ^ kTables[4][low >> 24] ^ kTables[3][at[4]] ^
          kTables[2][at[5]] ^ kTables[1][at[6]] ^ kTables[0][at[7]];
    at += 8;
    left -= 8;
  }
  while (left-- > 0) crc = (crc >> 8) ^ kTables[0][(crc ^ *at++) & 0xFFu];
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace wsx::snappy_framing
