#include "utf8_validator.hpp"

#include <array>
#include <cstring>

namespace wsx::core {

namespace {

// What a byte in lead position means, per Unicode Table 3-7 ("Well-Formed
// UTF-8 Byte Sequences"): the length of the character it starts, and the
// range its SECOND byte must fall in. Later bytes are always 80..BF; the
// narrower second-byte ranges are what exclude overlong forms, surrogates
// and code points above U+10FFFF.
struct Lead {
  std::uint8_t length = 0;  // 0: cannot start a character
  std::uint8_t low = 0x80;
  std::uint8_t high = 0xBF;
};

constexpr Lead classify(unsigned byte) noexcept {
  if (byte < 0x80) return {1, 0, 0};
  if (byte >= 0xC2 && byte <= 0xDF) return {2, 0x80, 0xBF};
  if (byte == 0xE0) return {3, 0xA0, 0xBF};  // no overlong 3-byte forms
  if (byte == 0xED) return {3, 0x80, 0x9F};  // no surrogates U+D800..U+DFFF
  if (byte >= 0xE1 && byte <= 0xEF) return {3, 0x80, 0xBF};
  if (byte == 0xF0) return {4, 0x90, 0xBF};  // no overlong 4-byte forms
  if (byte >= 0xF1 && byte <= 0xF3) return {4, 0x80, 0xBF};
  if (byte == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {};                                 // 80..BF (continuation), C0, C1 (overlong) and F5..FF
}

constexpr std::array<Lead, 256> lead_table = [] {
  std::array<Lead, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) table[byte] = classify(byte);
  return table;
}();

constexpr bool is_continuation(std::uint8_t byte) noexcept {
  return (byte & 0xC0) == 0x80;
}

constexpr std::uint64_t high_bits = 0x8080808080808080u;

// Length of the longest prefix made of whole 8-byte ASCII words (most text is
// ASCII, and a word test is one AND instead of eight branches).
std::size_t ascii_words(const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, data + i, 8);
    std::memcpy(&b, data + i + 8, 8);
    if (((a | b) & high_bits) != 0) break;
  }
  for (; i + 8 <= size; i += 8) {
    std::uint64_t a;
    std::memcpy(&a, data + i, 8);
    if ((a & high_bits) != 0) break;
  }
  return i;
}

}  // namespace

bool Utf8Validator::feed(std::span<const std::uint8_t> bytes) noexcept {
  if (failed_) return false;
  const std::uint8_t* data = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t i = 0;

  // Bytes are checked one at a time only where a character may straddle a
  // boundary: at the start (finishing the previous piece's character) and in
  // the last 3 bytes. In between, whole characters are checked at once.
  const auto step = [&](std::uint8_t byte) noexcept {
    if (pending_ == 0) {
      const Lead& lead = lead_table[byte];
      if (lead.length == 0) return false;
      pending_ = static_cast<std::uint8_t>(lead.length - 1);
      low_ = lead.low;
      high_ = lead.high;
      return true;
    }
    if (byte < low_ || byte > high_) return false;
    --pending_;
    low_ = 0x80;
    high_ = 0xBF;
    return true;
  };

  for (; pending_ != 0 && i < size; ++i) {
    if (!step(data[i])) {
      failed_ = true;
      return false;
    }
  }

  while (size - i >= 4) {
    if (data[i] < 0x80) {
      i += ascii_words(data + i, size - i);
      // Past the words, or stopped at a word with a non-ASCII byte: take
      // single ASCII bytes up to it.
      while (i < size && data[i] < 0x80) ++i;
      continue;
    }
    const Lead& lead = lead_table[data[i]];
    const std::uint8_t second = data[i + 1];
    const bool valid = lead.length != 0 && second >= lead.low && second <= lead.high &&
                       (lead.length < 3 || is_continuation(data[i + 2])) &&
                       (lead.length < 4 || is_continuation(data[i + 3]));
    if (!valid) {
      // Re-run byte by byte: the failure is final either way, but this keeps
      // one definition of "the first bad byte".
      break;
    }
    i += lead.length;
  }

  for (; i < size; ++i) {
    if (!step(data[i])) {
      failed_ = true;
      return false;
    }
  }
  return true;
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept {
  Utf8Validator validator;
  return validator.feed(bytes) && validator.complete();
}

}  // namespace wsx::core
