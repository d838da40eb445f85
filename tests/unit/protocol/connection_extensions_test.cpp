// A Connection running an extension chain (RFC 6455 section 9): frames pass
// through the chain both ways; the chain's failures close the connection.
#include <gtest/gtest.h>

#include "core/connection/connection.hpp"
#include "test_extensions.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Behaviour;
using test::Bytes;
using test::client_frame;
using test::concat;
using test::RecordingHandler;
using test::TestExtension;

constexpr std::uint8_t TEXT = 0x1, BINARY = 0x2, CONT = 0x0, CLOSE = 0x8, PING = 0x9;

TestExtension tagger(char tag, std::uint8_t rsv) {
  TestExtension ext;
  ext.name = std::string("tag-") + tag;
  ext.behaviour = Behaviour::tag;
  ext.tag = tag;
  ext.rsv = rsv;
  return ext;
}

ExtensionChain chain_of(std::initializer_list<TestExtension*> extensions) {
  ExtensionChain chain;
  for (TestExtension* ext : extensions) chain.add(test::make_test_extension(*ext));
  return chain;
}

std::uint16_t close_code_in(const Bytes& output) {
  const auto frames = test::decode_frames(output);
  if (frames.empty() || frames.back().opcode != CLOSE || frames.back().payload.size() < 2) return 0;
  return static_cast<std::uint16_t>(frames.back().payload[0] << 8 | frames.back().payload[1]);
}

