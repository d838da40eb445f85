// wsx::Server over real loopback sockets: the echo path, the callbacks, the
// opening and closing handshakes, and what the server logs about them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_handlers.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"
#include "xor_extension.hpp"

namespace wsx::test {
namespace {

RunningServer::MakeHandlers echo_into(EventLog& events) {
  return [&events](Server& server) { return recording_echo(server, events); };
}

TEST(ServerEcho, EchoesTextAndBinaryWithTheirOpcodes) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());

  client->send_text("hello");
  auto reply = client->next_message();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->opcode, WSX_OPCODE_TEXT);
  EXPECT_EQ(reply->text(), "hello");

  const std::vector<std::uint8_t> bytes{0, 1, 2, 0xff, 0xfe};
  client->send_binary(bytes);
  reply = client->next_message();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->opcode, WSX_OPCODE_BINARY);
  EXPECT_EQ(reply->data, bytes);
}

TEST(ServerEcho, EchoesAMessageLargerThanTheReadBufferAndFragmentsPerMaxFrameSize) {
  EventLog events;
  ServerOptions options = test_options();
  options.limits.max_frame_size = 16 * 1024;
  RunningServer running(options, {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  std::vector<std::uint8_t> big(300 * 1024);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  client->send_binary(big);
  auto reply = client->next_message(10s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->data, big);
}

TEST(ServerEcho, ManyMessagesInOneWriteAreAllAnsweredInOrder) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  // Queue 200 frames in the client and write them in one go: the server sees
  // several frames per read, and partial frames at read boundaries.
  for (int i = 0; i < 200; ++i) client->connection().send_text("m" + std::to_string(i));
  client->send_text("last");
  for (int i = 0; i < 200; ++i) {
    auto reply = client->next_message();
    ASSERT_TRUE(reply) << "message " << i;
    EXPECT_EQ(reply->text(), "m" + std::to_string(i));
  }
  auto last = client->next_message();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->text(), "last");
}

TEST(ServerEcho, OnOpenSeesPathTargetAndSubprotocolInServerPreferenceOrder) {
  EventLog events;
  ServerOptions options = test_options();
  options.subprotocols = {"b", "a"};
  RunningServer running(options, {}, echo_into(events));
  ClientOptions client_options;
  client_options.target = "/chat?room=1";
  client_options.subprotocols = {"a", "b"};
  auto client = TestClient::connect(running.endpoint(), client_options);
  ASSERT_TRUE(client->handshake().subprotocol);
  EXPECT_EQ(*client->handshake().subprotocol, "b");
  ASSERT_TRUE(events.wait_for("open "));
  EXPECT_TRUE(
      events.contains("path=/chat target=/chat?room=1 subprotocol=b extensions= peer=127.0.0.1:"));
  EXPECT_TRUE(running.log().wait_for("open peer=127.0.0.1:"));
  EXPECT_TRUE(running.log().contains("path=/chat?room=1 extensions=\"\" subprotocol=\"b\""));
}

TEST(ServerEcho, ClientCloseIsEchoedWithItsCodeAndTheServerClosesTcp) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  client->close(4000, "custom bye");
  auto close = client->wait_for_close();
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 4000);  // RFC 6455 5.5.1: typically echoes the code
  // 7.1.1: the server closes TCP first once the closing handshake is done.
  EXPECT_TRUE(client->wait_for_eof(3s));
  ASSERT_TRUE(events.wait_for("close code=4000 reason=custom bye"));
  ASSERT_TRUE(running.log().wait_for("close peer=127.0.0.1:"));
  EXPECT_TRUE(running.log().contains("code=4000 reason=\"custom bye\" duration="));
}

TEST(ServerEcho, ApplicationCloseSendsItsCodeAndReportsOnClose) {
  EventLog events;
  RunningServer running(test_options(), {}, [&events](Server& server) {
    ServerHandlers handlers = recording_echo(server, events);
    // The handle-based callback, which on_message_here would take over from.
    handlers.on_message_here = nullptr;
    handlers.on_message = [&server](ConnectionHandle c, MessageType,
                                    std::span<const std::uint8_t>) {
      EXPECT_EQ(server.close(c, 3001, "app says bye"), SendResult::sent);
      // No data after our Close (RFC 6455 5.5.1).
      EXPECT_EQ(server.send_text(c, "too late"), SendResult::not_open);
    };
    return handlers;
  });
  auto client = TestClient::connect(running.endpoint());
  client->send_text("close me");
  auto close = client->wait_for_close();
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 3001);
  EXPECT_EQ(close->reason, "app says bye");
  EXPECT_TRUE(client->wait_for_eof(3s));
  EXPECT_TRUE(events.wait_for("close code=3001 reason=app says bye"));
}

TEST(ServerEcho, TheCurrentConnectionAnswersAndClosesTheSenderDirectly) {
  EventLog events;
  RunningServer running(test_options(), {}, [&events](Server& server) {
    ServerHandlers handlers = recording_echo(server, events);
    handlers.on_message_here = [](CurrentConnection& c, MessageType,
                                  std::span<const std::uint8_t> payload) {
      EXPECT_EQ(c.send_text("got " + std::to_string(payload.size())), SendResult::sent);
      EXPECT_THROW(c.close(1005), std::invalid_argument);  // RFC 6455 section 7.4.1
      EXPECT_EQ(c.close(3002, "answered"), SendResult::sent);
      EXPECT_EQ(c.send_text("too late"), SendResult::not_open);  // section 5.5.1
    };
    return handlers;
  });
  auto client = TestClient::connect(running.endpoint());
  client->send_text("hello");
  auto reply = client->next_message();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->text(), "got 5");
  auto close = client->wait_for_close();
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 3002);
  EXPECT_EQ(close->reason, "answered");
  EXPECT_TRUE(events.wait_for("close code=3002 reason=answered"));
}

