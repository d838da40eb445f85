// The closing handshake (RFC 6455 sections 5.5.1, 7.1, 7.4).
#include <gtest/gtest.h>

#include "core/connection/connection.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;
using test::client_frame;
using test::close_payload;
using test::concat;
using test::Event;
using test::RecordingHandler;
using test::server_frame;

constexpr std::uint8_t TEXT = 0x1, CLOSE = 0x8, PING = 0x9;

MaskKeySource fixed_key(std::uint32_t key) {
  return [key] { return key; };
}

std::vector<test::Frame> output_frames(Connection& connection) {
  return test::decode_frames(test::drain(connection));
}

TEST(ConnectionClose, PeerCloseIsEchoedAndServerClosesTransport) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes close = client_frame(CLOSE, close_payload(1000, "bye"));
  server.receive(close, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::close);
  EXPECT_EQ(handler.events[0].code, 1000);
  EXPECT_EQ(handler.events[0].reason, "bye");
  // 5.5.1: respond with a Close frame echoing the status code, and the
  // reason too (clients report what they get back).
  const auto frames = output_frames(server);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].opcode, CLOSE);
  EXPECT_FALSE(frames[0].masked);
  EXPECT_EQ(frames[0].payload, close_payload(1000, "bye"));
  EXPECT_EQ(server.state(), State::closed);
  EXPECT_EQ(server.peer_close_code(), 1000);
  // 7.1.1: the server closes the TCP connection first.
  EXPECT_TRUE(server.should_close_transport());
  EXPECT_FALSE(server.failure().has_value());
}

TEST(ConnectionClose, ClientEchoesMaskedAndWaitsForTheServerToCloseTcp) {
  Connection client(Role::client, {}, {}, fixed_key(0xAABBCCDD));
  RecordingHandler handler;
  Bytes close = server_frame(CLOSE, close_payload(1001, "restart"));
  client.receive(close, handler);
  const auto frames = output_frames(client);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].masked);
  EXPECT_EQ(frames[0].payload, close_payload(1001, "restart"));
  EXPECT_EQ(client.state(), State::closed);
  EXPECT_FALSE(client.should_close_transport());
}

TEST(ConnectionClose, EmptyCloseMeansNoStatusAndIsEchoedEmpty) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes close = client_frame(CLOSE, Bytes{});
  server.receive(close, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].code, 1005);
  const auto frames = output_frames(server);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].payload.empty());
  EXPECT_EQ(server.peer_close_code(), 1005);
}

TEST(ConnectionClose, WeCloseFirstThenPeerAnswers) {
  Connection server(Role::server);
  RecordingHandler handler;
  ASSERT_TRUE(server.close(1001, "going away"));
  EXPECT_EQ(server.state(), State::closing);
  EXPECT_FALSE(server.should_close_transport());
  auto frames = output_frames(server);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].payload, close_payload(1001, "going away"));

  // 5.5.1: no data frames after our Close; a second close is refused.
  EXPECT_FALSE(server.send_text("more"));
  EXPECT_FALSE(server.send_binary(test::bytes_of("more")));
  EXPECT_FALSE(server.close());
  // The peer may still send data before its Close: it is delivered.
  Bytes data = client_frame(TEXT, "still here");
  server.receive(data, handler);
  EXPECT_EQ(handler.messages(), std::vector<std::string>{"still here"});

  Bytes close = client_frame(CLOSE, close_payload(1000));
  server.receive(close, handler);
  EXPECT_EQ(handler.events.back().kind, Event::close);
  EXPECT_EQ(handler.events.back().code, 1000);
  EXPECT_EQ(server.state(), State::closed);
  EXPECT_TRUE(server.should_close_transport());
  EXPECT_TRUE(output_frames(server).empty());  // no second Close
}

