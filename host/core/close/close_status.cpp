#include "core/close/close_status.hpp"

#include <cstring>

#include "core/messages/utf8_validator.hpp"

namespace wsx::core {

CloseParse parse_close_payload(std::span<const std::uint8_t> payload) noexcept {
  CloseParse result;
  if (payload.empty()) {
    // 7.1.5: no status code in the frame means "1005" for the application.
    result.ok = true;
    return result;
  }
  // 5.5.1: "If there is a body, the first two bytes of the body MUST be a
  // 2-byte unsigned integer".
  if (payload.size() == 1) {
    result.error_code = close_code::protocol_error;
    result.error = "close frame with a 1-byte payload";
    return result;
  }
  const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
  if (!is_sendable_close_code(code)) {
    result.error_code = close_code::protocol_error;
    result.error = "invalid close code";
    return result;
  }
  const auto reason = payload.subspan(2);
  // 5.5.1: the reason is UTF-8 encoded data.
  if (!is_valid_utf8(reason)) {
    result.error_code = close_code::invalid_payload;
    result.error = "close reason is not valid UTF-8";
    return result;
  }
  result.ok = true;
  result.info.code = code;
  result.info.reason = {reinterpret_cast<const char*>(reason.data()), reason.size()};
  return result;
}

std::string_view fit_close_reason(std::string_view reason) noexcept {
  Utf8Validator validator;
  std::size_t boundary = 0;
  const std::size_t limit =
      reason.size() < max_close_reason_size ? reason.size() : max_close_reason_size;
  for (std::size_t i = 0; i < limit; ++i) {
    if (!validator.feed(reason.substr(i, 1))) break;
    if (validator.complete()) boundary = i + 1;
  }
  return reason.substr(0, boundary);
}

std::size_t write_close_payload(std::uint16_t code, std::string_view reason,
                                std::uint8_t* out) noexcept {
  if (code == close_code::no_status_received) return 0;
  out[0] = static_cast<std::uint8_t>(code >> 8);
  out[1] = static_cast<std::uint8_t>(code);
  const std::string_view fitted = fit_close_reason(reason);
  if (!fitted.empty()) std::memcpy(out + 2, fitted.data(), fitted.size());
  return 2 + fitted.size();
}

}  // namespace wsx::core