TEST(ServerEcho, CloseRejectsACodeThatMayNotBeSent) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  EXPECT_THROW(running.server().close(ConnectionHandle{}, 1006), std::invalid_argument);
  EXPECT_EQ(running.server().close(ConnectionHandle{}, 1000), SendResult::posted);
}

TEST(ServerEcho, AnUnmaskedClientFrameFailsTheConnectionWith1002) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  auto client = TestClient::connect(running.endpoint());
  // RFC 6455 5.1: a server MUST close the connection on an unmasked frame.
  const std::uint8_t unmasked_text[] = {0x81, 0x02, 'h', 'i'};
  client->socket().write_all(unmasked_text);
  auto close = client->wait_for_close();
  ASSERT_TRUE(close);
  ASSERT_EQ(close->kind, ClientEvent::Kind::close);
  EXPECT_EQ(close->code, 1002);
  EXPECT_TRUE(client->wait_for_eof(3s));
  EXPECT_TRUE(events.wait_for("close code=1002"));
  EXPECT_TRUE(running.log().wait_for("protocol error peer=127.0.0.1:"));
  EXPECT_TRUE(running.log().contains("code=1002 reason="));
}

TEST(ServerEcho, ABadRequestGets400AndIsLogged) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  RawSocket socket(running.endpoint());
  socket.write_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n");  // no Upgrade
  std::string response;
  EXPECT_TRUE(socket.wait_for_eof(3s, &response));
  EXPECT_EQ(response.rfind("HTTP/1.1 4", 0), 0u) << response;
  EXPECT_TRUE(running.log().wait_for("handshake rejected peer=127.0.0.1:"));
  EXPECT_TRUE(running.log().contains("status=4"));
  EXPECT_FALSE(events.contains("open "));
}

TEST(ServerEcho, PipelinedFramesAfterTheRequestAreDelivered) {
  EventLog events;
  RunningServer running(test_options(), {}, echo_into(events));
  // A request followed in the same write by a masked text frame "hey".
  RawSocket socket(running.endpoint());
  std::string bytes =
      "GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const std::uint8_t mask[4] = {1, 2, 3, 4};
  const std::string payload = "hey";
  bytes += static_cast<char>(0x81);
  bytes += static_cast<char>(0x80 | payload.size());
  bytes.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    bytes += static_cast<char>(payload[i] ^ mask[i % 4]);
  socket.write_all(bytes);
  std::string received;
  for (int i = 0; i < 50 && received.find("hey") == std::string::npos; ++i) {
    const auto chunk = socket.read_some(100ms);
    received.append(chunk.begin(), chunk.end());
  }
  EXPECT_EQ(received.rfind("HTTP/1.1 101", 0), 0u);
  // The 101 comes first, then the unmasked echo frame.
  const std::string echo_frame = std::string("\x81\x03hey", 5);
  EXPECT_NE(received.find("\r\n\r\n" + echo_frame), std::string::npos);
}

TEST(ServerEcho, StartupLineNamesTheBoundPort) {
  EventLog events;
  ServerOptions options = test_options();
  options.banner = "app=echo, plugins: none";
  RunningServer running(options, {}, echo_into(events));
  const std::string expected =
      "listening on 127.0.0.1:" + std::to_string(running.endpoint().port()) +
      " (1 I/O thread, app=echo, plugins: none)";
  EXPECT_TRUE(running.log().contains(expected)) << expected;
  EXPECT_NE(running.endpoint().port(), 0);
  EXPECT_EQ(running.server().local_endpoint(), running.endpoint());
}

TEST(ServerEcho, NegotiatesPluginExtensionsAndTracesEachOfferAtDebugLevel) {
  EventLog events;
  const XorFactories xor_factories = make_xor_factories(17);
  RunningServer running(test_options(), xor_factories.server, echo_into(events));
  ClientOptions client_options;
  client_options.factories = xor_factories.client;
  client_options.extra_headers = {{"Sec-WebSocket-Extensions", "x-unknown; a=1"}};
  auto client = TestClient::connect(running.endpoint(), client_options);
  EXPECT_EQ(client->extensions_header(), "x-xor; key=17");
  client->send_text("through the chain");
  auto reply = client->next_message();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->text(), "through the chain");
  ASSERT_TRUE(events.wait_for("extensions=x-xor; key=17"));
  // The client writes its own offer first, then the extra field.
  EXPECT_TRUE(running.log().contains(
      "negotiate offer[0] \"x-xor\" -> plugin xor-test: accepted \"x-xor; key=17\""));
  EXPECT_TRUE(
      running.log().contains("negotiate offer[1] \"x-unknown; a=1\" -> no plugin provides it"));
  EXPECT_TRUE(running.log().contains("extensions=\"x-xor; key=17\""));
}

}  // namespace
}  // namespace wsx::test