TEST(ConnectionClose, NoPongAfterWeSentClose) {
  Connection server(Role::server);
  RecordingHandler handler;
  server.close();
  test::drain(server);
  Bytes ping = client_frame(PING, "p");
  server.receive(ping, handler);
  EXPECT_EQ(handler.events.size(), 1u);  // reported
  EXPECT_TRUE(test::drain(server).empty());
}

TEST(ConnectionClose, DataAfterThePeersCloseIsIgnored) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes stream = concat({client_frame(CLOSE, close_payload(1000)), client_frame(TEXT, "ignored"),
                         client_frame(PING, "ignored")});
  server.receive(stream, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::close);
  Bytes later = client_frame(TEXT, "later");
  server.receive(later, handler);
  EXPECT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(output_frames(server).size(), 1u);  // only the echo
}

TEST(ConnectionClose, EveryValidCodeIsAccepted) {
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
                             3000, 3999, 4000, 4999}) {
    Connection server(Role::server);
    RecordingHandler handler;
    Bytes close = client_frame(CLOSE, close_payload(code));
    server.receive(close, handler);
    ASSERT_EQ(handler.first_error(), nullptr) << code;
    ASSERT_EQ(handler.events.size(), 1u);
    EXPECT_EQ(handler.events[0].code, code);
    const auto frames = output_frames(server);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, close_payload(code));
  }
}

TEST(ConnectionClose, InvalidCodesAreProtocolErrors) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    Connection server(Role::server);
    RecordingHandler handler;
    Bytes close = client_frame(CLOSE, close_payload(code));
    server.receive(close, handler);
    const Event* error = handler.first_error();
    ASSERT_NE(error, nullptr) << code;
    EXPECT_EQ(error->code, 1002) << code;
    const auto frames = output_frames(server);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload[0] << 8 | frames[0].payload[1], 1002);
    EXPECT_TRUE(server.should_close_transport());
  }
}

TEST(ConnectionClose, OneBytePayloadIsAProtocolError) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes close = client_frame(CLOSE, Bytes{0x03});
  server.receive(close, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1002);
}

TEST(ConnectionClose, ReasonMustBeUtf8) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes close = client_frame(CLOSE, close_payload(1000, "\xCE\xBA\xFF"));
  server.receive(close, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1007);
}

TEST(ConnectionClose, CloseCodeValidationOnSend) {
  Connection server(Role::server);
  EXPECT_THROW(server.close(1005 + 1), std::invalid_argument);
  EXPECT_THROW(server.close(999), std::invalid_argument);
  EXPECT_THROW(server.close(1015), std::invalid_argument);
  EXPECT_EQ(server.state(), State::open);
  EXPECT_TRUE(server.close(close_code::no_status_received));
  const auto frames = output_frames(server);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].payload.empty());
}

TEST(ConnectionClose, LongReasonIsCutOnACharacterBoundary) {
  Connection server(Role::server);
  std::string reason;
  for (int i = 0; i < 100; ++i) reason += "\xF0\x9F\x98\x80";  // 400 bytes, 4 per character
  server.close(4000, reason);
  const auto frames = output_frames(server);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_LE(frames[0].payload.size(), 125u);
  EXPECT_EQ(frames[0].payload.size(), 2u + 120u);  // 30 whole characters; a 31st needs 124
}

TEST(ConnectionClose, CloseInsideAFragmentedMessageEndsIt) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes stream =
      concat({client_frame(TEXT, "partial", false), client_frame(CLOSE, close_payload(1000))});
  server.receive(stream, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::close);
  EXPECT_EQ(server.state(), State::closed);
}

TEST(ConnectionClose, ProtocolErrorAfterOurCloseSendsNoSecondClose) {
  Connection server(Role::server);
  RecordingHandler handler;
  server.close(1000);
  test::drain(server);
  Bytes bad = client_frame(0x3, "x");
  server.receive(bad, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(server.state(), State::closed);
  EXPECT_TRUE(server.should_close_transport());
  EXPECT_TRUE(test::drain(server).empty());
}

}  // namespace
}  // namespace wsx::core
