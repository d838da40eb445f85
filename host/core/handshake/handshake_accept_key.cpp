#include "core/handshake/base64.hpp"
#include "core/handshake/handshake.hpp"
#include "core/handshake/sha1.hpp"

#include <string>

namespace wsx::core {

std::string compute_accept_key(std::string_view client_key) {
  std::string input;
  input.reserve(client_key.size() + kWebSocketGuid.size());
  input.append(client_key);
  input.append(kWebSocketGuid);
  return base64_encode(sha1(input));
}

bool is_valid_client_key(std::string_view key) {
  const auto decoded = base64_decode(key);
  return decoded && decoded->size() == 16;
}

std::string make_client_key(std::span<const std::uint8_t, 16> nonce) {
  return base64_encode(nonce);
}

}  // namespace wsx::core
