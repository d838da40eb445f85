// Fuzzes the UTF-8 validation of text messages (RFC 6455 sections 5.6 and
// 8.1): any bytes must get the answer of an independent decoder that
// computes code points, whether validated whole or fed in pieces (the first
// input byte seeds the piece sizes, so fragments end mid-character and the
// validator's SIMD and automaton paths hand over both ways).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/messages/utf8_validator.hpp"
#include "utf8_reference.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint32_t seed = data[0];
  const std::span<const std::uint8_t> text(data + 1, size - 1);
  const bool expected = wsx::test::reference_valid_utf8(text);
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
