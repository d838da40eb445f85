// Control frames (RFC 6455 section 5.5): pings are answered with the same
// payload; a fragmented control frame, or one with more than 125 bytes of
// payload, fails the connection with 1002.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using ControlFrameTest = PlainHostTest;

// The next frame must be a Pong carrying `payload`.
::testing::AssertionResult answers_pong(WsClient& client, const Bytes& payload) {
  InFrame frame;
  const ReadOutcome outcome = client.read_frame(frame);
  if (outcome != ReadOutcome::frame) {
    return ::testing::AssertionFailure() << "no frame: " << to_string(outcome);
  }
  if (frame.opcode != opcode::pong || !frame.fin || frame.rsv != 0) {
    return ::testing::AssertionFailure() << "expected a Pong, got " << client.history();
  }
  if (frame.payload != payload) {
    return ::testing::AssertionFailure() << "Pong payload differs (" << frame.payload.size()
                                         << " bytes, sent " << payload.size() << ")";
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ControlFrameTest, PingGetsPongWithSamePayload) {
  WsClient client = open();
  // 5.5.3: "A Pong frame sent in response to a Ping frame must have
  // identical Application data" -- empty, short and the 125-byte maximum.
  Bytes longest(125);
  for (std::size_t i = 0; i < longest.size(); ++i) longest[i] = static_cast<std::uint8_t>(i * 7);
  for (const Bytes& payload : {Bytes{}, to_bytes("ping-payload-123"), longest}) {
    SCOPED_TRACE("ping of " + std::to_string(payload.size()) + " bytes");
    ASSERT_TRUE(client.send({.opcode = opcode::ping, .payload = payload}));
    EXPECT_TRUE(answers_pong(client, payload));
  }
  EXPECT_TRUE(echoes_text(client, "after pings"));
}

TEST_F(ControlFrameTest, UnsolicitedPongIsIgnored) {
  WsClient client = open();
  // 5.5.3: "A response to an unsolicited Pong frame is not expected."
  ASSERT_TRUE(client.send({.opcode = opcode::pong, .payload = to_bytes("heartbeat")}));
  EXPECT_TRUE(echoes_text(client, "next message"));
}

TEST_F(ControlFrameTest, PingInsideFragmentedMessageIsAnswered) {
  WsClient client = open();
  // 5.4: "Control frames MAY be injected in the middle of a fragmented
  // message."
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = to_bytes("Hel"), .fin = false}));
  ASSERT_TRUE(client.send({.opcode = opcode::ping, .payload = to_bytes("mid")}));
  EXPECT_TRUE(answers_pong(client, to_bytes("mid")));
  ASSERT_TRUE(client.send({.opcode = opcode::continuation, .payload = to_bytes("lo")}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(to_string(message->payload), "Hello");
}

TEST_F(ControlFrameTest, FragmentedPingIsProtocolError) {
  WsClient good = open();
  WsClient bad = open();
  // 5.5: "All control frames ... MUST NOT be fragmented."
  ASSERT_TRUE(bad.send({.opcode = opcode::ping, .payload = to_bytes("half"), .fin = false}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(ControlFrameTest, ControlPayloadOver125BytesIsProtocolError) {
  WsClient good = open();
  // 5.5: "All control frames MUST have a payload length of 125 bytes or
  // less" -- 126 needs the 16-bit length form, which a control frame may
  // not use.
  for (const std::uint8_t control : {opcode::ping, opcode::pong, opcode::close}) {
    SCOPED_TRACE("opcode " + std::to_string(control));
    WsClient bad = open();
    Bytes payload(126, 'a');
    if (control == opcode::close) payload = close_payload(1000, std::string(124, 'r'));
    ASSERT_EQ(payload.size(), 126u);
    ASSERT_TRUE(bad.send({.opcode = control, .payload = payload}));
    EXPECT_TRUE(fails_with(bad, 1002));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

}  // namespace
}  // namespace wsx::integration
