// Connection output (RFC 6455 sections 5.1-5.5): serialisation, masking,
// fragmentation, Pong priority and the stability of the output buffer.
#include <gtest/gtest.h>

#include <set>

#include "core/connection/connection.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;
using test::client_frame;
using test::RecordingHandler;

constexpr std::uint8_t TEXT = 0x1, BINARY = 0x2, CONT = 0x0, PING = 0x9, PONG = 0xA;

MaskKeySource fixed_key(std::uint32_t key) {
  return [key] { return key; };
}

TEST(ConnectionSend, RfcUnmaskedHelloFromServer) {
  Connection server(Role::server);
  ASSERT_TRUE(server.send_text("Hello"));
  EXPECT_EQ(test::drain(server), (Bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(ConnectionSend, RfcMaskedHelloFromClient) {
  Connection client(Role::client, {}, {}, fixed_key(0x37fa213d));
  ASSERT_TRUE(client.send_text("Hello"));
  EXPECT_EQ(test::drain(client),
            (Bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(ConnectionSend, RfcLengthEncodings) {
  Connection server(Role::server);
  const Bytes medium(256, 0xAB);
  const Bytes large(65536, 0xCD);
  server.send_binary(medium);
  server.send_binary(large);
  const Bytes out = test::drain(server);
  ASSERT_EQ(out.size(), 4 + 256 + 10 + 65536u);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + 4), (Bytes{0x82, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(Bytes(out.begin() + 260, out.begin() + 270),
            (Bytes{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
  const auto frames = test::decode_frames(out);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].payload, medium);
  EXPECT_EQ(frames[1].payload, large);
}

TEST(ConnectionSend, ServerNeverMasksClientAlwaysMasksWithFreshKeys) {
  Connection server(Role::server);
  Connection client(Role::client);  // default key source
  for (int i = 0; i < 20; ++i) {
    server.send_text("x");
    client.send_text("x");
  }
  client.send_ping(test::bytes_of("p"));
  for (const auto& frame : test::decode_frames(test::drain(server))) EXPECT_FALSE(frame.masked);
  std::set<std::array<std::uint8_t, 4>> keys;
  for (const auto& frame : test::decode_frames(test::drain(client))) {
    EXPECT_TRUE(frame.masked);
    EXPECT_EQ(test::text_of(frame.payload), frame.opcode == PING ? "p" : "x");
    keys.insert(frame.mask);
  }
  // 5.3: a new key for every frame.
  EXPECT_GE(keys.size(), 20u);
}

TEST(ConnectionSend, InjectedKeySourceIsUsedPerFrame) {
  std::uint32_t next = 0x01020304;
  Connection client(Role::client, {}, {}, [&next] { return next++; });
  client.send_binary(test::bytes_of("ab"));
  client.send_binary(test::bytes_of("cd"));
  const auto frames = test::decode_frames(test::drain(client));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].mask, (std::array<std::uint8_t, 4>{1, 2, 3, 4}));
  EXPECT_EQ(frames[1].mask, (std::array<std::uint8_t, 4>{1, 2, 3, 5}));
  EXPECT_EQ(test::text_of(frames[1].payload), "cd");
}

TEST(ConnectionSend, MessagesLongerThanMaxFrameSizeAreFragmented) {
  ConnectionLimits limits;
  limits.max_frame_size = 4;
  Connection server(Role::server, {}, limits);
  server.send_text("HelloWorld!");
  auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].opcode, TEXT);
  EXPECT_FALSE(frames[0].fin);
  EXPECT_EQ(test::text_of(frames[0].payload), "Hell");
  EXPECT_EQ(frames[1].opcode, CONT);
  EXPECT_FALSE(frames[1].fin);
  EXPECT_EQ(test::text_of(frames[1].payload), "oWor");
  EXPECT_EQ(frames[2].opcode, CONT);
  EXPECT_TRUE(frames[2].fin);
  EXPECT_EQ(test::text_of(frames[2].payload), "ld!");

  server.send_binary(test::bytes_of("12345678"));  // an exact multiple: 2 frames
  frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, BINARY);
  EXPECT_TRUE(frames[1].fin);

  server.send_text("");  // an empty message is one frame
  frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].fin);
  EXPECT_TRUE(frames[0].payload.empty());

  server.send_text("four");  // exactly one frame's worth
  frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(frames[0].fin);
}

TEST(ConnectionSend, ZeroMaxFrameSizeNeverFragments) {
  ConnectionLimits limits;
  limits.max_frame_size = 0;
  Connection server(Role::server, {}, limits);
  server.send_binary(Bytes(100000, 1));
  EXPECT_EQ(test::decode_frames(test::drain(server)).size(), 1u);
}

TEST(ConnectionSend, ControlPayloadOver125BytesIsRefused) {
  Connection server(Role::server);
  EXPECT_THROW(server.send_ping(Bytes(126, 0)), std::invalid_argument);
  EXPECT_THROW(server.send_pong(Bytes(126, 0)), std::invalid_argument);
  EXPECT_TRUE(server.send_ping(Bytes(125, 0)));
  EXPECT_TRUE(server.send_pong(Bytes{}));
  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, PING);
  EXPECT_EQ(frames[1].opcode, PONG);
}

