// The configured max_message_size (64 KiB here): a bigger message fails
// the connection with 1009 (RFC 6455 section 7.4.1), whether it comes as
// one frame or grows past the limit fragment by fragment.
#include <gtest/gtest.h>

#include <cstdint>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using MessageSizeTest = PlainHostTest;

Bytes pattern(std::size_t size) {
  Bytes bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return bytes;
}

TEST_F(MessageSizeTest, MessageOfExactlyTheLimitIsEchoed) {
  WsClient client = open();
  const Bytes payload = pattern(kMaxMessageSize);
  ASSERT_TRUE(client.send({.opcode = opcode::binary, .payload = payload}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(message->payload, payload);
}

TEST_F(MessageSizeTest, SingleFrameOverTheLimitIsTooBig) {
  WsClient good = open();
  WsClient bad = open();
  ASSERT_TRUE(bad.send({.opcode = opcode::binary, .payload = pattern(kMaxMessageSize + 1)}));
  EXPECT_TRUE(fails_with(bad, 1009));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(MessageSizeTest, FragmentsGrowingPastTheLimitAreTooBig) {
  WsClient good = open();
  WsClient bad = open();
  // Four fragments of 20 KiB: each fits, the third brings the message to
  // 60 KiB, the fourth to 80 KiB > 64 KiB.
  const Bytes fragment = pattern(20 * 1024);
  ASSERT_TRUE(bad.send({.opcode = opcode::binary, .payload = fragment, .fin = false}));
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = fragment, .fin = false}));
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = fragment, .fin = false}));
  // The server may fail the connection as soon as it sees the fourth
  // header, so this write is allowed to find the socket closed.
  (void)bad.send({.opcode = opcode::continuation, .payload = fragment, .fin = true});
  EXPECT_TRUE(fails_with(bad, 1009));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(MessageSizeTest, TextFragmentsGrowingPastTheLimitAreTooBig) {
  WsClient good = open();
  WsClient bad = open();
  const Bytes fragment(16 * 1024, 'a');
  // Five unfinished 16 KiB fragments: 80 KiB without ever sending FIN.
  for (int i = 0; i < 5; ++i) {
    (void)bad.send({.opcode = i == 0 ? opcode::text : opcode::continuation,
                    .payload = fragment,
                    .fin = false});
  }
  EXPECT_TRUE(fails_with(bad, 1009));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(MessageSizeTest, HugeLengthIsTooBigBeforeThePayloadArrives) {
  WsClient good = open();
  WsClient bad = open();
  // Only a header announcing 1 GiB: the host must refuse it from the header
  // (7.4.1), not wait for (or buffer) a gigabyte.
  const Bytes header{0x82, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 1, 2, 3, 4};
  ASSERT_TRUE(bad.send_raw(header));
  EXPECT_TRUE(fails_with(bad, 1009));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

}  // namespace
}  // namespace wsx::integration
