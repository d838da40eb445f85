// HTTP error responses the host sends instead of a 101 (RFC 6455 section
// 4.2.2: "return an HTTP response with an appropriate error code").
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/handshake/http_head.hpp"

namespace wsx::core {

// The reason phrase for the status codes the host uses ("Bad Request", ...).
[[nodiscard]] std::string_view reason_phrase(unsigned status) noexcept;

// A complete response: status line, `Connection: close` (unless `extra`
// has its own Connection field), `Content-Type: text/plain; charset=utf-8`,
// Content-Length, the `extra` fields, and `reason` + "\n" as the body.
// Non-printable bytes in `reason` and in extra values are escaped, so peer
// text quoted in a reason cannot inject header lines.
[[nodiscard]] std::string build_error_response(unsigned status, std::string_view reason,
                                               std::span<const HttpHeader> extra = {});

}  // namespace wsx::core
