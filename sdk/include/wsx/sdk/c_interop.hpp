// wsx/sdk/c_interop.hpp -- reading the C ABI's values from C++: structs by
// ABI rule 2 (struct_size), C string views, token and close-code checks.
// Part of wsx/extension.hpp; include that.
#pragma once

#include <wsx/extension.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace wsx::sdk {

namespace detail {

/// Reads a struct_size-prefixed struct as ABI rule 2 says: copies
/// min(struct_size, sizeof(T)) bytes into a zeroed T, so fields that the
/// writer did not know read as zero. A null pointer reads as all zeroes.
template <class T>
[[nodiscard]] T read_sized(const T* source) noexcept {
  static_assert(std::is_trivially_copyable_v<T> && std::is_standard_layout_v<T>);
  T copy{};
  if (source != nullptr) {
    std::memcpy(&copy, source, std::min(source->struct_size, sizeof(T)));
  }
  return copy;
}

/// A borrowed C string view as a std::string_view (tolerates a null data
/// pointer when the size is 0).
[[nodiscard]] constexpr std::string_view view(wsx_str text) noexcept {
  return text.data == nullptr ? std::string_view{} : std::string_view{text.data, text.size};
}

/// A std::string_view as a borrowed C string view.
[[nodiscard]] constexpr wsx_str to_wsx(std::string_view text) noexcept {
  return wsx_str{text.data(), text.size()};
}

/// True if `text` is an RFC 7230 token (1*tchar), checked at compile time
/// for declared extension tokens.
[[nodiscard]] constexpr bool is_token(const char* text) noexcept {
  if (text == nullptr || *text == '\0') return false;
  for (; *text != '\0'; ++text) {
    const char c = *text;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view{"!#$%&'*+-.^_`|~"}.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

/// True if `code` is a close code an extension may use (wsx/extension.h).
[[nodiscard]] constexpr bool is_extension_close_code(std::uint32_t code) noexcept {
  return code == WSX_CLOSE_PROTOCOL_ERROR || code == WSX_CLOSE_INVALID_PAYLOAD ||
         code == WSX_CLOSE_MESSAGE_TOO_BIG || code == WSX_CLOSE_MANDATORY_EXTENSION ||
         code == WSX_CLOSE_INTERNAL_ERROR;
}

/// ASCII case-insensitive equality (extension tokens are matched that way).
[[nodiscard]] constexpr bool same_token(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return std::ranges::equal(a, b, [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace detail

}  // namespace wsx::sdk
