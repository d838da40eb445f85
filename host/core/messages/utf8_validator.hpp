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
  [[nodiscard]] bool complete() const noexcept { return state_ == accept_state; }
  [[nodiscard]] bool failed() const noexcept { return state_ == reject_state; }

  void reset() noexcept { *this = Utf8Validator{}; }

 private:
  // The state of the automaton of utf8_validator.cpp: on a character
  // boundary, failed, or which bytes the rest of the current character may
  // take (Table 3-7 narrows the second byte after E0, ED, F0 and F4).
  static constexpr std::uint8_t accept_state = 0;
  static constexpr std::uint8_t reject_state = 6;
  std::uint8_t state_ = accept_state;
};

// One-shot check of a complete text (a close reason, a single-frame message).
[[nodiscard]] bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept;
[[nodiscard]] inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(std::span{reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace wsx::core
