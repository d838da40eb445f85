// server.limits.max_buffered_input: the bytes of incomplete messages held
// across every connection are bounded. Clients that each hold the first
// fragment of a message fill the bound; the next one whose read would take
// the total past it gets Close 1013 (try again later), while the ones
// already holding theirs go on and finish their messages.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

// 1 MiB bound; five 200 KiB first fragments fit (1000 KiB), a sixth does not.
constexpr std::size_t kBound = 1u << 20;
constexpr std::size_t kFragment = 200 * 1024;
constexpr int kFit = static_cast<int>(kBound / kFragment);
static_assert(kFit == 5);

class BufferedInputTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_buffered_input = "1 MiB";
    return config;
  }
};

// Sends the first fragment of a binary message, then a Ping: its Pong says
// the host has read (and holds) the whole fragment. Returns the server's
// answer: a Pong, or its Close.
std::optional<InFrame> hold_first_fragment(WsClient& client, std::uint8_t fill) {
  if (!client.send({.opcode = opcode::binary, .payload = Bytes(kFragment, fill), .fin = false}))
    return std::nullopt;
  if (!client.send({.opcode = opcode::ping, .payload = to_bytes("held")})) return std::nullopt;
  InFrame answer;
  if (client.read_frame(answer) != ReadOutcome::frame) return std::nullopt;
  return answer;
}

TEST_F(BufferedInputTest, PartialMessagesPastTheBoundAreClosedWith1013AndTheOthersGoOn) {
  std::vector<WsClient> holders;
  for (int i = 0; i < kFit; ++i) {
    holders.push_back(open());
    const auto answer = hold_first_fragment(holders.back(), static_cast<std::uint8_t>(i));
    ASSERT_TRUE(answer) << "holder " << i << ": " << holders.back().history();
    ASSERT_EQ(answer->opcode, opcode::pong) << "holder " << i << ": " << holders.back().history();
  }
  // The bound is full: every further partial message is refused, each
  // closing only its own connection.
  for (int i = 0; i < 3; ++i) {
    WsClient refused = open();
    const auto answer = hold_first_fragment(refused, 0xee);
    ASSERT_TRUE(answer) << refused.history();
    ASSERT_EQ(answer->opcode, opcode::close) << refused.history();
    EXPECT_EQ(close_code(*answer), 1013);
    EXPECT_TRUE(refused.wait_for_eof());
  }
  EXPECT_TRUE(wait_for_log(host(), "buffered input limit peer=127.0.0.1:"));
  EXPECT_TRUE(wait_for_log(host(), "closing with 1013 (3 so far)"));
  // A complete small message needs no buffering: served meanwhile.
  WsClient small = open();
  EXPECT_TRUE(echoes_text(small, "whole messages still pass"));
  // The holders finish their messages: each comes back whole.
  for (int i = 0; i < kFit; ++i) {
    WsClient& holder = holders[static_cast<std::size_t>(i)];
    ASSERT_TRUE(holder.send({.opcode = opcode::continuation, .payload = to_bytes("end")}));
    const auto echo = holder.read_message();
    ASSERT_TRUE(echo) << "holder " << i << ": " << holder.history();
    ASSERT_EQ(echo->payload.size(), kFragment + 3);
    EXPECT_EQ(echo->payload.front(), static_cast<std::uint8_t>(i));
  }
  // Their bytes were given back: a new partial message fits again.
  WsClient later = open();
  const auto answer = hold_first_fragment(later, 0x11);
  ASSERT_TRUE(answer) << later.history();
  EXPECT_EQ(answer->opcode, opcode::pong) << later.history();
}

}  // namespace
}  // namespace wsx::integration
