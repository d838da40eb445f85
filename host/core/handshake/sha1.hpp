// SHA-1 (FIPS 180-4), needed only to compute Sec-WebSocket-Accept (RFC 6455
// section 4.2.2 step 5.4). Not used for anything that needs collision
// resistance: the handshake uses it to prove the server read the key.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace wsx::core {

using Sha1Digest = std::array<std::uint8_t, 20>;

class Sha1 {
 public:
  Sha1() noexcept = default;
  void update(std::span<const std::uint8_t> bytes) noexcept;
  void update(std::string_view text) noexcept;
  // Pads and returns the digest; the object must not be updated afterwards.
  [[nodiscard]] Sha1Digest finish() noexcept;

 private:
  void compress() noexcept;

  std::array<std::uint32_t, 5> state_{0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
                                      0xC3D2E1F0u};
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

[[nodiscard]] Sha1Digest sha1(std::string_view text) noexcept;

}  // namespace wsx::core
