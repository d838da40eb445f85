#include "core/extensions/extensions_header.hpp"

#include <cstdio>

#include "core/handshake/http_tokens.hpp"

namespace wsx::core {

namespace {

// RFC 7230 section 3.2.6: qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
constexpr bool is_qdtext(unsigned char c) noexcept {
  return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) ||
         (c >= 0x5D && c <= 0x7E) || c >= 0x80;
}

// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
constexpr bool is_quotable(unsigned char c) noexcept {
  return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7E) || c >= 0x80;
}

std::string describe_char(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return "end of header";
  const auto c = static_cast<unsigned char>(text[pos]);
  char out[16];
  if (c >= 0x21 && c < 0x7F)
    std::snprintf(out, sizeof out, "'%c'", static_cast<char>(c));
  else if (c == ' ')
    std::snprintf(out, sizeof out, "a space");
  else
    std::snprintf(out, sizeof out, "byte 0x%02X", c);
  return out;
}

// A recursive-descent reader over one header field value. Every loop
// advances `pos_` or returns, so parsing is linear in the input.
class Reader {
 public:
  Reader(std::string_view text, std::size_t field) : text_(text), field_(field) {}

  // Appends the field's items to `items`; returns the first error, if any.
  std::optional<ExtensionsHeaderError> read_list(std::vector<ExtensionItem>& items) {
    while (true) {
      skip_ows();
      if (at_end()) return std::nullopt;
      if (peek() == ',') {  // an empty list element
        ++pos_;
        continue;
      }
      ExtensionItem item;
      if (auto error = read_token(item.token, "an extension token")) return error;
      if (auto error = read_params(item.params)) return error;
      items.push_back(std::move(item));
      skip_ows();
      if (at_end()) return std::nullopt;
      if (peek() != ',') return fail(pos_, "',' or ';' after an extension");
      ++pos_;
    }
  }

 private:
  std::optional<ExtensionsHeaderError> read_params(std::vector<ExtensionParam>& params) {
    while (true) {
      skip_ows();
      if (at_end() || peek() != ';') return std::nullopt;
      ++pos_;
      skip_ows();
      ExtensionParam param;
      if (auto error = read_token(param.name, "a parameter name after ';'")) return error;
      skip_ows();
      if (!at_end() && peek() == '=') {
        ++pos_;
        skip_ows();
        std::string value;
        if (!at_end() && peek() == '"') {
          if (auto error = read_quoted_token(value)) return error;
        } else if (auto error = read_token(value, "a parameter value (token or quoted-string)")) {
          return error;
        }
        param.value = std::move(value);
      }
      params.push_back(std::move(param));
    }
  }

  std::optional<ExtensionsHeaderError> read_token(std::string& out, const char* what) {
    const std::size_t start = pos_;
    while (!at_end() && is_tchar(peek())) ++pos_;
    if (pos_ == start) return fail(pos_, what);
    out.assign(text_.substr(start, pos_ - start));
    return std::nullopt;
  }

  // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, unescaped, then
  // checked to be a token (RFC 6455 section 9.1).
  std::optional<ExtensionsHeaderError> read_quoted_token(std::string& out) {
    const std::size_t open = pos_;
    ++pos_;  // the opening DQUOTE
    while (true) {
      if (at_end()) return fail(pos_, "a closing '\"' of the quoted-string");
      const auto c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c == '\\') {
        ++pos_;
        if (at_end() || !is_quotable(static_cast<unsigned char>(peek())))
          return fail(pos_, "an escaped character after '\\'");
      } else if (!is_qdtext(c)) {
        return fail(pos_, "a quoted-string character");
      }
      out += peek();
      ++pos_;
    }
    ++pos_;  // the closing DQUOTE
    if (!is_token(out)) {
      ExtensionsHeaderError error;
      error.field = field_;
      error.position = open;
      error.expected = "a quoted value that is a token once unquoted (RFC 6455 section 9.1)";
      error.found = "\"" + printable(out, 40) + "\"";
      return error;
    }
    return std::nullopt;
  }

  ExtensionsHeaderError fail(std::size_t at, const char* expected) const {
    return ExtensionsHeaderError{field_, at, expected, describe_char(text_, at)};
  }

  void skip_ows() noexcept {
    while (!at_end() && is_ows(peek())) ++pos_;
  }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= text_.size(); }
  [[nodiscard]] char peek() const noexcept { return text_[pos_]; }

  std::string_view text_;
  std::size_t field_;
  std::size_t pos_ = 0;
};

bool needs_no_quotes(std::string_view value) {
  return is_token(value);
}

// Appends `separator name[=value]` per parameter; false (reason in *why) if
// one cannot be written.
bool append_params(std::string& out, std::span<const ExtensionParam> params,
                   std::string_view separator, std::string* why) {
  for (const ExtensionParam& param : params) {
    if (!is_token(param.name)) {
      if (why != nullptr) *why = "parameter name \"" + printable(param.name) + "\" is not a token";
      return false;
    }
    out += separator;
    separator = "; ";
    out += param.name;
    if (!param.value) continue;
    out += '=';
    if (needs_no_quotes(*param.value)) {
      out += *param.value;
      continue;
    }
    out += '"';
    for (char ch : *param.value) {
      const auto c = static_cast<unsigned char>(ch);
      if (!is_quotable(c)) {
        if (why != nullptr)
          *why = "value of parameter \"" + param.name + "\" holds a control character";
        return false;
      }
      if (c == '"' || c == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return true;
}

}  // namespace

std::string ExtensionsHeaderError::message() const {
  std::string text;
  if (field != 0) text += "header field " + std::to_string(field + 1) + ", ";
  text += "position " + std::to_string(position) + ": expected " + expected + ", found " + found;
  return text;
}

ParsedExtensions parse_extensions_header(std::string_view value) {
  return parse_extensions_headers(std::span(&value, 1));
}

ParsedExtensions parse_extensions_headers(std::span<const std::string_view> values) {
  ParsedExtensions result;
  for (std::size_t field = 0; field < values.size(); ++field) {
    if (auto error = Reader(values[field], field).read_list(result.items)) {
      result.items.clear();
      result.error = std::move(error);
      return result;
    }
  }
  if (result.items.empty()) {
    // 1#extension: a header that lists nothing is malformed.
    const std::size_t last = values.empty() ? 0 : values.size() - 1;
    result.error = ExtensionsHeaderError{last, values.empty() ? 0 : values[last].size(),
                                         "at least one extension", "an empty list"};
  }
  return result;
}

std::optional<std::string> serialize_extension_params(std::span<const ExtensionParam> params,
                                                      std::string* why) {
  std::string out;
  if (!append_params(out, params, "", why)) return std::nullopt;
  return out;
}

std::optional<std::string> serialize_extensions(std::span<const ExtensionItem> items,
                                                std::string* why) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!is_token(items[i].token)) {
      if (why != nullptr)
        *why = "extension token \"" + printable(items[i].token) + "\" is not a token";
      return std::nullopt;
    }
    if (i != 0) out += ", ";
    out += items[i].token;
    if (!append_params(out, items[i].params, "; ", why)) return std::nullopt;
  }
  return out;
}

}  // namespace wsx::core
