// Connection input (RFC 6455 sections 5.2-5.7, 8.1): the RFC's own examples,
// reassembly across reads, zero-copy delivery, and every framing error with
// the close code it must produce.
#include <gtest/gtest.h>

#include "core/connection/connection.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;
using test::client_frame;
using test::concat;
using test::Event;
using test::RecordingHandler;
using test::server_frame;

constexpr std::uint8_t TEXT = 0x1, BINARY = 0x2, CONT = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

MaskKeySource fixed_key(std::uint32_t key) {
  return [key] { return key; };
}

// The close frame a connection queued after failing, read back.
test::Frame only_close_frame(Connection& connection) {
  const auto frames = test::decode_frames(test::drain(connection));
  EXPECT_EQ(frames.size(), 1u);
  if (frames.empty()) return {};
  EXPECT_EQ(frames.back().opcode, CLOSE);
  return frames.back();
}

std::uint16_t close_code_of(const test::Frame& frame) {
  if (frame.payload.size() < 2) return 0;
  return static_cast<std::uint16_t>((frame.payload[0] << 8) | frame.payload[1]);
}

// Feeds `stream` to a fresh connection and expects it to fail with `code`.
void expect_failure(Role role, const Bytes& stream, std::uint16_t code,
                    ConnectionLimits limits = {}) {
  for (std::size_t chunk : {0, 1, 3}) {
    Connection connection(role, {}, limits, fixed_key(1));
    RecordingHandler handler;
    test::feed(connection, stream, handler, chunk);
    const Event* error = handler.first_error();
    ASSERT_NE(error, nullptr) << "no error, chunk " << chunk;
    EXPECT_EQ(error->code, code) << error->reason;
    EXPECT_FALSE(error->reason.empty());
    EXPECT_EQ(connection.state(), State::closed);
    EXPECT_TRUE(connection.should_close_transport());
    ASSERT_TRUE(connection.failure().has_value());
    EXPECT_EQ(connection.failure()->code, code);
    // 7.1.7: the Close frame we send carries the same code.
    const test::Frame close = only_close_frame(connection);
    EXPECT_EQ(close_code_of(close), code);
    EXPECT_EQ(close.masked, role == Role::client);
    // Reported once; later input is ignored.
    const std::size_t events = handler.events.size();
    Bytes more = role == Role::server ? client_frame(TEXT, "late") : server_frame(TEXT, "late");
    connection.receive(more, handler);
    EXPECT_EQ(handler.events.size(), events);
    EXPECT_TRUE(test::drain(connection).empty());
  }
}

// --- RFC 6455 section 5.7 examples ------------------------------------------

TEST(ConnectionReceive, RfcSingleFrameUnmaskedText) {
  Connection client(Role::client, {}, {}, fixed_key(1));
  RecordingHandler handler;
  Bytes bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  client.receive(bytes, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::message);
  EXPECT_EQ(handler.events[0].opcode, TEXT);
  EXPECT_EQ(test::text_of(handler.events[0].payload), "Hello");
}

TEST(ConnectionReceive, RfcSingleFrameMaskedText) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  server.receive(bytes, handler);
  EXPECT_EQ(handler.messages(), std::vector<std::string>{"Hello"});
}

