// Incremental UTF-8 validation for text messages (RFC 6455 sections 5.6 and
// 8.1: a text message whose payload is not valid UTF-8 fails the connection
// with 1007). Text may arrive in fragments that split a character, so the
// validator carries the state of an unfinished sequence from one piece to the
// next and reports an error at the first byte that cannot be valid, without
// waiting for the end of the message.
//
// "Valid" is the well-formed UTF-8 of Unicode Table 3-7 (RFC 3629): no
// overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wsx::core {

class Utf8Validator {
 public:
  // Validates the next piece. Returns false at the first invalid byte; once
  // false, the validator stays failed until reset().
  bool feed(std::span<const std::uint8_t> bytes) noexcept;
  bool feed(std::string_view text) noexcept {
    return feed(std::span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }

  // True if everything fed so far is valid and ends on a character boundary
  // (a message may end only there).
  [[nodiscard]] bool complete() const noexcept { return !failed_ && pending_ == 0; }
  [[nodiscard]] bool failed() const noexcept { return failed_; }

  void reset() noexcept { *this = Utf8Validator{}; }

 private:
  // Continuation bytes still expected for the current character (0..3).
  std::uint8_t pending_ = 0;
  // Range the NEXT byte must fall in. Only the first continuation byte has a
  // range narrower than 80..BF (Table 3-7), which is how overlongs,
  // surrogates and code points above U+10FFFF are excluded.
  std::uint8_t low_ = 0x80;
  std::uint8_t high_ = 0xBF;
  bool failed_ = false;
};

// One-shot check of a complete text (a close reason, a single-frame message).
[[nodiscard]] bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept;
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(std::span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace wsx::core
