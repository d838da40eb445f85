// The proxy's upstream request (headers, target, subprotocol offer) and the
// client's status when the upstream does not upgrade.
#include <gtest/gtest.h>

#include "app/proxy_upstream_request.hpp"

namespace wsx::app {
namespace {

config::Proxy proxy_to(std::string target) {
  config::Proxy proxy;
  proxy.present = true;
  proxy.upstream = {false, "127.0.0.1", 8080, std::move(target)};
  return proxy;
}

std::vector<std::string> values(const core::ClientHandshakeOptions& options,
                                std::string_view name) {
  std::vector<std::string> out;
  for (const auto& field : options.extra_headers)
    if (field.name == name) out.push_back(field.value);
  return out;
}

core::HandshakeRequest browser_request() {
  core::HandshakeRequest request;
  request.target = "/chat?room=1";
  request.host = "example.test:9001";
  request.origin = "https://example.test";
  request.subprotocols = {"chat.v2", "chat"};
  request.headers = {{"Host", "example.test:9001"},
                     {"cookie", "a=1"},
                     {"Cookie", "b=2"},
                     {"X-Secret", "not forwarded"},
                     {"User-Agent", "test/1"}};
  return request;
}

TEST(ProxyUpstreamRequestTest, CarriesOriginOfferForwardedHeadersAndThisHop) {
  const auto options = upstream_handshake_options(
      proxy_to("/"), browser_request(), boost::asio::ip::make_address("127.0.0.2"), false);
  EXPECT_EQ(options.host, "127.0.0.1:8080");
  EXPECT_EQ(options.target, "/chat?room=1");
  EXPECT_EQ(options.origin, "https://example.test");
  EXPECT_EQ(options.subprotocols, (std::vector<std::string>{"chat.v2", "chat"}));
  EXPECT_EQ(values(options, "Cookie"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(values(options, "User-Agent"), (std::vector<std::string>{"test/1"}));
  EXPECT_TRUE(values(options, "X-Secret").empty());
  EXPECT_TRUE(values(options, "Authorization").empty());
  EXPECT_EQ(values(options, "X-Forwarded-For"), (std::vector<std::string>{"127.0.0.2"}));
  EXPECT_EQ(values(options, "X-Forwarded-Proto"), (std::vector<std::string>{"http"}));
  EXPECT_EQ(values(options, "Forwarded"),
            (std::vector<std::string>{"for=127.0.0.2;proto=http;host=\"example.test:9001\""}));
}

TEST(ProxyUpstreamRequestTest, ExtendsEarlierHopsAndBracketsIpv6) {
  core::HandshakeRequest request = browser_request();
  request.headers.push_back({"X-Forwarded-For", "192.0.2.1"});
  request.headers.push_back({"Forwarded", "for=192.0.2.1"});
  const auto options = upstream_handshake_options(proxy_to("/"), request,
                                                  boost::asio::ip::make_address("::1"), true);
  EXPECT_EQ(values(options, "X-Forwarded-For"), (std::vector<std::string>{"192.0.2.1, ::1"}));
  EXPECT_EQ(values(options, "X-Forwarded-Proto"), (std::vector<std::string>{"https"}));
  EXPECT_EQ(values(options, "Forwarded"),
            (std::vector<std::string>{
                "for=192.0.2.1, for=\"[::1]\";proto=https;host=\"example.test:9001\""}));
}

TEST(ProxyUpstreamRequestTest, UpstreamPathPrefixesTheClientTarget) {
  const auto client = browser_request();
  const auto v4 = boost::asio::ip::make_address("127.0.0.2");
  EXPECT_EQ(upstream_handshake_options(proxy_to("/api/"), client, v4, false).target,
            "/api/chat?room=1");
  EXPECT_EQ(upstream_handshake_options(proxy_to("/api"), client, v4, false).target,
            "/api/chat?room=1");
  EXPECT_EQ(upstream_handshake_options(proxy_to("/fixed?x=1"), client, v4, false).target,
            "/fixed?x=1");
}

TEST(ProxyUpstreamRequestTest, ClientStatusForEachUpstreamFailure) {
  EXPECT_EQ(client_status_for(UpstreamFailure::refused, 0), 502u);
  EXPECT_EQ(client_status_for(UpstreamFailure::timed_out, 0), 504u);
  EXPECT_EQ(client_status_for(UpstreamFailure::rejected, 403), 502u);
  EXPECT_EQ(client_status_for(UpstreamFailure::rejected, 500), 502u);
  EXPECT_EQ(client_status_for(UpstreamFailure::rejected, 503), 503u);
  EXPECT_EQ(client_status_for(UpstreamFailure::invalid_response, 101), 502u);
}

}  // namespace
}  // namespace wsx::app