TEST(ConnectionExtensions, IncomingFramesAreDecodedBeforeDelivery) {
  TestExtension a = tagger('a', WSX_RSV1);
  Connection server(Role::server, chain_of({&a}));
  RecordingHandler handler;
  Bytes stream = concat({client_frame(TEXT, "hia", true, WSX_RSV1), client_frame(TEXT, "plain")});
  server.receive(stream, handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  EXPECT_EQ(handler.messages(), (std::vector<std::string>{"hi", "plain"}));
}

TEST(ConnectionExtensions, EachFragmentIsDecodedOnItsOwn) {
  TestExtension a = tagger('a', WSX_RSV1);
  Connection server(Role::server, chain_of({&a}));
  RecordingHandler handler;
  Bytes stream = concat(
      {client_frame(BINARY, "Hela", false, WSX_RSV1), client_frame(CONT, "loa", true, WSX_RSV1)});
  test::feed(server, stream, handler, 3);
  EXPECT_EQ(handler.messages(), std::vector<std::string>{"Hello"});
}

// RFC 7692 section 6: the message is encoded once, then fragmented; only the
// first fragment carries the extension's RSV bit.
TEST(ConnectionExtensions, MessageIsEncodedOnceThenFragmented) {
  TestExtension a = tagger('a', WSX_RSV1);
  ConnectionLimits limits;
  limits.max_frame_size = 3;
  Connection server(Role::server, chain_of({&a}), limits);
  server.send_text("abcdefg");
  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(test::text_of(frames[0].payload), "abc");
  EXPECT_EQ(test::text_of(frames[1].payload), "def");
  EXPECT_EQ(test::text_of(frames[2].payload), "ga");  // one tag: one encode
  EXPECT_EQ(frames[0].rsv, WSX_RSV1);
  EXPECT_EQ(frames[1].rsv, 0);
  EXPECT_EQ(frames[2].rsv, 0);
  EXPECT_EQ(frames[0].opcode, TEXT);
  EXPECT_EQ(frames[1].opcode, CONT);
  EXPECT_FALSE(frames[1].fin);
  EXPECT_TRUE(frames[2].fin);
}

TEST(ConnectionExtensions, TwoExtensionsRoundTripBetweenClientAndServer) {
  TestExtension server_a = tagger('a', WSX_RSV1), server_b = tagger('b', WSX_RSV2);
  TestExtension client_a = tagger('a', WSX_RSV1), client_b = tagger('b', WSX_RSV2);
  Connection server(Role::server, chain_of({&server_a, &server_b}));
  Connection client(Role::client, chain_of({&client_a, &client_b}));
  RecordingHandler server_events(&server);
  RecordingHandler client_events;
  client.send_text("ping-pong");
  Bytes wire = test::drain(client);
  const auto frames = test::decode_frames(wire);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(test::text_of(frames[0].payload), "ping-pongab");  // encode order a, b
  server.receive(wire, server_events);
  Bytes back = test::drain(server);
  client.receive(back, client_events);
  EXPECT_EQ(server_events.messages(), std::vector<std::string>{"ping-pong"});
  EXPECT_EQ(client_events.messages(), std::vector<std::string>{"ping-pong"});
}

TEST(ConnectionExtensions, UnchangedChainKeepsZeroCopyDelivery) {
  TestExtension pass;
  pass.name = "pass";
  Connection server(Role::server, chain_of({&pass}));
  RecordingHandler handler;
  Bytes stream = client_frame(BINARY, Bytes(50, 4));
  server.receive(stream, handler);
  EXPECT_EQ(handler.last_message_data, stream.data() + 6);
  EXPECT_EQ(pass.last_input, stream.data() + 6);
}

TEST(ConnectionExtensions, LeftoverRsvBitFailsWith1002) {
  TestExtension lazy;  // owns RSV1 but never clears it
  lazy.name = "lazy";
  lazy.rsv = WSX_RSV1;
  Connection server(Role::server, chain_of({&lazy}));
  RecordingHandler handler;
  Bytes stream = client_frame(TEXT, "x", true, WSX_RSV1);
  server.receive(stream, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1002);
  EXPECT_EQ(close_code_in(test::drain(server)), 1002);
}

TEST(ConnectionExtensions, RsvBitOnAControlFrameIsRefusedUnlessConsumed) {
  TestExtension a = tagger('a', WSX_RSV1);  // leaves control frames alone
  Connection server(Role::server, chain_of({&a}));
  RecordingHandler handler;
  Bytes stream = client_frame(PING, "x", true, WSX_RSV1);
  server.receive(stream, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1002);
}

TEST(ConnectionExtensions, ChainFailureClosesWithTheExtensionsCode) {
  TestExtension bad;
  bad.name = "bad";
  bad.behaviour = Behaviour::fail;
  bad.fail_code = WSX_CLOSE_INVALID_PAYLOAD;
  bad.fail_message = "corrupt";
  Connection server(Role::server, chain_of({&bad}));
  RecordingHandler handler;
  Bytes stream = client_frame(BINARY, "x");
  server.receive(stream, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1007);
  EXPECT_NE(handler.first_error()->reason.find("corrupt"), std::string::npos);
  // The Close frame still goes out (the fallback skips the failing chain).
  EXPECT_EQ(close_code_in(test::drain(server)), 1007);
  EXPECT_TRUE(server.should_close_transport());
}

TEST(ConnectionExtensions, EncodeFailureFailsTheConnectionOnSend) {
  TestExtension bad;
  bad.name = "bad";
  bad.behaviour = Behaviour::fail;
  bad.fail_code = WSX_CLOSE_INTERNAL_ERROR;
  bad.fail_message = "deflate broke";
  Connection server(Role::server, chain_of({&bad}));
  EXPECT_FALSE(server.send_text("x"));
  ASSERT_TRUE(server.failure().has_value());
  EXPECT_EQ(server.failure()->code, 1011);
  EXPECT_EQ(server.state(), State::closed);
  EXPECT_TRUE(server.should_close_transport());
  EXPECT_EQ(close_code_in(test::drain(server)), 1011);
  EXPECT_FALSE(server.send_text("y"));
}

TEST(ConnectionExtensions, DecodeLimitIsTheRoomLeftInTheMessage) {
  TestExtension expand;  // doubles each frame's payload on decode
  expand.name = "expand";
  expand.behaviour = Behaviour::expand;
  ConnectionLimits limits;
  limits.max_message_size = 100;
  Connection server(Role::server, chain_of({&expand}), limits);
  RecordingHandler handler;
  Bytes first = client_frame(BINARY, Bytes(30, 1), false);
  server.receive(first, handler);
  EXPECT_EQ(expand.last_max_payload, 100u);
  Bytes second = client_frame(CONT, Bytes(10, 2), false);
  server.receive(second, handler);
  EXPECT_EQ(expand.last_max_payload, 40u);               // 100 - 60 decoded so far
  Bytes third = client_frame(CONT, Bytes(11, 3), true);  // would decode to 22 > 20
  server.receive(third, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1009);
  EXPECT_TRUE(handler.messages().empty());
}

TEST(ConnectionExtensions, WireFrameOverTheLimitFailsFromTheHeaderEvenWithExtensions) {
  TestExtension pass;
  pass.name = "pass";
  ConnectionLimits limits;
  limits.max_message_size = 10;
  Connection server(Role::server, chain_of({&pass}), limits);
  RecordingHandler handler;
  Bytes header = test::client_frame_with_length(BINARY, {}, test::LengthForm::minimal, 11);
  server.receive(header, handler);
  ASSERT_NE(handler.first_error(), nullptr);
  EXPECT_EQ(handler.first_error()->code, 1009);
}

TEST(ConnectionExtensions, ExtensionsAreDestroyedWithTheConnection) {
  TestExtension a = tagger('a', WSX_RSV1);
  {
    Connection server(Role::server, chain_of({&a}));
    Connection moved = std::move(server);
    EXPECT_EQ(a.destroyed, 0);
  }
  EXPECT_EQ(a.destroyed, 1);
}

}  // namespace
}  // namespace wsx::core