TEST(ConnectionReceive, RfcFragmentedUnmaskedText) {
  const Bytes stream{0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
  for (std::size_t chunk : {0, 1, 2, 4, 5}) {
    Connection client(Role::client, {}, {}, fixed_key(1));
    RecordingHandler handler;
    test::feed(client, stream, handler, chunk);
    ASSERT_EQ(handler.events.size(), 1u) << chunk;
    EXPECT_EQ(handler.events[0].opcode, TEXT);
    EXPECT_EQ(test::text_of(handler.events[0].payload), "Hello");
  }
}

TEST(ConnectionReceive, RfcUnmaskedPingIsAnsweredWithTheRfcMaskedPong) {
  // 5.7: Ping 0x89 0x05 "Hello"; its masked Pong is
  // 0x8a 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58.
  Connection client(Role::client, {}, {}, fixed_key(0x37fa213d));
  RecordingHandler handler;
  Bytes ping{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  client.receive(ping, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::ping);
  EXPECT_EQ(test::text_of(handler.events[0].payload), "Hello");
  EXPECT_EQ(test::drain(client),
            (Bytes{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(ConnectionReceive, ServerAnswersPingWithUnmaskedPong) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes ping = client_frame(PING, "Hello");
  server.receive(ping, handler);
  EXPECT_EQ(test::drain(server), (Bytes{0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}));
}

TEST(ConnectionReceive, PongEchoesPingPayloadsOfEverySize) {
  // 5.5.3: identical Application data, from empty up to the 125-byte maximum.
  for (std::size_t size : {0u, 1u, 124u, 125u}) {
    Connection server(Role::server);
    RecordingHandler handler;
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i + 1);
    Bytes ping = client_frame(PING, payload);
    server.receive(ping, handler);
    const auto frames = test::decode_frames(test::drain(server));
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, PONG);
    EXPECT_EQ(frames[0].payload, payload);
  }
}

TEST(ConnectionReceive, PongIsReported) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes pong = client_frame(PONG, "beat");
  server.receive(pong, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].kind, Event::pong);
  EXPECT_EQ(test::text_of(handler.events[0].payload), "beat");
  EXPECT_TRUE(test::drain(server).empty());  // nothing to answer
}

TEST(ConnectionReceive, RfcLengthEncodings256And64KiB) {
  for (std::size_t size : {256u, 65536u}) {
    Bytes payload(size);
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::uint8_t>(i);
    Bytes stream = server_frame(BINARY, payload);
    if (size == 256) {
      EXPECT_EQ(Bytes(stream.begin(), stream.begin() + 4), (Bytes{0x82, 0x7E, 0x01, 0x00}));
    } else {
      EXPECT_EQ(Bytes(stream.begin(), stream.begin() + 10),
                (Bytes{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}));
    }
    for (std::size_t chunk : {0u, 1000u}) {
      Connection client(Role::client, {}, {}, fixed_key(1));
      RecordingHandler handler;
      test::feed(client, stream, handler, chunk);
      ASSERT_EQ(handler.events.size(), 1u);
      EXPECT_EQ(handler.events[0].opcode, BINARY);
      EXPECT_EQ(handler.events[0].payload, payload);
    }
  }
}

// --- Delivery and reassembly ---------------------------------------------------

TEST(ConnectionReceive, UnfragmentedMessageIsDeliveredInPlace) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes stream = client_frame(BINARY, Bytes(300, 0x55));
  server.receive(stream, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  // Unmasked in the caller's buffer, right after the 8-byte header.
  EXPECT_EQ(handler.last_message_data, stream.data() + 8);
  EXPECT_EQ(Bytes(stream.begin() + 8, stream.end()), Bytes(300, 0x55));
}

TEST(ConnectionReceive, ManyFramesInOneReadAndSplitAnywhere) {
  const Bytes stream = concat({client_frame(TEXT, "one"), client_frame(BINARY, Bytes(200, 7)),
                               client_frame(TEXT, "tw", false), client_frame(PING, "p"),
                               client_frame(CONT, "o", true), client_frame(TEXT, ""),
                               client_frame(BINARY, Bytes(70000, 9))});
  std::vector<Event> reference;
  for (std::size_t chunk : {0, 1, 2, 3, 7, 13, 100, 4096}) {
    Connection server(Role::server);
    RecordingHandler handler;
    test::feed(server, stream, handler, chunk);
    ASSERT_EQ(handler.first_error(), nullptr) << chunk;
    ASSERT_EQ(handler.events.size(), 6u) << chunk;
    if (chunk == 0) {
      reference = handler.events;
      EXPECT_EQ(handler.messages(), (std::vector<std::string>{"one", std::string(200, '\7'), "two",
                                                              "", std::string(70000, '\11')}));
      EXPECT_EQ(handler.events[2].kind, Event::ping);
    } else {
      EXPECT_EQ(handler.events, reference) << chunk;
    }
  }
}

TEST(ConnectionReceive, ControlFramesMayInterleaveWithFragments) {
  // 5.4: "Control frames MAY be injected in the middle of a fragmented message."
  const Bytes stream = concat({client_frame(TEXT, "Hel", false), client_frame(PING, "x"),
                               client_frame(PONG, "y"), client_frame(CONT, "lo")});
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, stream, handler);
  ASSERT_EQ(handler.events.size(), 3u);
  EXPECT_EQ(handler.events[0].kind, Event::ping);
  EXPECT_EQ(handler.events[1].kind, Event::pong);
  EXPECT_EQ(handler.events[2].kind, Event::message);
  EXPECT_EQ(test::text_of(handler.events[2].payload), "Hello");
  const auto out = test::decode_frames(test::drain(server));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].opcode, PONG);
}

