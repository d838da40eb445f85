// RFC 7692 §7.2.3, "Examples", byte for byte, both ways.
#include <gtest/gtest.h>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// The RFC's examples assume context takeover; keep the compressor.
const std::vector<ConfigValue> kCompressEverything{{"min_size", std::int64_t{0}},
                                                   {"keep_compression_context", true}};

TestExtension server_extension(TestPlugin& plugin, std::string_view offer = "") {
  Negotiation result = server_negotiate(plugin, offer);
  EXPECT_EQ(result.status, WSX_OK) << result.message;
  return std::move(*result.extension);
}

Frame text_frame(Bytes payload, bool fin = true, std::uint8_t rsv = 0) {
  return {WSX_OPCODE_TEXT, fin, rsv, std::move(payload)};
}

Frame compressed(Bytes payload, bool fin = true) {
  return text_frame(std::move(payload), fin, WSX_RSV1);
}

Frame continuation(Bytes payload, bool fin = true) {
  return {WSX_OPCODE_CONTINUATION, fin, 0, std::move(payload)};
}

// §7.2.3.1: "Hello" in one compressed DEFLATE block.
TEST(Rfc7692Examples, HelloInOneBlock) {
  TestPlugin plugin(kCompressEverything);
  TestExtension extension = server_extension(plugin);
  const Result sent = encode(extension, text_frame(bytes("Hello")));
  ASSERT_EQ(sent.status, WSX_OK) << sent.message;
  EXPECT_EQ(sent.frame.payload, hex("f2 48 cd c9 c9 07 00"));
  EXPECT_EQ(sent.frame.rsv, WSX_RSV1);

  const Result received = decode(extension, compressed(hex("f2 48 cd c9 c9 07 00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_EQ(text(received.frame.payload), "Hello");
  EXPECT_EQ(received.frame.rsv, 0);
}

// §7.2.3.1, fragmented: the same data split over two frames.
TEST(Rfc7692Examples, HelloFragmented) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  const Result first = decode(extension, compressed(hex("f2 48 cd"), false));
  ASSERT_EQ(first.status, WSX_OK) << first.message;
  EXPECT_EQ(first.frame.rsv, 0);
  const Result second = decode(extension, continuation(hex("c9 c9 07 00")));
  ASSERT_EQ(second.status, WSX_OK) << second.message;
  EXPECT_EQ(text(first.frame.payload) + text(second.frame.payload), "Hello");
}

// §7.2.3.2: two "Hello" messages; with context takeover the second one is a
// back-reference to the first.
TEST(Rfc7692Examples, SharingTheSlidingWindow) {
  TestPlugin plugin(kCompressEverything);
  TestExtension extension = server_extension(plugin);
  EXPECT_EQ(encode(extension, text_frame(bytes("Hello"))).frame.payload,
            hex("f2 48 cd c9 c9 07 00"));
  EXPECT_EQ(encode(extension, text_frame(bytes("Hello"))).frame.payload, hex("f2 00 11 00 00"));

  EXPECT_EQ(text(decode(extension, compressed(hex("f2 48 cd c9 c9 07 00"))).frame.payload),
            "Hello");
  EXPECT_EQ(text(decode(extension, compressed(hex("f2 00 11 00 00"))).frame.payload), "Hello");
}

// §7.2.3.2 without context takeover: each message stands alone.
TEST(Rfc7692Examples, NoContextTakeoverRepeatsTheFirstEncoding) {
  TestPlugin plugin(kCompressEverything);
  TestExtension extension =
      server_extension(plugin, "server_no_context_takeover; client_no_context_takeover");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(encode(extension, text_frame(bytes("Hello"))).frame.payload,
              hex("f2 48 cd c9 c9 07 00"));
    EXPECT_EQ(text(decode(extension, compressed(hex("f2 48 cd c9 c9 07 00"))).frame.payload),
              "Hello");
  }
}

// §7.2.3.3: a DEFLATE block with no compression.
TEST(Rfc7692Examples, StoredBlock) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  const Result received = decode(extension, compressed(hex("00 05 00 fa ff 48 65 6c 6c 6f 00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_EQ(text(received.frame.payload), "Hello");
}

// §7.2.3.4: a DEFLATE block with BFINAL set, followed by the 0x00 octet.
TEST(Rfc7692Examples, BlockWithBfinal) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  const Result received = decode(extension, compressed(hex("f3 48 cd c9 c9 07 00 00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_EQ(text(received.frame.payload), "Hello");
  // The connection goes on: the next message decodes normally.
  EXPECT_EQ(text(decode(extension, compressed(hex("f2 48 cd c9 c9 07 00"))).frame.payload),
            "Hello");
}

// §7.2.3.4 without the trailing 0x00 (a sender that just used Z_FINISH):
// the message ends with the BFINAL block, and the window stays usable.
TEST(Rfc7692Examples, BlockWithBfinalAndNothingAfter) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  const Result received = decode(extension, compressed(hex("f3 48 cd c9 c9 07 00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_EQ(text(received.frame.payload), "Hello");
  // With context takeover the next message may refer back to "Hello": this
  // is §7.2.3.2's second message, a pure back-reference.
  const Result next = decode(extension, compressed(hex("f2 00 11 00 00")));
  ASSERT_EQ(next.status, WSX_OK) << next.message;
  EXPECT_EQ(text(next.frame.payload), "Hello");
}

// §7.2.3.5: two DEFLATE blocks in one message.
TEST(Rfc7692Examples, TwoBlocksInOneMessage) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  const Result received =
      decode(extension, compressed(hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_EQ(text(received.frame.payload), "Hello");
}

// §7.2.3.6: an empty message compresses to the single octet 0x00.
TEST(Rfc7692Examples, EmptyMessage) {
  TestPlugin plugin(kCompressEverything);
  TestExtension extension = server_extension(plugin);
  const Result sent = encode(extension, text_frame({}));
  ASSERT_EQ(sent.status, WSX_OK);
  EXPECT_EQ(sent.frame.payload, hex("00"));
  EXPECT_EQ(sent.frame.rsv, WSX_RSV1);

  const Result received = decode(extension, compressed(hex("00")));
  ASSERT_EQ(received.status, WSX_OK) << received.message;
  EXPECT_TRUE(received.frame.payload.empty());
}

// After a message, zlib has nothing to flush for an empty one; it must still
// go out as 0x00, and the stream must stay in step.
TEST(Rfc7692Examples, EmptyMessageAfterAnotherWithContextTakeover) {
  TestPlugin plugin(kCompressEverything);
  TestExtension extension = server_extension(plugin);
  EXPECT_EQ(encode(extension, text_frame(bytes("Hello"))).frame.payload,
            hex("f2 48 cd c9 c9 07 00"));
  EXPECT_EQ(encode(extension, text_frame({})).frame.payload, hex("00"));
  EXPECT_EQ(encode(extension, text_frame(bytes("Hello"))).frame.payload, hex("f2 00 11 00 00"));
  // And an empty final fragment after a compressed one.
  const Result first = encode(extension, text_frame(bytes("Hello"), false));
  const Result last = encode(extension, continuation({}));
  ASSERT_EQ(last.status, WSX_OK);
  EXPECT_EQ(last.frame.payload, hex("00"));
  EXPECT_EQ(last.frame.rsv, 0);

  // Our own decoder reads the sequence back.
  TestPlugin peer_plugin;
  TestExtension peer = server_extension(peer_plugin);
  EXPECT_EQ(text(decode(peer, compressed(hex("f2 48 cd c9 c9 07 00"))).frame.payload), "Hello");
  EXPECT_EQ(text(decode(peer, compressed(hex("00"))).frame.payload), "");
  EXPECT_EQ(text(decode(peer, compressed(hex("f2 00 11 00 00"))).frame.payload), "Hello");
  const Result back_first = decode(peer, compressed(first.frame.payload, false));
  const Result back_last = decode(peer, continuation(last.frame.payload));
  ASSERT_EQ(back_last.status, WSX_OK) << back_last.message;
  EXPECT_EQ(text(back_first.frame.payload) + text(back_last.frame.payload), "Hello");
}

// python-websockets and ws send an EMPTY payload (RSV1 set) for an empty
// message that follows another one. Read it as the empty message, and keep
// the stream in step for the next one.
TEST(Rfc7692Examples, EmptyPayloadFromLenientSenders) {
  TestPlugin plugin;
  TestExtension extension = server_extension(plugin);
  EXPECT_EQ(text(decode(extension, compressed(hex("f2 48 cd c9 c9 07 00"))).frame.payload),
            "Hello");
  const Result empty = decode(extension, compressed({}));
  ASSERT_EQ(empty.status, WSX_OK) << empty.message;
  EXPECT_TRUE(empty.frame.payload.empty());
  EXPECT_EQ(text(decode(extension, compressed(hex("f2 00 11 00 00"))).frame.payload), "Hello");
}

}  // namespace
}  // namespace wsx::pmd::test
