#include "core/handshake/base64.hpp"
#include "core/handshake/handshake.hpp"
#include "core/handshake/sha1.hpp"

namespace wsx::core {

std::string compute_accept_key(std::string_view client_key) {
  Sha1 hash;
  hash.update(client_key);
  hash.update(kWebSocketGuid);
  const Sha1Digest digest = hash.finish();
  return base64_encode(digest);
}

bool is_valid_client_key(std::string_view key) {
  const auto decoded = base64_decode(key);
  return decoded && decoded->size() == 16;
}

std::string make_client_key(std::span<const std::uint8_t, 16> nonce) {
  return base64_encode(nonce);
}

}  // namespace wsx::core