TEST(ConnectionReceive, BinaryFragmentsKeepTheFirstOpcode) {
  const Bytes stream = concat({client_frame(BINARY, "a", false), client_frame(CONT, "b", false),
                               client_frame(CONT, "c", true)});
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, stream, handler);
  ASSERT_EQ(handler.events.size(), 1u);
  EXPECT_EQ(handler.events[0].opcode, BINARY);
  EXPECT_EQ(test::text_of(handler.events[0].payload), "abc");
}

TEST(ConnectionReceive, NonMinimalLengthEncodingsAreAccepted) {
  const Bytes stream = concat(
      {test::client_frame_with_length(TEXT, test::bytes_of("a"), test::LengthForm::force16),
       test::client_frame_with_length(TEXT, test::bytes_of("b"), test::LengthForm::force64),
       test::client_frame_with_length(PING, test::bytes_of("c"), test::LengthForm::minimal)});
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, stream, handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  EXPECT_EQ(handler.messages(), (std::vector<std::string>{"a", "b"}));
}

TEST(ConnectionReceive, HandlerMayEchoFromInsideTheCallback) {
  Connection server(Role::server);
  RecordingHandler handler(&server);
  const Bytes stream = concat({client_frame(TEXT, "first"), client_frame(BINARY, "frag", false),
                               client_frame(CONT, "ment")});
  test::feed(server, stream, handler, 5);
  const auto frames = test::decode_frames(test::drain(server));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, TEXT);
  EXPECT_EQ(test::text_of(frames[0].payload), "first");
  EXPECT_EQ(frames[1].opcode, BINARY);
  EXPECT_EQ(test::text_of(frames[1].payload), "fragment");
}

// --- Framing errors (1002) -----------------------------------------------------

TEST(ConnectionErrors, ReservedOpcodes) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    expect_failure(Role::server, client_frame(op, "x"), 1002);
}

TEST(ConnectionErrors, RsvBitsWithoutExtension) {
  for (std::uint8_t rsv : {0x40, 0x20, 0x10})
    expect_failure(Role::server, client_frame(TEXT, "x", true, rsv), 1002);
}

TEST(ConnectionErrors, ControlFrameTooLong) {
  expect_failure(Role::server, client_frame(PING, Bytes(126, 1)), 1002);
  expect_failure(Role::server, client_frame(CLOSE, Bytes(126, 1)), 1002);
}

TEST(ConnectionErrors, FragmentedControlFrame) {
  expect_failure(Role::server, client_frame(PING, "x", false), 1002);
  expect_failure(Role::client, server_frame(PONG, "x", false), 1002);
}

TEST(ConnectionErrors, ServerRefusesUnmaskedFrames) {
  expect_failure(Role::server, server_frame(TEXT, "Hello"), 1002);
}

TEST(ConnectionErrors, ClientRefusesMaskedFrames) {
  expect_failure(Role::client, client_frame(TEXT, "Hello"), 1002);
}

TEST(ConnectionErrors, SixtyFourBitLengthWithMostSignificantBit) {
  expect_failure(Role::server, {0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, 1002);
}

TEST(ConnectionErrors, ContinuationWithoutMessage) {
  expect_failure(Role::server, client_frame(CONT, "x"), 1002);
  expect_failure(Role::server, concat({client_frame(TEXT, "done"), client_frame(CONT, "x")}), 1002);
}

TEST(ConnectionErrors, NewMessageInsideFragmentedMessage) {
  expect_failure(Role::server, concat({client_frame(TEXT, "a", false), client_frame(TEXT, "b")}),
                 1002);
  expect_failure(Role::server,
                 concat({client_frame(BINARY, "a", false), client_frame(BINARY, "b", false)}),
                 1002);
}

TEST(ConnectionErrors, NothingIsDeliveredFromAFailedMessage) {
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, concat({client_frame(TEXT, "a", false), client_frame(TEXT, "b")}), handler);
  EXPECT_TRUE(handler.messages().empty());
}

// --- Size limits (1009) ------------------------------------------------------

TEST(ConnectionLimits, SingleFrameOverTheLimitFailsFromItsHeader) {
  ConnectionLimits limits;
  limits.max_message_size = 100;
  // Only the header is sent: the connection must not wait for the payload.
  Bytes header_only = test::client_frame_with_length(BINARY, {}, test::LengthForm::minimal, 101);
  expect_failure(Role::server, header_only, 1009, limits);
  Bytes huge = test::client_frame_with_length(BINARY, {}, test::LengthForm::minimal, 1ull << 62);
  expect_failure(Role::server, huge, 1009, limits);
}

