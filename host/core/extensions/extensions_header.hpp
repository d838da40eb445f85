// The Sec-WebSocket-Extensions header grammar (RFC 6455 section 9.1, with the
// token, quoted-string and list rules of RFC 7230 sections 3.2.6 and 7):
//
//   Sec-WebSocket-Extensions = 1#extension
//   extension = token *( OWS ";" OWS param )
//   param     = token [ OWS "=" OWS ( token / quoted-string ) ]
//
// A quoted-string value must itself be a token once unescaped (RFC 6455
// section 9.1), so `a="10"` means the same as `a=10` and `a="x y"` is an error.
// Several header fields combine into one list (RFC 7230 section 3.2.2).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/extensions/extension_params.hpp"

namespace wsx::core {

// Where and why a header value does not follow the grammar.
struct ExtensionsHeaderError {
  // Which header field (0-based) when several were combined.
  std::size_t field = 0;
  // Byte offset of the offending character within that field's value.
  std::size_t position = 0;
  // What the grammar expected there, e.g. "a parameter name after ';'".
  std::string expected;
  // What was there instead, e.g. "'='" or "end of header".
  std::string found;

  // "position 5: expected a parameter name after ';', found '='".
  [[nodiscard]] std::string message() const;
};

struct ParsedExtensions {
  // The items in header order, duplicates kept (offers of the same token are
  // fallbacks, RFC 7692 section 5). Empty when `error` is set.
  std::vector<ExtensionItem> items;
  std::optional<ExtensionsHeaderError> error;
  [[nodiscard]] bool ok() const noexcept { return !error.has_value(); }
};

// Parses one header field value.
[[nodiscard]] ParsedExtensions parse_extensions_header(std::string_view value);

// Parses several header fields as one list. Empty list elements are ignored
// (RFC 7230 section 7), but the combined list must hold at least one
// extension (1#extension).
[[nodiscard]] ParsedExtensions parse_extensions_headers(std::span<const std::string_view> values);

// Writes `token; name; name=value` for each item, items separated by ", ".
// A value is written bare when it is a token and as an escaped quoted-string
// otherwise. nullopt (with the reason in `*why`) if a token or parameter
// name is not a token, or a value holds a byte that a quoted-string cannot
// carry (a control character other than HTAB).
[[nodiscard]] std::optional<std::string> serialize_extensions(std::span<const ExtensionItem> items,
                                                              std::string* why = nullptr);

// Just the parameter part of one item: "a; b=1" (no leading "; ").
[[nodiscard]] std::optional<std::string> serialize_extension_params(
    std::span<const ExtensionParam> params, std::string* why = nullptr);

}  // namespace wsx::core
