// The opening handshake (RFC 6455 section 4): a request that is not a valid
// WebSocket upgrade gets an HTTP error status and the connection is closed,
// without disturbing the WebSockets already open.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using HandshakeTest = PlainHostTest;

// handshake_request() with the line starting with `prefix` removed.
std::string without_line(std::string_view prefix) {
  std::string request = handshake_request();
  const std::size_t at = request.find(prefix);
  if (at != std::string::npos) request.erase(at, request.find("\r\n", at) + 2 - at);
  return request;
}

// handshake_request() with `from` replaced by `to`.
std::string replaced(std::string_view from, std::string_view to) {
  std::string request = handshake_request();
  const std::size_t at = request.find(from);
  if (at != std::string::npos) request.replace(at, from.size(), to);
  return request;
}

TEST_F(HandshakeTest, ValidRequestIsAccepted) {
  WsClient client = WsClient::handshake(port(), handshake_request());
  const HttpResponse& response = client.response();
  ASSERT_EQ(response.status, 101) << response.head;
  // 4.2.2 step 5 and the example key of section 1.3.
  EXPECT_EQ(response.header("Sec-WebSocket-Accept"), kSampleAccept);
  EXPECT_EQ(response.header("Sec-WebSocket-Extensions"), std::nullopt);
  EXPECT_TRUE(echoes_text(client, "hello"));
}

TEST_F(HandshakeTest, FrameSentWithTheRequestIsProcessed) {
  // A client may send its first frame right behind the request head, in
  // the same segment: those bytes belong to the WebSocket (4.1, 4.2.1).
  const Bytes frame = encode_frame({.opcode = opcode::text, .payload = to_bytes("eager")});
  WsClient client =
      WsClient::handshake(port(), handshake_request() + std::string(frame.begin(), frame.end()));
  ASSERT_EQ(client.response().status, 101) << client.response().head;
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(to_string(message->payload), "eager");
}

TEST_F(HandshakeTest, ListValuedAndMixedCaseUpgradeFieldsAreAccepted) {
  // 4.2.1: Connection is a list that must contain "Upgrade", and both
  // tokens compare case-insensitively (Firefox sends "keep-alive, Upgrade").
  std::string request = replaced("Connection: Upgrade", "connection: keep-alive, Upgrade");
  const std::size_t at = request.find("Upgrade: websocket");
  ASSERT_NE(at, std::string::npos);
  request.replace(at, 18, "UPGRADE: WebSocket");
  WsClient client = WsClient::handshake(port(), request);
  ASSERT_EQ(client.response().status, 101) << client.response().head;
  EXPECT_TRUE(echoes_text(client, "hello"));
}

TEST_F(HandshakeTest, Http10IsBadRequest) {
  WsClient good = open();
  // 4.1 item 2: "the HTTP version MUST be at least 1.1".
  WsClient bad = WsClient::handshake(port(), replaced("HTTP/1.1", "HTTP/1.0"));
  EXPECT_TRUE(refused_with(bad, 400));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, RequestArrivingByteByByteIsAccepted) {
  WsClient client = WsClient::connect(port());
  // TCP owes the server no boundaries: one byte per segment still works.
  for (const char c : handshake_request()) {
    ASSERT_TRUE(client.send_raw(Bytes{static_cast<std::uint8_t>(c)}));
  }
  ASSERT_TRUE(client.read_response()) << client.response().head;
  ASSERT_EQ(client.response().status, 101) << client.response().head;
  EXPECT_TRUE(echoes_text(client, "hello"));
}

TEST_F(HandshakeTest, GarbageIsBadRequest) {
  WsClient good = open();
  for (const std::string_view garbage :
       {std::string_view("hello there, not HTTP at all\r\n\r\n"),
        std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),
        std::string_view("GET\r\n\r\n")}) {
    SCOPED_TRACE("garbage of " + std::to_string(garbage.size()) + " bytes");
    WsClient bad = WsClient::handshake(port(), garbage);
    EXPECT_TRUE(refused_with(bad, 400));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(HandshakeTest, MissingKeyIsBadRequest) {
  WsClient good = open();
  // 4.2.1 item 5: the request must carry Sec-WebSocket-Key.
  WsClient bad = WsClient::handshake(port(), without_line("Sec-WebSocket-Key:"));
  EXPECT_TRUE(refused_with(bad, 400));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, KeyThatIsNot16BytesIsBadRequest) {
  WsClient good = open();
  WsClient bad = WsClient::handshake(port(), replaced(kSampleKey, "c2hvcnQ="));
  EXPECT_TRUE(refused_with(bad, 400));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, MissingUpgradeIsBadRequest) {
  WsClient good = open();
  WsClient bad = WsClient::handshake(port(), without_line("Upgrade: websocket"));
  EXPECT_TRUE(refused_with(bad, 400));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, WrongVersionIsUpgradeRequiredWithVersion13) {
  WsClient good = open();
  // 4.2.2: a version the server does not speak gets 426 and the versions
  // it does speak in Sec-WebSocket-Version.
  WsClient bad = WsClient::handshake(
      port(), replaced("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"));
  EXPECT_EQ(bad.response().header("Sec-WebSocket-Version"), "13") << bad.response().head;
  EXPECT_TRUE(refused_with(bad, 426));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, MissingVersionIsUpgradeRequired) {
  WsClient good = open();
  WsClient bad = WsClient::handshake(port(), without_line("Sec-WebSocket-Version:"));
  EXPECT_EQ(bad.response().header("Sec-WebSocket-Version"), "13") << bad.response().head;
  EXPECT_TRUE(refused_with(bad, 426));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, PostIsMethodNotAllowed) {
  WsClient good = open();
  // 4.1 item 2: "The method of the request MUST be GET"; the host answers
  // 405 with Allow: GET (RFC 7231 section 6.5.5).
  WsClient bad = WsClient::handshake(port(), replaced("GET /chat", "POST /chat"));
  EXPECT_EQ(bad.response().header("Allow"), "GET") << bad.response().head;
  EXPECT_TRUE(refused_with(bad, 405));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, MalformedExtensionsHeaderIsBadRequest) {
  WsClient good = open();
  WsClient bad = WsClient::handshake(port(), handshake_request("permessage-deflate; ;=,"));
  EXPECT_TRUE(refused_with(bad, 400));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, OversizedRequestHeadIsRefused) {
  WsClient good = open();
  // The host bounds the request head (8 KiB); beyond it, 431 Request Header
  // Fields Too Large (RFC 6585 section 5), not an unbounded buffer.
  std::string request = handshake_request();
  request.insert(request.size() - 2, "X-Padding: " + std::string(16 * 1024, 'p') + "\r\n");
  WsClient bad = WsClient::handshake(port(), request);
  EXPECT_TRUE(refused_with(bad, 431));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(HandshakeTest, UnknownExtensionIsIgnored) {
  // 9.1: the server answers with the extensions it accepts, possibly none.
  WsClient client = WsClient::handshake(port(), handshake_request("x-unknown; a=1"));
  ASSERT_EQ(client.response().status, 101) << client.response().head;
  EXPECT_EQ(client.response().header("Sec-WebSocket-Extensions"), std::nullopt);
  EXPECT_TRUE(echoes_text(client, "hello"));
}

}  // namespace
}  // namespace wsx::integration