TEST(ConnectionSend, AutomaticPongGoesAheadOfQueuedData) {
  Connection server(Role::server);
  RecordingHandler handler;
  server.send_binary(test::bytes_of("A"));
  server.send_binary(test::bytes_of("B"));
  Bytes ping = client_frame(PING, "first");
  server.receive(ping, handler);
  Bytes ping2 = client_frame(PING, "second");
  server.receive(ping2, handler);
  // 5.5.3: only the most recent Ping is answered, ahead of the data.
  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].opcode, PONG);
  EXPECT_EQ(test::text_of(frames[0].payload), "second");
  EXPECT_EQ(test::text_of(frames[1].payload), "A");
  EXPECT_EQ(test::text_of(frames[2].payload), "B");
}

TEST(ConnectionSend, PongNeverSplitsBytesAlreadyInFlight) {
  ConnectionLimits limits;
  limits.max_frame_size = 10;
  Connection server(Role::server, {}, limits);
  RecordingHandler handler;
  server.send_binary(Bytes(25, 'a'));  // three fragments
  const auto in_flight = server.pending_output();
  const Bytes snapshot(in_flight.begin(), in_flight.end());
  server.consume_output(5);  // a partial write

  server.send_binary(Bytes(3, 'b'));
  Bytes ping = client_frame(PING, "p");
  server.receive(ping, handler);

  // The in-flight bytes did not move or change.
  const auto rest = server.pending_output();
  EXPECT_EQ(rest.data(), in_flight.data() + 5);
  EXPECT_EQ(Bytes(rest.begin(), rest.end()), Bytes(snapshot.begin() + 5, snapshot.end()));
  server.consume_output(rest.size());

  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, PONG);  // ahead of the data queued after the write began
  EXPECT_EQ(frames[1].payload, Bytes(3, 'b'));

  // And the whole stream is well-formed frames.
  Bytes whole = snapshot;
  const auto in_order = test::decode_frames(whole);
  ASSERT_EQ(in_order.size(), 3u);
  EXPECT_EQ(in_order[2].payload.size(), 5u);
}

TEST(ConnectionSend, PendingOutputStaysValidWhileMoreIsQueued) {
  Connection server(Role::server);
  server.send_binary(Bytes(100, 1));
  const auto first = server.pending_output();
  const Bytes copy(first.begin(), first.end());
  for (int i = 0; i < 100; ++i) server.send_binary(Bytes(1000, 2));  // forces growth elsewhere
  EXPECT_EQ(Bytes(first.begin(), first.end()), copy);
  EXPECT_EQ(server.pending_output().data(), first.data());
  EXPECT_EQ(server.pending_output_size(), copy.size() + 100 * (4 + 1000));
  server.consume_output(first.size());
  const auto second = server.pending_output();
  EXPECT_EQ(second.size(), 100 * (4 + 1000u));
  server.consume_output(second.size());
  EXPECT_FALSE(server.has_pending_output());
  EXPECT_TRUE(server.pending_output().empty());
}

