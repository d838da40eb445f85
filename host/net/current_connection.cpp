#include "net/current_connection.hpp"

#include <stdexcept>
#include <string>

#include "core/close/close_status.hpp"
#include "net/session.hpp"

namespace wsx {

ConnectionHandle CurrentConnection::handle() const noexcept {
  return session_.handle();
}

SendResult CurrentConnection::send(MessageType type, std::span<const std::uint8_t> payload) {
  return session_.send(type, payload);
}

SendResult CurrentConnection::send_text(std::string_view text) {
  return session_.send(MessageType::text,
                       {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

SendResult CurrentConnection::close(std::uint16_t code, std::string_view reason) {
  if (!core::is_sendable_close_code(code))
    throw std::invalid_argument("close code " + std::to_string(code) +
                                " may not be sent in a Close frame (RFC 6455 section 7.4)");
  return session_.close(code, reason);
}

}  // namespace wsx
