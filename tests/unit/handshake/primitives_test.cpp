// Base64 (RFC 4648), SHA-1 (FIPS 180-4), both from OpenSSL's libcrypto, and the
// Sec-WebSocket-Accept key (RFC 6455 sections 1.3 and 4.2.2) against published test vectors.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "core/handshake/base64.hpp"
#include "core/handshake/handshake.hpp"
#include "core/handshake/sha1.hpp"

namespace wsx::core {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string hex(const Sha1Digest& digest) {
  std::string out;
  for (std::uint8_t byte : digest) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", byte);
    out += pair;
  }
  return out;
}

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 section 10.
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(bytes_of(plain)), encoded);
    const auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::vector<std::uint8_t> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string encoded = base64_encode(all);
  EXPECT_EQ(encoded.substr(0, 8), "AAECAwQF");
  EXPECT_EQ(base64_decode(encoded), all);
}

TEST(Base64, StrictDecodingRejectsMalformedInput) {
  for (std::string_view bad :
       {"Zg=", "Zg", "Zg==Zg==", "Z===", "====", "Zm9v YmFy", "Zm9-", "Zm9_", "Zm9v\n", "Zm=v"}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
}

TEST(Sha1, Fips180Vectors) {
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

TEST(Sha1, MillionAs) {
  EXPECT_EQ(hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PaddingBoundaries) {
  // Lengths around the 56- and 64-byte block edges, where the length field
  // does or does not fit in the last block (values from Python's hashlib).
  const std::pair<std::size_t, std::string_view> vectors[] = {
      {55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"},
      {56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"},
      {63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5"},
      {64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"},
      {65, "11655326c708d70319be2610e8a57d9a5b959d3b"},
      {119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56"},
      {120, "f34c1488385346a55709ba056ddd08280dd4c6d6"}};
  for (const auto& [length, digest] : vectors) {
    EXPECT_EQ(hex(sha1(std::string(length, 'a'))), digest) << length;
  }
}

TEST(AcceptKey, Rfc6455Example) {
  // RFC 6455 sections 1.3 and 4.2.2.
  EXPECT_EQ(compute_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(AcceptKey, Rfc6455Section1_2Example) {
  // RFC 6455 section 1.2's handshake: key x3JJHMbDL1EzLkh9GBhXDw==.
  EXPECT_EQ(compute_accept_key("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");
}

TEST(ClientKey, SixteenBytesExactly) {
  EXPECT_TRUE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_FALSE(is_valid_client_key(base64_encode(std::vector<std::uint8_t>(15, 1))));
  EXPECT_FALSE(is_valid_client_key(base64_encode(std::vector<std::uint8_t>(17, 1))));
  EXPECT_FALSE(is_valid_client_key("dGhlIHNhbXBsZSBub25jZQ"));  // padding missing
  EXPECT_FALSE(is_valid_client_key(""));
}

TEST(ClientKey, MadeFromTheNonce) {
  std::array<std::uint8_t, 16> nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(i);
  const std::string key = make_client_key(nonce);
  EXPECT_EQ(key, "AAECAwQFBgcICQoLDA0ODw==");
  EXPECT_TRUE(is_valid_client_key(key));
}

}  // namespace
}  // namespace wsx::core
