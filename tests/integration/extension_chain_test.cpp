// Two extension plugins on one connection (RFC 6455 section 9): the host
// lists the accepted extensions in the client's order, decodes incoming
// frames in reverse order of acceptance and encodes outgoing frames in order
// of acceptance.
//
// A = x-byte-rotate (sdk/examples/byte_rotate, RSV2): adds `shift` to each byte.
// B = x-xor-index (tests/integration/plugins, RSV3): XORs byte i with i.
// The two do not commute, so the bytes on the wire show which ran first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/deflate_codec.hpp"
#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

constexpr std::uint8_t kShift = 7;  // the shift configured for x-byte-rotate
constexpr std::uint8_t kBoth = kRsv2 | kRsv3;
constexpr std::string_view kRotate = "x-byte-rotate";
constexpr std::string_view kXor = "x-xor-index";

// The client's side of each transform (per frame, as the plugins work).
Bytes rotate(Bytes bytes, std::uint8_t shift) {
  for (std::uint8_t& byte : bytes) byte = static_cast<std::uint8_t>(byte + shift);
  return bytes;
}
Bytes unrotate(Bytes bytes) {
  return rotate(std::move(bytes), static_cast<std::uint8_t>(256 - kShift));
}
Bytes xor_index(Bytes bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= static_cast<std::uint8_t>(i & 0xff);
  return bytes;
}

// The extension tokens of a Sec-WebSocket-Extensions value, in order.
std::vector<std::string> tokens(const std::optional<std::string>& header) {
  std::vector<std::string> out;
  if (!header) return out;
  std::string_view rest = *header;
  // Bounded by the header's length: each pass consumes up to a comma.
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    out.emplace_back(item);
  }
  return out;
}

// A text message whose bytes, mis-decoded, are not UTF-8 (checked below).
const Bytes kPlain = to_bytes(
    "The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps "
    "over the lazy dog.");

class ExtensionChainTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "64 KiB";
    // Loaded in the order B, A: negotiation must follow the client's
    // offer, not the config's order.
    config.plugins.push_back({WSX_XOR_INDEX_PLUGIN, {}});
    config.plugins.push_back({WSX_BYTE_ROTATE_PLUGIN, {{"shift", std::to_string(kShift)}}});
    return config;
  }
};

TEST_F(ExtensionChainTest, ResponseListsExtensionsInTheClientsOrder) {
  WsClient ab = open("x-byte-rotate, x-xor-index");
  EXPECT_EQ(tokens(ab.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{std::string(kRotate), std::string(kXor)}))
      << ab.response().head;
  WsClient ba = open("x-xor-index, x-byte-rotate");
  EXPECT_EQ(tokens(ba.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{std::string(kXor), std::string(kRotate)}))
      << ba.response().head;
}

TEST_F(ExtensionChainTest, OfferedRotateThenXorRunsInThatOrder) {
  WsClient good = open();
  WsClient client = open("x-byte-rotate, x-xor-index");
  ASSERT_EQ(tokens(client.response().header("Sec-WebSocket-Extensions")).size(), 2u)
      << client.response().head;

  // The server decodes B (last accepted) first, then A; so the client
  // encodes A first, then B.
  const Bytes wire = xor_index(rotate(kPlain, kShift));
  const Bytes wrong_order = rotate(xor_index(kPlain), kShift);
  ASSERT_NE(wire, wrong_order) << "the transforms must not commute for this test to prove order";
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = wire, .rsv = kBoth}));

  const auto echo = client.read_message();
  ASSERT_TRUE(echo) << client.history();
  ASSERT_EQ(echo->frames.size(), 1u);
  // The echo was encoded A first, then B, and both marked their bit.
  EXPECT_EQ(echo->first_rsv, kRsv2 | kRsv3);
  EXPECT_EQ(echo->opcode, opcode::text);
  EXPECT_EQ(echo->payload, wire);
  EXPECT_NE(echo->payload, wrong_order);
  // Decoding in reverse order of acceptance gives the text back; the other
  // order does not.
  EXPECT_EQ(unrotate(xor_index(echo->payload)), kPlain);
  EXPECT_NE(xor_index(unrotate(echo->payload)), kPlain);
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ExtensionChainTest, EncodingInTheWrongOrderDoesNotRoundTrip) {
  WsClient good = open();
  WsClient client = open("x-byte-rotate, x-xor-index");
  // Encoded B first, then A: the server's decoding (B then A) yields bytes
  // that are not the text, and not UTF-8 either, so the text message fails
  // with 1007 (RFC 6455 section 8.1).
  const Bytes wrong_order = rotate(xor_index(kPlain), kShift);
  const Bytes server_sees = unrotate(xor_index(wrong_order));
  ASSERT_NE(server_sees, kPlain);
  ASSERT_TRUE(std::ranges::any_of(server_sees, [](std::uint8_t b) {
    return b == 0xC0 || b == 0xC1 || b >= 0xF5;
  })) << "precondition: the mis-decoded text must hold a byte that is never UTF-8";
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = wrong_order, .rsv = kBoth}));
  EXPECT_TRUE(fails_with(client, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ExtensionChainTest, OfferedXorThenRotateRunsInThatOrder) {
  WsClient client = open("x-xor-index, x-byte-rotate");
  ASSERT_EQ(tokens(client.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{std::string(kXor), std::string(kRotate)}));
  // Now B was accepted first: encode B then A, and the server answers the
  // same way.
  const Bytes wire = rotate(xor_index(kPlain), kShift);
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = wire, .rsv = kBoth}));
  const auto echo = client.read_message();
  ASSERT_TRUE(echo) << client.history();
  EXPECT_EQ(echo->first_rsv, kRsv2 | kRsv3);
  EXPECT_EQ(echo->payload, wire);
  EXPECT_EQ(xor_index(unrotate(echo->payload)), kPlain);
}