TEST(ConnectionSend, ClientAndServerRoundTripEveryLengthClass) {
  ConnectionLimits limits;
  limits.max_frame_size = 16384;
  limits.max_message_size = 1u << 20;
  Connection client(Role::client, {}, limits);
  Connection server(Role::server, {}, limits);
  RecordingHandler server_events(&server);  // echoes
  RecordingHandler client_events;
  const std::size_t sizes[] = {0, 1, 125, 126, 127, 65535, 65536, 200000};
  for (std::size_t size : sizes) {
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i * 13);
    client.send_binary(payload);
    client.send_text(std::string(size % 1000, 'k'));
  }
  for (int round = 0; round < 10; ++round) {
    Bytes to_server = test::drain(client);
    test::feed(server, to_server, server_events, 3000);
    Bytes to_client = test::drain(server);
    test::feed(client, to_client, client_events, 1500);
  }
  ASSERT_EQ(client_events.first_error(), nullptr);
  ASSERT_EQ(server_events.first_error(), nullptr);
  ASSERT_EQ(client_events.events.size(), 2 * std::size(sizes));
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    EXPECT_EQ(client_events.events[2 * i].opcode, BINARY);
    EXPECT_EQ(client_events.events[2 * i].payload.size(), sizes[i]);
    EXPECT_EQ(client_events.events[2 * i].payload, server_events.events[2 * i].payload);
    EXPECT_EQ(client_events.events[2 * i + 1].opcode, TEXT);
    EXPECT_EQ(client_events.events[2 * i + 1].payload.size(), sizes[i] % 1000);
  }
}

TEST(ConnectionMemory, IdleConnectionIsSmallAndShrinks) {
  // DESIGN.md: per-connection memory counted and kept small.
  EXPECT_LE(sizeof(Connection), 512u);
  Connection server(Role::server);
  EXPECT_EQ(server.memory_bytes(), sizeof(Connection));
  RecordingHandler handler(&server);
  Bytes big = client_frame(BINARY, Bytes(50000, 3));
  test::feed(server, big, handler, 1000);  // through the partial-frame buffer
  Bytes fragmented = test::concat({client_frame(TEXT, "a", false), client_frame(0x0, "b")});
  server.receive(fragmented, handler);
  EXPECT_GT(server.memory_bytes(), sizeof(Connection));
  test::drain(server);
  server.shrink_when_idle();
  EXPECT_EQ(server.memory_bytes(), sizeof(Connection));
}

TEST(ConnectionMemory, ShrinkKeepsDataThatIsStillNeeded) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes stream = test::concat({client_frame(TEXT, "He", false), client_frame(0x0, "llo")});
  Bytes first(stream.begin(), stream.begin() + 12);
  Bytes second(stream.begin() + 12, stream.end());
  server.send_text("queued");
  server.receive(first, handler);
  server.shrink_when_idle();  // a message in progress, a partial frame, output pending
  server.receive(second, handler);
  EXPECT_EQ(handler.messages(), std::vector<std::string>{"Hello"});
  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(test::text_of(frames[0].payload), "queued");
}

}  // namespace
}  // namespace wsx::core

namespace wsx::core {
namespace {

// The attack of issue 12: thousands of Pings behind a big backlog. Each Pong
// replaces the one still owed, so the output holds the backlog plus ONE Pong,
// and the bytes are the backlog's frames with that Pong at a frame boundary.
TEST(ConnectionSend, PingFloodBehindABacklogLeavesOnePong) {
  ConnectionLimits limits;
  limits.max_frame_size = 0;
  Connection server(Role::server, {}, limits);
  RecordingHandler handler;
  for (int i = 0; i < 64; ++i) server.send_binary(Bytes(64 * 1024, 'd'));
  const std::size_t backlog = server.pending_output_size();
  server.consume_output(100);  // a write began: the Pong waits for its end
  for (int i = 0; i < 10000; ++i) {
    Bytes ping = test::client_frame(PING, std::to_string(i));
    server.receive(ping, handler);
  }
  EXPECT_EQ(server.pending_output_size(), backlog - 100 + 2 + 4);  // one Pong "9999"
  Bytes rest;
  while (server.has_pending_output()) {
    const auto out = server.pending_output();
    rest.insert(rest.end(), out.begin(), out.end());
    server.consume_output(out.size());
  }
  EXPECT_EQ(rest.size(), backlog - 100 + 6);
}

}  // namespace
}  // namespace wsx::core
