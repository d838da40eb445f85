// The client's opening handshake: the request it builds (RFC 6455 section
// 4.1) and its validation of the server's response, alone and against
// server_handshake().
#include "core/handshake/handshake_client.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "core/handshake/handshake_server.hpp"
#include "test_factories.hpp"

namespace wsx::core {
namespace {

using test::Decision;
using test::TestPlugin;

const FactoryList kNoFactories;

// Deterministic nonce 0, 1, ..., 15 -> key "AAECAwQFBgcICQoLDA0ODw==".
void counting_nonce(std::span<std::uint8_t, 16> nonce) {
  std::iota(nonce.begin(), nonce.end(), std::uint8_t{0});
}
constexpr std::string_view kKey = "AAECAwQFBgcICQoLDA0ODw==";

ClientHandshakeOptions basic_options() {
  ClientHandshakeOptions options;
  options.host = "127.0.0.1:9001";
  options.target = "/chat";
  return options;
}

ClientRequest basic_request(const FactoryList& factories = kNoFactories) {
  ClientRequest request = build_client_request(basic_options(), factories, &counting_nonce);
  EXPECT_TRUE(request.ok()) << *request.error;
  return request;
}

// A valid 101 for kKey, editable.
std::string response(std::string_view extra_fields = "",
                     std::string accept = compute_accept_key(kKey)) {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         accept + "\r\n" + std::string(extra_fields) + "\r\n";
}

void expect_rejected(const std::string& bytes, const ClientRequest& request,
                     std::string_view reason_part, const FactoryList& factories = kNoFactories) {
  const ClientHandshake hs = client_handshake(bytes, request, factories);
  EXPECT_EQ(hs.state, HandshakeState::rejected);
  EXPECT_NE(hs.reason.find(reason_part), std::string::npos) << hs.reason;
  EXPECT_TRUE(hs.extensions.empty());
  EXPECT_FALSE(hs.subprotocol);
}

TEST(ClientRequest, ExactBytes) {
  ClientHandshakeOptions options = basic_options();
  options.origin = "http://example.com";
  options.subprotocols = {"chat", "superchat"};
  options.extra_headers = {{"Authorization", "Bearer x"}};
  const ClientRequest request = build_client_request(options, kNoFactories, &counting_nonce);
  ASSERT_TRUE(request.ok()) << *request.error;
  EXPECT_EQ(request.key, kKey);
  EXPECT_EQ(request.bytes,
            "GET /chat HTTP/1.1\r\n"
            "Host: 127.0.0.1:9001\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw==\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "Origin: http://example.com\r\n"
            "Sec-WebSocket-Protocol: chat, superchat\r\n"
            "Authorization: Bearer x\r\n"
            "\r\n");
}

TEST(ClientRequest, ExtensionOffersComeFromTheFactories) {
  TestPlugin deflate("deflate");
  deflate.on_client_offer = [] {
    return Decision{WSX_OK, {{"client_max_window_bits", std::nullopt}}, ""};
  };
  TestPlugin shy("shy");
  shy.on_client_offer = [] { return Decision{WSX_DECLINE, {}, "not today"}; };
  const FactoryList factories{test::make_factory(deflate, "permessage-deflate", WSX_RSV1),
                              test::make_factory(shy, "x-shy")};
  const ClientRequest request = basic_request(factories);
  EXPECT_NE(request.bytes.find(
                "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"),
            std::string::npos)
      << request.bytes;
  ASSERT_EQ(request.extension_offers.size(), 1u);
  EXPECT_EQ(shy.client_offer_calls, 1);
}

TEST(ClientRequest, BadOptionsAreRefused) {
  auto error_of = [](ClientHandshakeOptions options) {
    const ClientRequest request = build_client_request(options, kNoFactories, &counting_nonce);
    EXPECT_TRUE(request.bytes.empty());
    return request.error.value_or("");
  };
  ClientHandshakeOptions options = basic_options();
  options.host = "a\r\nX-Evil: 1";
  EXPECT_NE(error_of(options).find("Host value"), std::string::npos);
  options = basic_options();
  options.target = "chat";
  EXPECT_NE(error_of(options).find("is not a path"), std::string::npos);
  options = basic_options();
  options.subprotocols = {"two words"};
  EXPECT_NE(error_of(options).find("is not a token"), std::string::npos);
  options = basic_options();
  options.extra_headers = {{"X", "a\nb"}};
  EXPECT_NE(error_of(options).find("bad name or value"), std::string::npos);
  EXPECT_FALSE(build_client_request(basic_options(), kNoFactories, NonceSource{}).ok());
}

TEST(ClientRequest, FailingFactoryFailsTheRequest) {
  TestPlugin broken("broken");
  broken.on_client_offer = [] { return Decision{WSX_FAIL, {}, "no memory"}; };
  const FactoryList factories{test::make_factory(broken, "x-broken")};
  const ClientRequest request = build_client_request(basic_options(), factories, &counting_nonce);
  EXPECT_EQ(request.error, "extension x-broken (plugin broken) could not make an offer: no memory");
}

TEST(ClientHandshake, AcceptsAValidResponse) {
  const ClientRequest request = basic_request();
  const std::string bytes = response();
  const ClientHandshake hs = client_handshake(bytes, request, kNoFactories);
  EXPECT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.status, 101u);
  EXPECT_EQ(hs.consumed, bytes.size());
  EXPECT_EQ(header_values(hs.headers, "upgrade"), (std::vector<std::string_view>{"websocket"}));
}

TEST(ClientHandshake, IncompleteResponseNeedsMoreAndFramesAfterItAreNotConsumed) {
  const ClientRequest request = basic_request();
  const std::string bytes = response();
  for (std::size_t size = 0; size < bytes.size(); ++size)
    ASSERT_EQ(client_handshake(bytes.substr(0, size), request, kNoFactories).state,
              HandshakeState::need_more)
        << size;
  const ClientHandshake hs = client_handshake(bytes + "\x81\x02hi", request, kNoFactories);
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_EQ(hs.consumed, bytes.size());
}

TEST(ClientHandshake, StatusMustBe101) {
  const ClientRequest request = basic_request();
  expect_rejected("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nno\n", request,
                  "the server answered 400 Bad Request");
  const ClientHandshake hs =
      client_handshake("HTTP/1.1 403 Forbidden\r\n\r\n", request, kNoFactories);
  EXPECT_EQ(hs.status, 403u);
}

TEST(ClientHandshake, WrongAcceptIsRejected) {
  const ClientRequest request = basic_request();
  expect_rejected(response("", compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==")), request,
                  "does not match the key sent");
  expect_rejected(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      request, "exactly one Sec-WebSocket-Accept");
}

TEST(ClientHandshake, UpgradeAndConnectionAreRequired) {
  const ClientRequest request = basic_request();
  const std::string accept = compute_accept_key(kKey);
  expect_rejected(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
          accept + "\r\n\r\n",
      request, "Upgrade header");
  expect_rejected(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Accept: " +
          accept + "\r\n\r\n",
      request, "Connection header");
  // Case-insensitive tokens are fine.
  EXPECT_EQ(client_handshake("HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
                             "Connection: upgrade\r\nSec-WebSocket-Accept: " +
                                 accept + "\r\n\r\n",
                             request, kNoFactories)
                .state,
            HandshakeState::accepted);
}

TEST(ClientHandshake, SubprotocolMustBeOneThatWasOffered) {
  ClientHandshakeOptions options = basic_options();
  options.subprotocols = {"chat", "superchat"};
  const ClientRequest request = build_client_request(options, kNoFactories, &counting_nonce);
  const ClientHandshake hs =
      client_handshake(response("Sec-WebSocket-Protocol: superchat\r\n"), request, kNoFactories);
  ASSERT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.subprotocol, "superchat");
  expect_rejected(response("Sec-WebSocket-Protocol: other\r\n"), request,
                  "selected subprotocol \"other\", which was not offered");
  expect_rejected(response("Sec-WebSocket-Protocol: chat, superchat\r\n"), request,
                  "several subprotocols");
  // Offering none and getting one is as bad.
  expect_rejected(response("Sec-WebSocket-Protocol: chat\r\n"), basic_request(),
                  "which was not offered");
}

TEST(ClientHandshake, UnofferedExtensionIsRejected) {
  const ClientRequest request = basic_request();
  expect_rejected(response("Sec-WebSocket-Extensions: permessage-deflate\r\n"), request,
                  "accepted extension permessage-deflate, which was not offered");
  expect_rejected(response("Sec-WebSocket-Extensions: a;\r\n"), request,
                  "malformed Sec-WebSocket-Extensions in the response: position 2");
}

TEST(ClientHandshake, MalformedOrHugeResponse) {
  const ClientRequest request = basic_request();
  expect_rejected("HTTP/1.1 abc\r\n\r\n", request, "malformed HTTP response");
  const ClientHandshake hs =
      client_handshake(response("X: " + std::string(100, 'x') + "\r\n"), request, kNoFactories, 64);
  EXPECT_EQ(hs.state, HandshakeState::rejected);
  EXPECT_NE(hs.reason.find("larger than 64 bytes"), std::string::npos) << hs.reason;
}

TEST(ClientAndServer, FullHandshakeWithExtensionsAndSubprotocol) {
  // Client side: one plugin offering two tokens' worth of extensions.
  TestPlugin client_plugin("client-side");
  client_plugin.on_client_offer = [] { return Decision{WSX_OK, {{"level", "3"}}, ""}; };
  const FactoryList client_factories{test::make_factory(client_plugin, "x-a", WSX_RSV1),
                                     test::make_factory(client_plugin, "x-b", WSX_RSV2)};
  // Server side: accepts both, answering with a parameter of its own.
  TestPlugin server_plugin("server-side");
  server_plugin.on_server_offer = [](const test::SeenCall& call) {
    return Decision{WSX_OK, {{"chosen", call.params.at(0).value}}, ""};
  };
  const FactoryList server_factories{test::make_factory(server_plugin, "x-b", WSX_RSV2),
                                     test::make_factory(server_plugin, "x-a", WSX_RSV1)};

  ClientHandshakeOptions options = basic_options();
  options.subprotocols = {"v2", "v1"};
  const ClientRequest request = build_client_request(options, client_factories, &counting_nonce);
  ASSERT_TRUE(request.ok()) << *request.error;

  ServerHandshakeOptions server_options;
  server_options.subprotocols = {"v1", "v2"};
  const ServerHandshake server = server_handshake(request.bytes, server_factories, server_options);
  ASSERT_EQ(server.state, HandshakeState::accepted) << server.reason;
  EXPECT_EQ(server.consumed, request.bytes.size());
  EXPECT_EQ(server.request.extension_offers, request.extension_offers);
  EXPECT_EQ(server.extensions.size(), 2u);

  const ClientHandshake client = client_handshake(server.response, request, client_factories);
  ASSERT_EQ(client.state, HandshakeState::accepted) << client.reason;
  EXPECT_EQ(client.subprotocol, "v1");  // the server's preference
  ASSERT_EQ(client.extensions.size(), 2u);
  // Client order of offers = server acceptance order = response order.
  EXPECT_EQ(client.extensions.extensions()[0].factory().token, "x-a");
  EXPECT_EQ(client.extensions.extensions()[1].factory().token, "x-b");
  EXPECT_EQ(client.extensions.extensions()[0].params(),
            (std::vector<ExtensionParam>{{"chosen", "3"}}));
  EXPECT_EQ(client.extensions.rsv_mask(), WSX_RSV1 | WSX_RSV2);
}

}  // namespace
}  // namespace wsx::core
