// [server.proxy]: the upstream URL and every key, with their defaults.
// (Errors are in config_errors_test.cpp.)
#include <gtest/gtest.h>

#include <filesystem>
#include <variant>

#include "config/config_loader.hpp"
#include "config/upstream_url.hpp"

namespace wsx::config {
namespace {

using namespace std::chrono_literals;

UpstreamUrl url_of(std::string_view text) {
  auto parsed = parse_upstream_url(text);
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << text << ": " << *problem;
    return {};
  }
  return std::get<UpstreamUrl>(parsed);
}

std::string problem_of(std::string_view text) {
  auto parsed = parse_upstream_url(text);
  if (const auto* problem = std::get_if<std::string>(&parsed)) return *problem;
  ADD_FAILURE() << text << " parsed";
  return {};
}

TEST(UpstreamUrlTest, SplitsHostPortAndTarget) {
  EXPECT_EQ(url_of("ws://127.0.0.1:8080/chat?room=1"),
            (UpstreamUrl{false, "127.0.0.1", 8080, "/chat?room=1"}));
  EXPECT_EQ(url_of("WS://localhost"), (UpstreamUrl{false, "localhost", 80, "/"}));
  EXPECT_EQ(url_of("ws://[::1]:9/"), (UpstreamUrl{false, "::1", 9, "/"}));
  EXPECT_EQ(url_of("ws://h?x=1"), (UpstreamUrl{false, "h", 80, "/?x=1"}));
  EXPECT_EQ(url_of("wss://h/p"), (UpstreamUrl{true, "h", 443, "/p"}));
}

TEST(UpstreamUrlTest, HostHeaderCarriesThePortOnlyWhenNotTheDefault) {
  EXPECT_EQ(url_of("ws://h/").host_header(), "h");
  EXPECT_EQ(url_of("ws://h:8080/").host_header(), "h:8080");
  EXPECT_EQ(url_of("ws://[::1]:8080/").host_header(), "[::1]:8080");
  EXPECT_EQ(url_of("wss://h:443/").host_header(), "h");
}

TEST(UpstreamUrlTest, RefusesWhatCannotBeARequest) {
  EXPECT_NE(problem_of("").find("must not be empty"), std::string::npos);
  EXPECT_NE(problem_of("ws://h/a b").find("spaces"), std::string::npos);
  EXPECT_NE(problem_of("ws://h/#top").find("fragment"), std::string::npos);
  EXPECT_NE(problem_of("ws://u:p@h/").find("user information"), std::string::npos);
  EXPECT_NE(problem_of("ws://::1:80/").find("without brackets"), std::string::npos);
  EXPECT_NE(problem_of("ws://[::1/").find("unclosed"), std::string::npos);
  EXPECT_NE(problem_of("ws://[127.0.0.1]/").find("brackets an IPv4"), std::string::npos);
  EXPECT_NE(problem_of("ws://:80/").find("no host"), std::string::npos);
  EXPECT_NE(problem_of("ws://h:/").find("no port"), std::string::npos);
  EXPECT_NE(problem_of("ws://h:65536/").find("1 to 65535"), std::string::npos);
  EXPECT_NE(problem_of("ws://h:8x/").find("1 to 65535"), std::string::npos);
  EXPECT_NE(problem_of("ftp://h/").find("not ws or wss"), std::string::npos);
}

TEST(ProxyConfigTest, ThreeLinesPutWsxInFrontOfABackend) {
  const Config config = parse_config(R"(
[server]
app = "proxy"
[server.proxy]
upstream = "ws://127.0.0.1:8080/app"
)",
                                     "wsx.toml");
  const Proxy& proxy = config.server.proxy;
  EXPECT_EQ(config.server.app, App::proxy);
  EXPECT_TRUE(proxy.present);
  EXPECT_EQ(proxy.upstream, (UpstreamUrl{false, "127.0.0.1", 8080, "/app"}));
  EXPECT_EQ(proxy.connect_timeout, 5s);
  EXPECT_EQ(proxy.handshake_timeout, 5s);
  EXPECT_EQ(proxy.forward_headers,
            (std::vector<std::string>{"Cookie", "Authorization", "User-Agent"}));
  EXPECT_TRUE(proxy.extensions.empty());
}

TEST(ProxyConfigTest, ReadsEveryKey) {
  const Config config = parse_config(R"(
[server.proxy]
upstream = "ws://backend.test:9000/"
connect_timeout = "250ms"
handshake_timeout = 2
forward_headers = ["Cookie", "X-Request-Id"]
extensions = ["permessage-deflate"]
)",
                                     "wsx.toml");
  const Proxy& proxy = config.server.proxy;
  EXPECT_EQ(config.server.app, App::echo);  // the table alone does not change the app
  EXPECT_EQ(proxy.upstream.host, "backend.test");
  EXPECT_EQ(proxy.connect_timeout, 250ms);
  EXPECT_EQ(proxy.handshake_timeout, 2s);
  EXPECT_EQ(proxy.forward_headers, (std::vector<std::string>{"Cookie", "X-Request-Id"}));
  EXPECT_EQ(proxy.extensions, (std::vector<std::string>{"permessage-deflate"}));
}

TEST(ProxyConfigTest, EmptyListsMeanNothingForwardedAndNoExtensions) {
  const Config config = parse_config(R"(
[server.proxy]
upstream = "ws://127.0.0.1:1/"
forward_headers = []
extensions = []
)",
                                     "wsx.toml");
  EXPECT_TRUE(config.server.proxy.forward_headers.empty());
  EXPECT_TRUE(config.server.proxy.extensions.empty());
}

TEST(ProxyConfigTest, WssUpstreamTlsPathsResolveAgainstTheConfigFolder) {
  const Config config = parse_config(R"(
[server.proxy]
upstream = "wss://backend.test/app"
ca = "pki/ca.pem"
certificate = "/abs/client.pem"
private_key = "../client.key"
)",
                                     "/etc/wsx/wsx.toml");
  const Proxy& proxy = config.server.proxy;
  EXPECT_EQ(proxy.upstream, (UpstreamUrl{true, "backend.test", 443, "/app"}));
  EXPECT_EQ(proxy.ca, std::filesystem::path("/etc/wsx/pki/ca.pem"));
  EXPECT_EQ(proxy.certificate, std::filesystem::path("/abs/client.pem"));
  EXPECT_EQ(proxy.private_key, std::filesystem::path("/etc/client.key"));
  EXPECT_EQ(proxy.ca_where.to_string(), "/etc/wsx/wsx.toml:4:6");
}

TEST(ProxyConfigTest, WssUpstreamWithoutCaUsesTheSystemCas) {
  const Config config =
      parse_config("[server.proxy]\nupstream = \"wss://backend.test/\"\n", "wsx.toml");
  EXPECT_TRUE(config.server.proxy.upstream.secure);
  EXPECT_TRUE(config.server.proxy.ca.empty());
  EXPECT_TRUE(config.server.proxy.certificate.empty());
}

}  // namespace
}  // namespace wsx::config
