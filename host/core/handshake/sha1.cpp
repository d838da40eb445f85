#include "core/handshake/sha1.hpp"

#include <openssl/sha.h>

namespace wsx::core {

Sha1Digest sha1(std::span<const std::uint8_t> bytes) noexcept {
  Sha1Digest digest{};
  // One-shot and allocation-free (EVP_Digest would fetch the algorithm
  // through a context; SHA1() is still provided by OpenSSL 3 for this).
  SHA1(bytes.data(), bytes.size(), digest.data());
  return digest;
}

Sha1Digest sha1(std::string_view text) noexcept {
  return sha1({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace wsx::core
