// The one error type of host/config: it carries the position of the value it
// is about, and its message says what would have been valid.
#pragma once

#include <stdexcept>
#include <string>

#include "config.hpp"

namespace wsx::config {

class ConfigError : public std::runtime_error {
 public:
  // what() is "file:line:col: message" (or "file: message" without a line).
  ConfigError(SourcePosition where, const std::string& message)
      : std::runtime_error(where.to_string() + ": " + message),
        where_(std::move(where)),
        message_(message) {}

  [[nodiscard]] const SourcePosition& where() const noexcept { return where_; }
  [[nodiscard]] const std::string& file() const noexcept { return where_.file; }
  [[nodiscard]] std::uint32_t line() const noexcept { return where_.line; }
  [[nodiscard]] std::uint32_t column() const noexcept { return where_.column; }
  // The message without the position prefix.
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SourcePosition where_;
  std::string message_;
};

}  // namespace wsx::config