TEST(ConnectionLimits, MessageOfExactlyTheLimitIsAccepted) {
  ConnectionLimits limits;
  limits.max_message_size = 100;
  Connection server(Role::server, {}, limits);
  RecordingHandler handler;
  test::feed(server,
             concat({client_frame(BINARY, Bytes(60, 1), false), client_frame(CONT, Bytes(40, 2))}),
             handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  ASSERT_EQ(handler.messages().size(), 1u);
  EXPECT_EQ(handler.messages()[0].size(), 100u);
}

TEST(ConnectionLimits, FragmentedMessageOverTheLimitFails) {
  ConnectionLimits limits;
  limits.max_message_size = 100;
  expect_failure(Role::server,
                 concat({client_frame(TEXT, std::string(60, 'a'), false),
                         client_frame(CONT, std::string(41, 'b'))}),
                 1009, limits);
  // The second header alone is enough to know.
  Bytes second_header = test::client_frame_with_length(CONT, {}, test::LengthForm::minimal, 41);
  expect_failure(Role::server,
                 concat({client_frame(TEXT, std::string(60, 'a'), false), second_header}), 1009,
                 limits);
}

// --- UTF-8 (1007) ----------------------------------------------------------------

TEST(ConnectionUtf8, InvalidTextFails) {
  expect_failure(Role::server, client_frame(TEXT, "bad \xC0\xAF"), 1007);
  expect_failure(Role::server, client_frame(TEXT, "\xED\xA0\x80"), 1007);
}

TEST(ConnectionUtf8, FailsFastInTheFirstFragment) {
  // The bad byte is in the first fragment; the message has not ended and
  // the error must not wait for it.
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes first = client_frame(TEXT, "ok so far \xFF", false);
  server.receive(first, handler);
  const Event* error = handler.first_error();
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, 1007);
  EXPECT_EQ(close_code_of(only_close_frame(server)), 1007);
}

TEST(ConnectionUtf8, CharacterSplitAcrossFragmentsIsValid) {
  // U+20AC EURO SIGN is E2 82 AC; split after each byte.
  const Bytes euro = test::bytes_of("\xE2\x82\xAC");
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(
      server,
      concat({client_frame(TEXT, Bytes{euro[0]}, false), client_frame(CONT, Bytes{euro[1]}, false),
              client_frame(CONT, Bytes{euro[2]}, true)}),
      handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  EXPECT_EQ(handler.messages(), std::vector<std::string>{"\xE2\x82\xAC"});
}

TEST(ConnectionUtf8, MessageEndingMidCharacterFails) {
  expect_failure(Role::server,
                 concat({client_frame(TEXT, "abc", false), client_frame(CONT, "\xE2\x82")}), 1007);
  expect_failure(Role::server, client_frame(TEXT, "\xF0\x9F\x98"), 1007);
}

TEST(ConnectionUtf8, BinaryIsNotValidated) {
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, client_frame(BINARY, "\xFF\xFE\xC0"), handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  EXPECT_EQ(handler.messages().size(), 1u);
}

TEST(ConnectionUtf8, ValidatorResetsBetweenMessages) {
  // A message that ended cleanly must not leak state into the next one.
  Connection server(Role::server);
  RecordingHandler handler;
  test::feed(server, concat({client_frame(TEXT, "\xC3\xA9"), client_frame(TEXT, "plain")}),
             handler);
  EXPECT_EQ(handler.first_error(), nullptr);
  EXPECT_EQ(handler.messages().size(), 2u);
}

TEST(ConnectionEof, TransportEndWithoutCloseIsAbnormal) {
  Connection server(Role::server);
  RecordingHandler handler;
  Bytes partial = client_frame(TEXT, "incomplete");
  partial.resize(5);
  server.receive(partial, handler);
  EXPECT_EQ(server.state(), State::open);
  EXPECT_FALSE(server.peer_close_code().has_value());
  server.receive_eof();
  EXPECT_EQ(server.state(), State::closed);
  EXPECT_EQ(server.peer_close_code(), close_code::abnormal_closure);
  EXPECT_TRUE(server.should_close_transport());
  EXPECT_FALSE(server.send_text("late"));
}

}  // namespace
}  // namespace wsx::core
