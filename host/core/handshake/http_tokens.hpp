// Small pieces of the HTTP/1.1 grammar (RFC 7230 sections 3.2.3, 3.2.6 and 7)
// that the opening handshake needs: tchar, OWS, case-insensitive comparison
// and comma-separated lists ("#rule").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wsx::core {

// RFC 7230 section 3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" /
// "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
[[nodiscard]] constexpr bool is_tchar(char ch) noexcept {
  const auto c = static_cast<unsigned char>(ch);
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

// RFC 7230 section 3.2.3: OWS = *( SP / HTAB )
[[nodiscard]] constexpr bool is_ows(char c) noexcept {
  return c == ' ' || c == '\t';
}

[[nodiscard]] std::string_view trim_ows(std::string_view text) noexcept;

// ASCII case-insensitive equality (header names, tokens such as "websocket").
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// The elements of a #rule list, OWS trimmed, empty elements dropped
// (RFC 7230 section 7: a recipient MUST accept and ignore empty elements).
// Only for lists whose elements cannot contain a comma (no quoted-string).
[[nodiscard]] std::vector<std::string_view> split_list(std::string_view list);

// True if one element of the list equals `token`, ignoring ASCII case
// (e.g. "keep-alive, Upgrade" contains "upgrade").
[[nodiscard]] bool list_contains(std::string_view list, std::string_view token);

// Peer-supplied text made safe to put in a log line or an error body:
// printable ASCII kept, anything else as \xNN, cut after `max_bytes`.
[[nodiscard]] std::string printable(std::string_view text, std::size_t max_bytes = 80);

}  // namespace wsx::core
