// Close frames (RFC 6455 sections 5.5.1 and 7.4): status codes, which of them
// may travel in a Close frame, and the payload layout (a 2-byte code in
// network order followed by a UTF-8 reason, or nothing at all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace wsx::core {

// Section 7.4.1 (and the IANA registry of section 11.7 for 1012-1014).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
// 1005 and 1006 are never sent: they name the absence of a code (7.4.1).
inline constexpr std::uint16_t no_status_received = 1005;
inline constexpr std::uint16_t abnormal_closure = 1006;
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t bad_gateway = 1014;
inline constexpr std::uint16_t tls_handshake = 1015;
}  // namespace close_code

// Section 5.5: a control payload is at most 125 bytes, 2 of which hold the code.
inline constexpr std::size_t max_close_reason_size = 123;

// True if `code` may appear in a Close frame (7.4.1, 7.4.2): 1000-1003,
// 1007-1014 and the application/private range 3000-4999. Refused: below
// 1000, 1004 (reserved), 1005, 1006 and 1015 (never on the wire), and the
// unassigned 1016-2999.
[[nodiscard]] constexpr bool is_sendable_close_code(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

// A received Close frame's content.
struct CloseInfo {
  // no_status_received when the payload was empty (7.1.5).
  std::uint16_t code = close_code::no_status_received;
  // UTF-8, borrowed from the frame payload.
  std::string_view reason;
};

struct CloseParse {
  bool ok = false;
  CloseInfo info;
  // When !ok: the code to fail the connection with, and why (static text).
  std::uint16_t error_code = 0;
  std::string_view error;
};

// Parses a Close payload (5.5.1): empty, or a valid code and a UTF-8 reason.
// A 1-byte payload or an unsendable code fails with 1002; a reason that is
// not UTF-8 fails with 1007 (8.1: text that is not UTF-8 is invalid data).
[[nodiscard]] CloseParse parse_close_payload(std::span<const std::uint8_t> payload) noexcept;

// The longest prefix of `reason` that is valid UTF-8, ends on a character
// boundary and fits a Close frame (123 bytes). Used for reasons we did not
// write ourselves, e.g. an extension's error message.
[[nodiscard]] std::string_view fit_close_reason(std::string_view reason) noexcept;

// Writes the payload of a Close frame into `out` (room for 125 bytes) and
// returns its size: empty for no_status_received, else the code followed
// by fit_close_reason(reason).
std::size_t write_close_payload(std::uint16_t code, std::string_view reason,
                                std::uint8_t* out) noexcept;

}  // namespace wsx::core
