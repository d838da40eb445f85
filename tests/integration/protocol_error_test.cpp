// Frames that break RFC 6455's framing rules: the host must fail that
// connection with 1002 (section 7.4.1) and go on serving the others.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using ProtocolErrorTest = PlainHostTest;

TEST_F(ProtocolErrorTest, UnmaskedClientFrameIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  // 5.1: "The server MUST close the connection upon receiving a frame that
  // is not masked."
  ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("hello"), .masked = false}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ProtocolErrorTest, UnmaskedControlFrameIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  ASSERT_TRUE(bad.send({.opcode = opcode::ping, .payload = to_bytes("p"), .masked = false}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ProtocolErrorTest, RsvBitWithoutExtensionIsProtocolError) {
  WsClient good = open();
  // 5.2: "If a nonzero value is received and none of the negotiated
  // extensions defines the meaning of such a nonzero value, the receiving
  // endpoint MUST _Fail the WebSocket Connection_."
  for (const std::uint8_t rsv : {kRsv1, kRsv2, kRsv3, std::uint8_t(kRsv1 | kRsv2 | kRsv3)}) {
    SCOPED_TRACE("rsv bits 0x" + std::to_string(rsv));
    WsClient bad = open();
    ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("hello"), .rsv = rsv}));
    EXPECT_TRUE(fails_with(bad, 1002));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(ProtocolErrorTest, RsvBitOnControlFrameIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  ASSERT_TRUE(bad.send({.opcode = opcode::ping, .payload = to_bytes("p"), .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ProtocolErrorTest, ReservedOpcodesAreProtocolErrors) {
  WsClient good = open();
  // 5.2: opcodes 0x3-0x7 (data) and 0xB-0xF (control) are reserved; 7.4.1
  // assigns 1002 to a protocol error.
  for (const std::uint8_t reserved : {0x3, 0xB, 0x4, 0x7, 0xC, 0xF}) {
    SCOPED_TRACE("opcode 0x" + std::to_string(reserved));
    WsClient bad = open();
    ASSERT_TRUE(bad.send({.opcode = reserved, .payload = to_bytes("x")}));
    EXPECT_TRUE(fails_with(bad, 1002));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(ProtocolErrorTest, ContinuationWithoutStartedMessageIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  // 5.4: a continuation frame only continues a message that was started.
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = to_bytes("orphan")}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ProtocolErrorTest, ContinuationAfterCompleteMessageIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  ASSERT_TRUE(echoes_text(bad, "complete"));
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = to_bytes("late")}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ProtocolErrorTest, NewDataFrameInsideFragmentedMessageIsProtocolError) {
  WsClient good = open();
  // 5.4: fragments of one message must not be interleaved with another.
  for (const std::uint8_t second : {opcode::text, opcode::binary}) {
    SCOPED_TRACE("second frame opcode " + std::to_string(second));
    WsClient bad = open();
    ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("first "), .fin = false}));
    ASSERT_TRUE(bad.send({.opcode = second, .payload = to_bytes("intruder")}));
    EXPECT_TRUE(fails_with(bad, 1002));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(ProtocolErrorTest, LengthWithMostSignificantBitSetIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  // 5.2: in the 64-bit length form "the most significant bit MUST be 0".
  const Bytes header{0x82, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 1, 2, 3, 4};
  ASSERT_TRUE(bad.send_raw(header));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

}  // namespace
}  // namespace wsx::integration
