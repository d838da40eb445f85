// A compression bomb (RFC 7692) split into 64 fragments: each fragment's
// share of the limit shrinks to nothing as the message grows, and the Close
// must still name the message limit (max_message_size), not the 0 bytes of
// room the last fragment had (issue 14).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "support/deflate_codec.hpp"
#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

class FragmentedBombTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "1 MiB";
    config.plugins.push_back({WSX_PERMESSAGE_DEFLATE_PLUGIN, {}});
    return config;
  }
};

TEST_F(FragmentedBombTest, ABombIn64FragmentsIsClosedWith1009NamingTheMessageLimit) {
  WsClient good = open();
  WsClient bad = open("permessage-deflate");
  ASSERT_NE(bad.response().header("Sec-WebSocket-Extensions"), std::nullopt);
  // 16 MiB inflated, about 16 KiB on the wire: 64 fragments inflating to
  // about 256 KiB each, so the limit is crossed by the fifth, which has
  // less than the whole limit left (none at all when the first four fill
  // it exactly).
  const Bytes bomb = compression_bomb(16);
  const std::size_t fragment = bomb.size() / 64 + 1;
  Bytes wire;
  for (std::size_t offset = 0; offset < bomb.size(); offset += fragment) {
    const std::size_t end = std::min(bomb.size(), offset + fragment);
    const Bytes frame = encode_frame({.opcode = offset == 0 ? opcode::binary : opcode::continuation,
                                      .payload = Bytes(bomb.begin() + offset, bomb.begin() + end),
                                      .fin = end == bomb.size(),
                                      .rsv = offset == 0 ? kRsv1 : std::uint8_t{0}});
    wire.insert(wire.end(), frame.begin(), frame.end());
  }
  ASSERT_TRUE(bad.send_raw(wire));
  const auto close = bad.read_close();
  ASSERT_TRUE(close) << bad.history();
  EXPECT_EQ(close_code(*close), 1009);
  const std::string reason(close->payload.begin() + 2, close->payload.end());
  EXPECT_EQ(reason, "decompressed message exceeds the limit of 1048576 bytes");
  EXPECT_TRUE(bad.wait_for_eof());
  EXPECT_TRUE(echoes_text(good, "still here"));
}

}  // namespace
}  // namespace wsx::integration
