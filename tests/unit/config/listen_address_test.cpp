#include <gtest/gtest.h>

#include "config/listen_address.hpp"

namespace wsx::config {
namespace {

void expect_address(std::string_view text, std::string_view host, std::uint16_t port) {
  const auto parsed = parse_listen_address(text);
  ASSERT_TRUE(parsed.has_value()) << text;
  EXPECT_EQ(parsed->host, host) << text;
  EXPECT_EQ(parsed->port, port) << text;
}

TEST(ListenAddressTest, AcceptsHostPortAndBracketedIpv6) {
  expect_address("127.0.0.1:9001", "127.0.0.1", 9001);
  expect_address("localhost:0", "localhost", 0);
  expect_address("[::1]:9001", "::1", 9001);
  expect_address("[fe80::1%eth0]:65535", "fe80::1%eth0", 65535);
  expect_address("0.0.0.0:80", "0.0.0.0", 80);
}

TEST(ListenAddressTest, RejectsMalformedAddresses) {
  for (const char* bad :
       {"", "127.0.0.1", "127.0.0.1:", ":9001", "::1:9001", "[::1]9001", "[::1]:", "[127.0.0.1]:80",
        "[::1:80", "host:65536", "host:-1", "host:9x", "host:123456", "a b:80"}) {
    EXPECT_FALSE(parse_listen_address(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace wsx::config
