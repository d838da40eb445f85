// Fuzzes the UTF-8 validation of text messages (RFC 6455 sections 5.6 and
// 8.1): any bytes must get the answer of an independent decoder that
// computes code points, whether validated whole or fed in pieces (the first
// input byte seeds the piece sizes, so fragments end mid-character and the
// validator's SIMD and automaton paths hand over both ways).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/utf8_validator.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// Unicode Table 3-7 by decoding: shortest form only, no surrogates, nothing
// above U+10FFFF.
bool reference_valid(std::span<const std::uint8_t> s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
      length = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const std::uint32_t shortest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (cp < shortest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint32_t seed = data[0];
  const std::span<const std::uint8_t> text(data + 1, size - 1);
  const bool expected = reference_valid(text);
  check(wsx::core::is_valid_utf8(text) == expected);

  wsx::core::Utf8Validator validator;
  bool ok = true;
  for (std::size_t at = 0; at < text.size() && ok;) {
    seed = seed * 1103515245u + 12345u;  // piece sizes 1..256 from the seed
    std::size_t piece = 1 + (seed >> 16) % 256;
    if (piece > text.size() - at) piece = text.size() - at;
    ok = validator.feed(text.subspan(at, piece));
    at += piece;
  }
  check((ok && validator.complete()) == expected);
  return 0;
}
