// The closing handshake (RFC 6455 sections 5.5.1, 7.1.5 and 7.4): a valid
// Close is answered with the same code and TCP is closed; a Close with a code
// that may not be sent, a 1-byte payload or a reason that is not UTF-8
// fails the connection.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using CloseFrameTest = PlainHostTest;

TEST_F(CloseFrameTest, NormalCloseIsEchoedAndTcpClosed) {
  WsClient good = open();
  WsClient closing = open();
  // 5.5.1: "the endpoint typically echos the status code it received";
  // 7.1.1: the server then closes TCP first.
  ASSERT_TRUE(closing.send({.opcode = opcode::close, .payload = close_payload(1000, "bye")}));
  const auto close = closing.read_close();
  ASSERT_TRUE(close) << closing.history();
  EXPECT_EQ(close_code(*close), 1000);
  EXPECT_TRUE(closing.wait_for_eof());
  EXPECT_TRUE(echoes_text(good, "still here"));
}

// Issue 12: the reply echoes the reason too, byte for byte, at the longest a
// Close allows (123 bytes, 5.5: 125 minus the code), non-ASCII included.
TEST_F(CloseFrameTest, ReplyEchoesALongNonAsciiReason) {
  WsClient closing = open();
  std::string reason;
  while (reason.size() + 2 <= 121) reason += "\xC3\xA9";  // U+00E9, 2 bytes each
  reason += "ok";
  while (reason.size() < 123) reason += "!";
  ASSERT_EQ(reason.size(), 123u);
  ASSERT_TRUE(closing.send({.opcode = opcode::close, .payload = close_payload(4321, reason)}));
  const auto close = closing.read_close();
  ASSERT_TRUE(close) << closing.history();
  EXPECT_EQ(close->payload, close_payload(4321, reason));
}

TEST_F(CloseFrameTest, SendableCodesAreEchoed) {
  WsClient good = open();
  // 7.4.1 codes an endpoint may send, and the 3000-4999 range (7.4.2) for
  // libraries and applications.
  for (const std::uint16_t code : {1001, 1003, 1007, 1011, 3000, 4000, 4999}) {
    SCOPED_TRACE("close code " + std::to_string(code));
    WsClient closing = open();
    ASSERT_TRUE(closing.send({.opcode = opcode::close, .payload = close_payload(code)}));
    const auto close = closing.read_close();
    ASSERT_TRUE(close) << closing.history();
    EXPECT_EQ(close_code(*close), code);
    EXPECT_TRUE(closing.wait_for_eof());
  }
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(CloseFrameTest, EmptyCloseIsAnswered) {
  WsClient closing = open();
  // 7.1.5: a Close without a code is valid (the status is "1005, no status").
  // The answer is empty too, or a normal closure; never an error code.
  ASSERT_TRUE(closing.send({.opcode = opcode::close, .payload = {}}));
  const auto close = closing.read_close();
  ASSERT_TRUE(close) << closing.history();
  if (!close->payload.empty()) {
    EXPECT_EQ(close_code(*close), 1000);
  }
  EXPECT_TRUE(closing.wait_for_eof());
}

TEST_F(CloseFrameTest, CodesThatMayNotBeSentAreProtocolErrors) {
  WsClient good = open();
  // 7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close
  // control frame"; 7.4.2: below 1000 is unused, 1004 and 1016-2999 are
  // reserved, 5000 and above are not defined.
  for (const std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    SCOPED_TRACE("close code " + std::to_string(code));
    WsClient bad = open();
    ASSERT_TRUE(bad.send({.opcode = opcode::close, .payload = close_payload(code)}));
    EXPECT_TRUE(fails_with(bad, 1002));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(CloseFrameTest, OneBytePayloadIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  // 5.5.1: the body, if any, starts with a 2-byte code.
  ASSERT_TRUE(bad.send({.opcode = opcode::close, .payload = Bytes{0x03}}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(CloseFrameTest, ReasonThatIsNotUtf8IsInvalidPayload) {
  WsClient good = open();
  WsClient bad = open();
  // 5.5.1: the reason is UTF-8; 8.1 fails invalid UTF-8 with 1007.
  ASSERT_TRUE(bad.send({.opcode = opcode::close, .payload = close_payload(1000, "bad \xFF\xFE")}));
  EXPECT_TRUE(fails_with(bad, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(CloseFrameTest, CloseDuringFragmentedMessageIsAnswered) {
  WsClient client = open();
  // 5.4: control frames may come between fragments; a Close there ends the
  // connection normally and the unfinished message is dropped.
  ASSERT_TRUE(
      client.send({.opcode = opcode::text, .payload = to_bytes("unfinished"), .fin = false}));
  ASSERT_TRUE(client.send({.opcode = opcode::close, .payload = close_payload(1000)}));
  const auto close = client.read_close();
  ASSERT_TRUE(close) << client.history();
  EXPECT_EQ(close_code(*close), 1000);
  EXPECT_TRUE(client.wait_for_eof());
}

TEST_F(CloseFrameTest, NoDataIsEchoedAfterClose) {
  WsClient closing = open();
  // 5.5.1: after its Close the client may not send data, and the server
  // must not process data that comes after a Close.
  Bytes bytes = encode_frame({.opcode = opcode::close, .payload = close_payload(1000)});
  const Bytes late = encode_frame({.opcode = opcode::text, .payload = to_bytes("too late")});
  bytes.insert(bytes.end(), late.begin(), late.end());
  ASSERT_TRUE(closing.send_raw(bytes));
  InFrame frame;
  ASSERT_EQ(closing.read_frame(frame), ReadOutcome::frame) << closing.history();
  EXPECT_EQ(frame.opcode, opcode::close) << closing.history();
  EXPECT_EQ(close_code(frame), 1000);
  EXPECT_TRUE(closing.wait_for_eof());
}

}  // namespace
}  // namespace wsx::integration
