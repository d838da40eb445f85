// Connections are independent: a client that breaks the protocol, drops
// TCP mid-frame or sends garbage is failed alone, while another connection
// on the same I/O thread is in the middle of a fragmented message.
#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using IsolationTest = PlainHostTest;

struct Misbehaviour {
  std::string name;
  std::function<void(WsClient&)> act;
  std::uint16_t expected_code;
};

std::vector<Misbehaviour> misbehaviours() {
  return {
      {"unmasked frame",
       [](WsClient& c) {
         c.send({.opcode = opcode::text, .payload = to_bytes("x"), .masked = false});
       },
       1002},
      {"reserved opcode", [](WsClient& c) { c.send({.opcode = 0x3, .payload = to_bytes("x")}); },
       1002},
      {"invalid UTF-8", [](WsClient& c) { c.send_text("\xC3\x28"); }, 1007},
      {"too big",
       [](WsClient& c) {
         c.send({.opcode = opcode::binary, .payload = Bytes(kPlainHostMaxMessageSize + 1)});
       },
       1009},
      {"orphan continuation",
       [](WsClient& c) { c.send({.opcode = opcode::continuation, .payload = to_bytes("x")}); },
       1002},
  };
}

TEST_F(IsolationTest, BadConnectionsDoNotDisturbGoodOneMidFragmentedMessage) {
  WsClient good = open();
  // The good client starts a message and leaves it unfinished while each
  // bad client is failed.
  ASSERT_TRUE(good.send({.opcode = opcode::text, .payload = to_bytes("part one, "), .fin = false}));
  std::string expected = "part one, ";
  for (const Misbehaviour& bad_behaviour : misbehaviours()) {
    SCOPED_TRACE(bad_behaviour.name);
    WsClient bad = open();
    bad_behaviour.act(bad);
    EXPECT_TRUE(fails_with(bad, bad_behaviour.expected_code));
    const std::string part = "after " + bad_behaviour.name + ", ";
    ASSERT_TRUE(
        good.send({.opcode = opcode::continuation, .payload = to_bytes(part), .fin = false}));
    expected += part;
  }
  ASSERT_TRUE(good.send({.opcode = opcode::continuation, .payload = to_bytes("end")}));
  expected += "end";
  const auto message = good.read_message();
  ASSERT_TRUE(message) << good.history();
  EXPECT_EQ(message->opcode, opcode::text);
  EXPECT_EQ(to_string(message->payload), expected);
}

TEST_F(IsolationTest, PeerDroppingTcpMidFrameDoesNotDisturbOthers) {
  WsClient good = open();
  ASSERT_TRUE(good.send({.opcode = opcode::binary, .payload = to_bytes("12345"), .fin = false}));
  {
    WsClient dropper = open();
    // Half a frame: the header promises 1000 bytes, 10 arrive, then FIN.
    Bytes wire = encode_frame({.opcode = opcode::binary, .payload = Bytes(1000, 'z')});
    wire.resize(wire.size() - 990);
    ASSERT_TRUE(dropper.send_raw(wire));
    dropper.shutdown_write();
    EXPECT_TRUE(dropper.wait_for_eof());
  }  // and the socket is closed for good here
  ASSERT_TRUE(good.send({.opcode = opcode::continuation, .payload = to_bytes("67890")}));
  const auto message = good.read_message();
  ASSERT_TRUE(message) << good.history();
  EXPECT_EQ(to_string(message->payload), "1234567890");
}

TEST_F(IsolationTest, HandshakeGarbageDoesNotDisturbOpenConnection) {
  WsClient good = open();
  ASSERT_TRUE(good.send({.opcode = opcode::text, .payload = to_bytes("a"), .fin = false}));
  WsClient bad = WsClient::handshake(port(), "\x01\x02\x03 nonsense\r\n\r\n");
  EXPECT_TRUE(refused_with(bad, 400));
  ASSERT_TRUE(good.send({.opcode = opcode::continuation, .payload = to_bytes("b")}));
  const auto message = good.read_message();
  ASSERT_TRUE(message) << good.history();
  EXPECT_EQ(to_string(message->payload), "ab");
}

TEST_F(IsolationTest, SigtermClosesOpenConnectionsWithGoingAwayAndExitsCleanly) {
  WsClient client = open();
  ASSERT_TRUE(echoes_text(client, "before shutdown"));
  ::kill(host().pid(), SIGTERM);
  // 7.4.1: 1001 "going away" as the server shuts down; the client answers
  // the closing handshake so the host need not wait for its timeout.
  const auto close = client.read_close();
  ASSERT_TRUE(close) << client.history();
  EXPECT_EQ(close_code(*close), 1001);
  ASSERT_TRUE(client.send({.opcode = opcode::close, .payload = close_payload(1001)}));
  EXPECT_TRUE(client.wait_for_eof());
  // Our SIGTERM is the only one: the host must exit on its own.
  const ExitStatus status = host().wait_for_exit(std::chrono::seconds(5));
  EXPECT_TRUE(status.exited) << "killed by signal " << status.code;
  EXPECT_EQ(status.code, 0);
  EXPECT_FALSE(status.needed_sigkill);
}

}  // namespace
}  // namespace wsx::integration
