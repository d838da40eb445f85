// The SDK's public test host (wsx/testing/host.hpp) against the shipped
// plugins: what a plugin author's own tests would do with it, on real .so
// files through the C ABI.
#include <gtest/gtest.h>

#include <wsx/testing/host.hpp>

namespace wt = wsx::sdk::testing;

namespace {

TEST(TestingHost, ParsesAndFormatsExtensionHeaders) {
  const auto items = wt::parse_extensions_header(
      "permessage-deflate; client_max_window_bits, x-a;p=\"q v\" , x-b");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].token, "permessage-deflate");
  EXPECT_EQ(items[0].params, (std::vector<wt::HeaderParam>{{"client_max_window_bits", {}}}));
  EXPECT_EQ(items[1].params, (std::vector<wt::HeaderParam>{{"p", "q v"}}));
  EXPECT_EQ(wt::format_header_item(items[0]), "permessage-deflate; client_max_window_bits");
  EXPECT_THROW((void)wt::parse_extensions_header("x-a;"), std::invalid_argument);
  EXPECT_THROW((void)wt::parse_extensions_header("x-a, ,"), std::invalid_argument);
}

TEST(TestingHost, NegotiatesDeflateInOfferOrder) {
  const wt::Plugin plugin = wt::Plugin::load(WSX_DEFLATE_PATH);
  // RFC 7692 section 5: the first acceptable offer wins; the second
  // permessage-deflate offer is an alternative, not a second extension.
  const auto accepted = plugin.negotiate_server(
      "x-unknown, permessage-deflate; server_max_window_bits=12; client_max_window_bits, "
      "permessage-deflate");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].token(), "permessage-deflate");
  EXPECT_NE(accepted[0].response_header().find("server_max_window_bits=12"), std::string::npos)
      << accepted[0].response_header();
}

TEST(TestingHost, DeflateRoundTripsEverySizeBothWays) {
  const wt::Plugin plugin = wt::Plugin::load(WSX_DEFLATE_PATH);
  const wt::Extension server =
      plugin.negotiate_server(plugin.client_offer("permessage-deflate")).at(0);
  const wt::Extension client = plugin.accept_response(server.response_header());
  for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
    std::vector<std::uint8_t> message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::uint8_t>(i * 7 % 61);
    EXPECT_EQ(wt::round_trip(client, server, message), message) << "client->server " << size;
    EXPECT_EQ(wt::round_trip(server, client, message, WSX_OPCODE_TEXT, 16384), message)
        << "server->client fragmented " << size;
  }
}

TEST(TestingHost, ADeflateBombFailsWith1009AtTheLimit) {
  const wt::Plugin plugin = wt::Plugin::load(WSX_DEFLATE_PATH);
  const wt::Extension server =
      plugin.negotiate_server(plugin.client_offer("permessage-deflate")).at(0);
  const wt::Extension client = plugin.accept_response(server.response_header());
  const std::vector<std::uint8_t> zeros(1u << 20, 0);
  const wt::FrameResult bomb = client.encode({WSX_OPCODE_BINARY, true, 0, zeros});
  ASSERT_TRUE(bomb.ok()) << bomb.message;
  ASSERT_LT(bomb.frame.payload.size(), 8192u);  // 1 MiB in a few KiB: a bomb
  const wt::FrameResult decoded = server.decode(bomb.frame, 1000);
  EXPECT_EQ(decoded.status, WSX_FAIL);
  EXPECT_EQ(decoded.close_code, 1009u) << decoded.message;
}

TEST(TestingHost, RefusalsAreExceptionsWithThePluginsMessage) {
  try {
    (void)wt::Plugin::load(WSX_DEFLATE_PATH, {{"compress_level", 42}});
    FAIL() << "an out-of-range level was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("compress_level"), std::string::npos) << error.what();
  }
  EXPECT_THROW((void)wt::Plugin::load("/nonexistent/plugin.so"), std::runtime_error);
  const wt::Plugin plugin = wt::Plugin::load(WSX_DEFLATE_PATH);
  EXPECT_THROW((void)plugin.accept_response("permessage-deflate; bogus"), std::runtime_error);
  EXPECT_THROW((void)plugin.client_offer("x-not-mine"), std::invalid_argument);
}

TEST(TestingHost, LoadsAPlainCPlugin) {
  const wt::Plugin plugin = wt::Plugin::load(WSX_C_PLUGIN_PATH);
  EXPECT_FALSE(plugin.definitions().empty());
  EXPECT_STRNE(plugin.descriptor().name, "");
}

}  // namespace