TEST_F(ExtensionChainTest, FragmentsAreTransformedFrameByFrame) {
  WsClient client = open("x-byte-rotate, x-xor-index");
  const Bytes first(kPlain.begin(), kPlain.begin() + 40);
  const Bytes second(kPlain.begin() + 40, kPlain.end());
  ASSERT_TRUE(client.send({.opcode = opcode::text,
                           .payload = xor_index(rotate(first, kShift)),
                           .fin = false,
                           .rsv = kBoth}));
  ASSERT_TRUE(client.send({.opcode = opcode::continuation,
                           .payload = xor_index(rotate(second, kShift)),
                           .rsv = kBoth}));
  const auto echo = client.read_message();
  ASSERT_TRUE(echo) << client.history();
  // The host sends the 96 bytes as one frame, so one decode covers them.
  ASSERT_EQ(echo->frames.size(), 1u);
  EXPECT_EQ(unrotate(xor_index(echo->payload)), kPlain);
}

TEST_F(ExtensionChainTest, OnlyOneExtensionAcceptedLeavesTheOtherBitUnowned) {
  WsClient good = open("x-byte-rotate, x-xor-index");
  WsClient client = open("x-byte-rotate");
  ASSERT_EQ(tokens(client.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{std::string(kRotate)}));
  // RSV2 alone is fine...
  ASSERT_TRUE(
      client.send({.opcode = opcode::text, .payload = rotate(kPlain, kShift), .rsv = kRsv2}));
  const auto echo = client.read_message();
  ASSERT_TRUE(echo) << client.history();
  EXPECT_EQ(echo->first_rsv, kRsv2);
  EXPECT_EQ(unrotate(echo->payload), kPlain);
  // ...but RSV3 belongs to an extension this connection did not negotiate
  // (RFC 6455 section 5.2): 1002.
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = xor_index(kPlain), .rsv = kRsv3}));
  EXPECT_TRUE(fails_with(client, 1002));
  // The connection with both extensions goes on.
  const Bytes wire = xor_index(rotate(kPlain, kShift));
  ASSERT_TRUE(good.send({.opcode = opcode::binary, .payload = wire, .rsv = kBoth}));
  const auto good_echo = good.read_message();
  ASSERT_TRUE(good_echo) << good.history();
  EXPECT_EQ(unrotate(xor_index(good_echo->payload)), kPlain);
}

TEST_F(ExtensionChainTest, Rsv1IsUnownedWithBothExtensions) {
  WsClient good = open("x-byte-rotate, x-xor-index");
  WsClient bad = open("x-byte-rotate, x-xor-index");
  ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = kPlain, .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad, 1002));
  ASSERT_TRUE(good.send(
      {.opcode = opcode::text, .payload = xor_index(rotate(kPlain, kShift)), .rsv = kBoth}));
  const auto echo = good.read_message();
  ASSERT_TRUE(echo) << good.history();
  EXPECT_EQ(unrotate(xor_index(echo->payload)), kPlain);
}

// permessage-deflate (RSV1) chained with x-byte-rotate (RSV2): a codec that
// changes the payload's size, in either position of the chain.
class DeflateChainTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "64 KiB";
    config.plugins.push_back({WSX_PERMESSAGE_DEFLATE_PLUGIN, {}});
    config.plugins.push_back({WSX_BYTE_ROTATE_PLUGIN, {{"shift", std::to_string(kShift)}}});
    return config;
  }
};

constexpr std::uint8_t kDeflateAndRotate = kRsv1 | kRsv2;

TEST_F(DeflateChainTest, DeflateThenRotate) {
  WsClient client = open("permessage-deflate, x-byte-rotate");
  ASSERT_EQ(tokens(client.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{"permessage-deflate", std::string(kRotate)}))
      << client.response().head;
  MessageCompressor compressor;
  MessageDecompressor decompressor;
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    // Compress first, then rotate; the server undoes rotate, then inflates.
    ASSERT_TRUE(client.send({.opcode = opcode::text,
                             .payload = rotate(compressor.compress(kPlain), kShift),
                             .rsv = kDeflateAndRotate}));
    const auto echo = client.read_message();
    ASSERT_TRUE(echo) << client.history();
    ASSERT_EQ(echo->frames.size(), 1u);
    EXPECT_EQ(echo->first_rsv, kDeflateAndRotate);
    const auto plain = decompressor.decompress(unrotate(echo->payload));
    ASSERT_TRUE(plain) << "the echo was not rotated after compressing";
    EXPECT_EQ(*plain, kPlain);
  }
}

TEST_F(DeflateChainTest, RotateThenDeflate) {
  WsClient client = open("x-byte-rotate, permessage-deflate");
  ASSERT_EQ(tokens(client.response().header("Sec-WebSocket-Extensions")),
            (std::vector<std::string>{std::string(kRotate), "permessage-deflate"}))
      << client.response().head;
  MessageCompressor compressor;
  MessageDecompressor decompressor;
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    ASSERT_TRUE(client.send({.opcode = opcode::text,
                             .payload = compressor.compress(rotate(kPlain, kShift)),
                             .rsv = kDeflateAndRotate}));
    const auto echo = client.read_message();
    ASSERT_TRUE(echo) << client.history();
    ASSERT_EQ(echo->frames.size(), 1u);
    EXPECT_EQ(echo->first_rsv, kDeflateAndRotate);
    const auto inflated = decompressor.decompress(echo->payload);
    ASSERT_TRUE(inflated) << "the echo was not compressed after rotating";
    EXPECT_EQ(unrotate(*inflated), kPlain);
  }
}

}  // namespace
}  // namespace wsx::integration
