// The server's opening handshake: RFC 6455 sections 4.2.1 (what a valid
// request is) and 4.2.2 (the response), from raw request bytes.
#include "core/handshake/handshake_server.hpp"

#include <gtest/gtest.h>

#include "core/handshake/http_response.hpp"
#include "test_factories.hpp"

namespace wsx::core {
namespace {

using test::Decision;
using test::TestPlugin;

// A valid request, editable field by field.
struct Request {
  std::string method = "GET";
  std::string target = "/chat";
  std::string version = "HTTP/1.1";
  HttpHeaders headers{{"Host", "server.example.com"},
                      {"Upgrade", "websocket"},
                      {"Connection", "Upgrade"},
                      {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                      {"Sec-WebSocket-Version", "13"}};

  Request& without(std::string_view name) {
    std::erase_if(headers, [&](const HttpHeader& h) { return h.name == name; });
    return *this;
  }
  Request& with(std::string name, std::string value) {
    without(name);
    return also(std::move(name), std::move(value));
  }
  Request& also(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return *this;
  }
  [[nodiscard]] std::string bytes() const {
    std::string out = method + " " + target + " " + version + "\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    return out + "\r\n";
  }
};

const FactoryList kNoFactories;

ServerHandshake handshake(const std::string& bytes, const ServerHandshakeOptions& options = {},
                          const FactoryList& factories = kNoFactories) {
  return server_handshake(bytes, factories, options);
}

void expect_rejected(const Request& request, unsigned status, std::string_view reason_part) {
  const ServerHandshake hs = handshake(request.bytes());
  EXPECT_EQ(hs.state, HandshakeState::rejected);
  EXPECT_EQ(hs.status, status);
  EXPECT_NE(hs.reason.find(reason_part), std::string::npos) << hs.reason;
  EXPECT_TRUE(hs.response.starts_with("HTTP/1.1 " + std::to_string(status) + " ")) << hs.response;
  EXPECT_NE(hs.response.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_TRUE(hs.response.ends_with("\r\n\r\n" + hs.reason + "\n")) << hs.response;
  EXPECT_TRUE(hs.extensions.empty());
}

void expect_accepted(const Request& request) {
  const ServerHandshake hs = handshake(request.bytes());
  EXPECT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.status, 101u);
}

TEST(ServerHandshake, Rfc6455Section1_3Example) {
  // The request of RFC 6455 section 1.2 with the key of section 1.3.
  Request request;
  request.also("Origin", "http://example.com").also("Sec-WebSocket-Protocol", "chat, superchat");
  ServerHandshakeOptions options;
  options.subprotocols = {"chat"};
  const std::string bytes = request.bytes();
  const ServerHandshake hs = handshake(bytes, options);

  ASSERT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Protocol: chat\r\n"
            "\r\n");
  EXPECT_EQ(hs.consumed, bytes.size());
  EXPECT_EQ(hs.subprotocol, "chat");
  EXPECT_EQ(hs.request.target, "/chat");
  EXPECT_EQ(hs.request.path(), "/chat");
  EXPECT_EQ(hs.request.host, "server.example.com");
  EXPECT_EQ(hs.request.origin, "http://example.com");
  EXPECT_EQ(hs.request.key, "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(hs.request.subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  EXPECT_TRUE(hs.request.extension_offers.empty());
  EXPECT_TRUE(hs.extensions.empty());
}

TEST(ServerHandshake, MinimalResponseHasNoOptionalFields) {
  const ServerHandshake hs = handshake(Request{}.bytes());
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_EQ(hs.response,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
  EXPECT_FALSE(hs.request.origin);
  EXPECT_FALSE(hs.subprotocol);
}

TEST(ServerHandshake, AllRequestHeadersReachTheApplication) {
  Request request;
  request.also("X-Token", "abc").also("x-token", "def");
  request.target = "/rooms/1?user=2";
  const ServerHandshake hs = handshake(request.bytes());
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_EQ(hs.request.path(), "/rooms/1");
  EXPECT_EQ(header_values(hs.request.headers, "X-TOKEN"),
            (std::vector<std::string_view>{"abc", "def"}));
  EXPECT_EQ(hs.request.headers.size(), 7u);
  EXPECT_EQ(hs.request.method, "GET");
  EXPECT_EQ(hs.request.http_version, 11u);
}

TEST(ServerHandshake, MethodMustBeGet) {
  Request request;
  request.method = "POST";
  expect_rejected(request, 405, "must be a GET request");
  const ServerHandshake hs = handshake(request.bytes());
  EXPECT_NE(hs.response.find("\r\nAllow: GET\r\n"), std::string::npos) << hs.response;
}

TEST(ServerHandshake, HttpVersionMustBeAtLeast1_1) {
  Request request;
  request.version = "HTTP/1.0";
  expect_rejected(request, 400, "HTTP/1.1 or later");
  // HTTP/2 has no Upgrade (RFC 8441 bootstraps WebSockets differently); the
  // HTTP/1 parser does not read such a start line at all.
  request.version = "HTTP/2.0";
  expect_rejected(request, 400, "malformed HTTP request");
}

TEST(ServerHandshake, TargetMustNameAResource) {
  Request request;
  request.target = "*";
  expect_rejected(request, 400, "is not a path");
  request.target = "server.example.com:80";
  expect_rejected(request, 400, "is not a path");
  request.target = "ws://server.example.com/chat?x=1";  // absolute-form
  const ServerHandshake hs = handshake(request.bytes());
  ASSERT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.request.path(), "/chat");
}

TEST(ServerHandshake, HostIsRequired) {
  expect_rejected(Request{}.without("Host"), 400, "no Host header");
  expect_rejected(Request{}.also("Host", "other.example.com"), 400, "exactly one");
  expect_rejected(Request{}.with("Host", ""), 400, "exactly one non-empty Host");
}

TEST(ServerHandshake, UpgradeMustListWebsocket) {
  expect_accepted(Request{}.with("Upgrade", "WebSocket"));
  expect_accepted(Request{}.with("Upgrade", "h2c, websocket"));
  expect_accepted(Request{}.with("Upgrade", "h2c").also("Upgrade", "websocket"));
  expect_rejected(Request{}.without("Upgrade"), 400, "Upgrade header must contain");
  expect_rejected(Request{}.with("Upgrade", "websocketx"), 400, "Upgrade header must contain");
  expect_rejected(Request{}.with("Upgrade", "h2c"), 400, "Upgrade header must contain");
}

TEST(ServerHandshake, ConnectionMustListUpgrade) {
  expect_accepted(Request{}.with("Connection", "keep-alive, Upgrade"));
  expect_accepted(Request{}.with("Connection", "upgrade"));
  expect_accepted(Request{}.with("Connection", "keep-alive").also("Connection", "UPGRADE"));
  expect_rejected(Request{}.without("Connection"), 400, "Connection header must contain");
  expect_rejected(Request{}.with("Connection", "keep-alive"), 400,
                  "Connection header must contain");
  expect_rejected(Request{}.with("Connection", "upgraded"), 400, "Connection header must contain");
}

TEST(ServerHandshake, KeyMustBeBase64OfSixteenBytes) {
  // 15 and 17 bytes, a key without padding, not base64, absent, repeated.
  expect_rejected(Request{}.with("Sec-WebSocket-Key", "AQEBAQEBAQEBAQEBAQEB"), 400,
                  "is not the base64 of 16 bytes");
  expect_rejected(Request{}.with("Sec-WebSocket-Key", "AQEBAQEBAQEBAQEBAQEBAQE="), 400,
                  "is not the base64 of 16 bytes");
  expect_rejected(Request{}.with("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ"), 400,
                  "is not the base64 of 16 bytes");
  expect_rejected(Request{}.with("Sec-WebSocket-Key", "not base64 at all!!!!!!!"), 400,
                  "is not the base64 of 16 bytes");
  expect_rejected(Request{}.without("Sec-WebSocket-Key"), 400, "no Sec-WebSocket-Key");
  expect_rejected(Request{}.also("Sec-WebSocket-Key", "AAECAwQFBgcICQoLDA0ODw=="), 400,
                  "several Sec-WebSocket-Key");
}

TEST(ServerHandshake, UnsupportedVersionGets426WithOurVersion) {
  for (Request request :
       {Request{}.with("Sec-WebSocket-Version", "8"), Request{}.without("Sec-WebSocket-Version"),
        Request{}.with("Sec-WebSocket-Version", "13, 8")}) {
    const ServerHandshake hs = handshake(request.bytes());
    EXPECT_EQ(hs.state, HandshakeState::rejected);
    EXPECT_EQ(hs.status, 426u);
    EXPECT_TRUE(hs.response.starts_with("HTTP/1.1 426 Upgrade Required\r\n"));
    EXPECT_NE(hs.response.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
  }
  expect_rejected(Request{}.with("Sec-WebSocket-Version", "8"), 426,
                  "unsupported Sec-WebSocket-Version \"8\"");
}

TEST(ServerHandshake, VersionIsCheckedBeforeTheKey) {
  // A client of another version may use another key format: it gets the 426
  // that says which version we speak.
  expect_rejected(Request{}.with("Sec-WebSocket-Version", "14").without("Sec-WebSocket-Key"), 426,
                  "Sec-WebSocket-Version");
}

TEST(ServerHandshake, RequestWithABodyIsRejected) {
  expect_rejected(Request{}.also("Content-Length", "5"), 400, "must not have a body");
  expect_rejected(Request{}.also("Transfer-Encoding", "chunked"), 400, "must not have a body");
  expect_accepted(Request{}.also("Content-Length", "0"));
}

TEST(ServerHandshake, MalformedHttpIsA400) {
  const ServerHandshake hs = handshake("GARBAGE\r\n\r\n");
  EXPECT_EQ(hs.state, HandshakeState::rejected);
  EXPECT_EQ(hs.status, 400u);
  EXPECT_TRUE(hs.reason.starts_with("malformed HTTP request: ")) << hs.reason;
  const ServerHandshake bad_field = handshake("GET / HTTP/1.1\r\nHost\r\n\r\n");
  EXPECT_EQ(bad_field.status, 400u);
}

TEST(ServerHandshake, EveryIncompletePrefixNeedsMore) {
  const std::string bytes = Request{}.also("Sec-WebSocket-Extensions", "a; b=1").bytes();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const ServerHandshake hs = handshake(bytes.substr(0, size));
    ASSERT_EQ(hs.state, HandshakeState::need_more) << size;
    EXPECT_EQ(hs.consumed, 0u);
    EXPECT_TRUE(hs.response.empty());
  }
  EXPECT_EQ(handshake(bytes).state, HandshakeState::accepted);
}

TEST(ServerHandshake, BytesAfterTheRequestAreNotConsumed) {
  // A client may pipeline its first frame right behind the request.
  const std::string request = Request{}.bytes();
  const std::string frame = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";  // RFC 6455 5.7
  const ServerHandshake hs = handshake(request + frame);
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_EQ(hs.consumed, request.size());
}

TEST(ServerHandshake, OversizedHeadGets431) {
  const std::string big(9000, 'x');
  expect_rejected(Request{}.also("X-Big", big), 431, "larger than 8192 bytes");
  // Also before the head is complete: no need to wait for the end.
  const ServerHandshake partial = handshake("GET / HTTP/1.1\r\nX-Big: " + big);
  EXPECT_EQ(partial.state, HandshakeState::rejected);
  EXPECT_EQ(partial.status, 431u);
  EXPECT_TRUE(partial.response.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}

TEST(ServerHandshake, HeadLimitIsConfigurableAndExact) {
  const std::string bytes = Request{}.bytes();
  ServerHandshakeOptions options;
  options.max_head_bytes = bytes.size();
  EXPECT_EQ(handshake(bytes, options).state, HandshakeState::accepted);
  options.max_head_bytes = bytes.size() - 1;
  const ServerHandshake hs = handshake(bytes, options);
  EXPECT_EQ(hs.status, 431u);
  EXPECT_NE(hs.reason.find(std::to_string(bytes.size() - 1)), std::string::npos) << hs.reason;
  options.max_head_bytes = 40;  // smaller than the request line plus Host
  EXPECT_EQ(handshake(bytes, options).status, 431u);
}

TEST(ServerHandshake, SubprotocolSelectionFollowsServerPreference) {
  Request request;
  request.also("Sec-WebSocket-Protocol", "a, b").also("Sec-WebSocket-Protocol", "c");
  ServerHandshakeOptions options;
  options.subprotocols = {"x", "c", "b"};
  const ServerHandshake hs = handshake(request.bytes(), options);
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_EQ(hs.request.subprotocols, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(hs.subprotocol, "c");
  EXPECT_NE(hs.response.find("\r\nSec-WebSocket-Protocol: c\r\n"), std::string::npos);
}

TEST(ServerHandshake, NoCommonSubprotocolMeansNoProtocolField) {
  ServerHandshakeOptions options;
  options.subprotocols = {"Chat"};  // names compare exactly
  const ServerHandshake hs =
      handshake(Request{}.also("Sec-WebSocket-Protocol", "chat").bytes(), options);
  ASSERT_EQ(hs.state, HandshakeState::accepted);
  EXPECT_FALSE(hs.subprotocol);
  EXPECT_EQ(hs.response.find("Sec-WebSocket-Protocol"), std::string::npos);
}

TEST(ServerHandshake, SubprotocolsMustBeTokens) {
  expect_rejected(Request{}.also("Sec-WebSocket-Protocol", "chat, two words"), 400,
                  "\"two words\" is not a token");
}

TEST(ServerHandshake, MalformedExtensionsHeaderIsA400WithThePosition) {
  expect_rejected(Request{}.also("Sec-WebSocket-Extensions", "foo; =x"), 400,
                  "malformed Sec-WebSocket-Extensions header: position 5: expected a parameter "
                  "name after ';', found '='");
}

TEST(ServerHandshake, ExtensionOffersAreNegotiated) {
  TestPlugin plugin("test-plugin");
  plugin.on_server_offer = [](const test::SeenCall&) { return Decision{WSX_OK, {{"p", "1"}}, ""}; };
  const FactoryList factories{test::make_factory(plugin, "x-test", WSX_RSV1)};
  const ServerHandshake hs = handshake(
      Request{}.also("Sec-WebSocket-Extensions", "x-unknown, x-test; q").bytes(), {}, factories);
  ASSERT_EQ(hs.state, HandshakeState::accepted) << hs.reason;
  EXPECT_EQ(hs.response,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Sec-WebSocket-Extensions: x-test; p=1\r\n\r\n");
  ASSERT_EQ(hs.extensions.size(), 1u);
  EXPECT_EQ(hs.extensions.rsv_mask(), WSX_RSV1);
  ASSERT_EQ(hs.negotiation_trace.size(), 2u);
  EXPECT_EQ(hs.negotiation_trace[0].outcome, OfferOutcome::no_factory);
  EXPECT_EQ(hs.negotiation_trace[1].outcome, OfferOutcome::accepted);
}

TEST(ServerHandshake, FailedNegotiationIsA400AndDestroysExtensions) {
  TestPlugin accepting("accepting");
  TestPlugin failing("failing");
  failing.on_server_offer = [](const test::SeenCall&) {
    return Decision{WSX_FAIL, {}, "bad offer"};
  };
  const FactoryList factories{test::make_factory(accepting, "a"), test::make_factory(failing, "b")};
  {
    const ServerHandshake hs =
        handshake(Request{}.also("Sec-WebSocket-Extensions", "a, b").bytes(), {}, factories);
    EXPECT_EQ(hs.state, HandshakeState::rejected);
    EXPECT_EQ(hs.status, 400u);
    EXPECT_EQ(hs.reason,
              "extension negotiation failed: extension b (plugin failing) rejected the offer: "
              "bad offer");
    EXPECT_TRUE(hs.extensions.empty());
    EXPECT_EQ(hs.negotiation_trace.size(), 2u);
  }
  EXPECT_EQ(accepting.extensions_created, 1);
  EXPECT_EQ(accepting.extensions_destroyed, 1);
}

TEST(ServerHandshake, AcceptedExtensionsLiveAsLongAsTheHandshakeResult) {
  TestPlugin plugin("p");
  const FactoryList factories{test::make_factory(plugin, "a")};
  {
    const ServerHandshake hs =
        handshake(Request{}.also("Sec-WebSocket-Extensions", "a").bytes(), {}, factories);
    ASSERT_EQ(hs.state, HandshakeState::accepted);
    EXPECT_EQ(plugin.extensions_destroyed, 0);
  }
  EXPECT_EQ(plugin.extensions_created, 1);
  EXPECT_EQ(plugin.extensions_destroyed, 1);
}

TEST(ErrorResponse, ExactBytes) {
  EXPECT_EQ(build_error_response(503, "too many connections"),
            "HTTP/1.1 503 Service Unavailable\r\n"
            "Connection: close\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 21\r\n"
            "\r\n"
            "too many connections\n");
}

TEST(ErrorResponse, ExtraFieldsAndConnectionOverride) {
  const HttpHeaders extra{{"Upgrade", "websocket"}, {"Connection", "Upgrade, close"}};
  const std::string response = build_error_response(426, "x", extra);
  EXPECT_EQ(response,
            "HTTP/1.1 426 Upgrade Required\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 2\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade, close\r\n"
            "\r\n"
            "x\n");
}

TEST(ErrorResponse, PeerTextCannotInjectHeaderLines) {
  const std::string response = build_error_response(400, "bad\r\nSet-Cookie: a=b");
  EXPECT_EQ(response.find("\r\nSet-Cookie"), std::string::npos);
  EXPECT_TRUE(response.ends_with("\r\n\r\nbad\\x0D\\x0ASet-Cookie: a=b\n"));
  const HttpHeaders extra{{"X", "a\r\nb"}};
  EXPECT_NE(build_error_response(400, "r", extra).find("X: a\\x0D\\x0Ab\r\n"), std::string::npos);
}

TEST(SelectSubprotocol, FirstSupportedThatWasOffered) {
  const std::vector<std::string> offered{"a", "b", "c"};
  EXPECT_EQ(select_subprotocol(offered, std::vector<std::string>{"c", "a"}), "c");
  EXPECT_EQ(select_subprotocol(offered, std::vector<std::string>{"z"}), std::nullopt);
  EXPECT_EQ(select_subprotocol({}, std::vector<std::string>{"a"}), std::nullopt);
}

}  // namespace
}  // namespace wsx::core
