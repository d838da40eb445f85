#include <gtest/gtest.h>

#include <string>

#include "client/client_options.hpp"
#include "client/opening_handshake.hpp"

namespace {

wsx::client::ClientOptions options_for(std::string_view url) {
  wsx::client::ClientOptions options;
  options.url = std::get<wsx::config::UpstreamUrl>(wsx::config::parse_upstream_url(url));
  return options;
}

TEST(ClientRequest, CarriesHostTargetSubprotocolsAndHeaders) {
  auto options = options_for("ws://127.0.0.1:9001/chat?x=1");
  options.subprotocols = {"chat", "v2"};
  options.headers = {{"Authorization", "Bearer t"}};
  const auto request = wsx::client::make_request(options, {});
  EXPECT_EQ(request.bytes.rfind("GET /chat?x=1 HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(request.bytes.find("Host: 127.0.0.1:9001\r\n"), std::string::npos);
  EXPECT_NE(request.bytes.find("Sec-WebSocket-Protocol: chat, v2\r\n"), std::string::npos);
  EXPECT_NE(request.bytes.find("Authorization: Bearer t\r\n"), std::string::npos);
  // No plugin, no --offer: nothing offered.
  EXPECT_EQ(request.bytes.find("Sec-WebSocket-Extensions"), std::string::npos);
  EXPECT_TRUE(request.extension_offers.empty());
}

TEST(ClientRequest, HandWrittenOffersAreSentAndRecordedAsOffered) {
  auto options = options_for("ws://127.0.0.1:9001/");
  options.offers = {"permessage-deflate; client_max_window_bits", "x-other"};
  const auto request = wsx::client::make_request(options, {});
  EXPECT_NE(request.bytes.find("Sec-WebSocket-Extensions: permessage-deflate; "
                               "client_max_window_bits, x-other\r\n"),
            std::string::npos);
  ASSERT_EQ(request.extension_offers.size(), 2u);
  EXPECT_EQ(request.extension_offers[0].token, "permessage-deflate");
  EXPECT_EQ(request.extension_offers[1].token, "x-other");
}

TEST(ClientRequest, AMalformedOfferIsAUsageError) {
  auto options = options_for("ws://127.0.0.1:9001/");
  options.offers = {"permessage-deflate; =1"};
  EXPECT_THROW((void)wsx::client::make_request(options, {}), wsx::client::UsageError);
}

TEST(ClientRequest, TheDefaultPortIsLeftOutOfHost) {
  const auto request = wsx::client::make_request(options_for("wss://example.com/"), {});
  EXPECT_NE(request.bytes.find("Host: example.com\r\n"), std::string::npos);
}

}  // namespace
