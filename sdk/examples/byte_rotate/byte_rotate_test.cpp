// The example plugin's own unit tests, written against the SDK's test host
// (wsx/testing/host.hpp) as a third party would: load the built .so,
// negotiate from header text, run frames through the C ABI.
#include <gtest/gtest.h>

#include <wsx/testing/host.hpp>

namespace wt = wsx::sdk::testing;

namespace {

TEST(ByteRotate, NegotiatesWithoutParameters) {
  const wt::Plugin plugin = wt::Plugin::load(BYTE_ROTATE_PATH);
  const auto accepted = plugin.negotiate_server("x-byte-rotate");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].response_header(), "x-byte-rotate");
  // An offer with a parameter it does not know is declined, not failed.
  EXPECT_TRUE(plugin.negotiate_server("x-byte-rotate; bogus=1").empty());
}

TEST(ByteRotate, RoundTripsBetweenItsOwnClientAndServer) {
  const wt::Plugin plugin = wt::Plugin::load(BYTE_ROTATE_PATH, {{"shift", 7}});
  const wt::Extension server = plugin.negotiate_server(plugin.client_offer("x-byte-rotate")).at(0);
  const wt::Extension client = plugin.accept_response(server.response_header());
  for (const std::size_t size : {0u, 1u, 125u, 65536u}) {
    const std::vector<std::uint8_t> message(size, 'a');
    EXPECT_EQ(wt::round_trip(client, server, message, WSX_OPCODE_BINARY, 1000), message) << size;
  }
}

TEST(ByteRotate, MarksItsFramesWithRsv2) {
  const wt::Plugin plugin = wt::Plugin::load(BYTE_ROTATE_PATH, {{"shift", 1}});
  const wt::Extension server = plugin.negotiate_server("x-byte-rotate").at(0);
  const wt::FrameResult encoded = server.encode({WSX_OPCODE_TEXT, true, 0, wt::bytes("ab")});
  ASSERT_TRUE(encoded.ok()) << encoded.message;
  EXPECT_EQ(encoded.frame.rsv, WSX_RSV2);
  EXPECT_EQ(encoded.frame.payload, wt::bytes("bc"));
}

TEST(ByteRotate, RefusesAShiftOutOfRange) {
  EXPECT_THROW((void)wt::Plugin::load(BYTE_ROTATE_PATH, {{"shift", 0}}), std::runtime_error);
}

}  // namespace
