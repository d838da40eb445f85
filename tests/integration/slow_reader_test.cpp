// Slow readers (README, server.limits.max_send_queue): a client that sends
// and never reads makes the host stop reading from it once half of
// max_send_queue waits for it (back-pressure); when it has then taken
// nothing for close_timeout, the host sends Close 1008 (policy violation,
// RFC 6455 section 7.4.1) ahead of the backlog, which it drops, and drops
// TCP close_timeout later. idle_timeout is off here: nothing else closes it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

// Long enough that a loaded CI machine reads the Close before the host drops
// TCP (a reset would destroy it), short enough for a fast test.
constexpr auto kCloseTimeout = 2s;
// A write that cannot finish in this long: the host stopped reading.
constexpr auto kStall = 200ms;

class SlowReaderTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_send_queue = "256 KiB";
    config.idle_timeout = "0s";
    config.close_timeout = "2s";
    return config;
  }
};

TEST_F(SlowReaderTest, AClientThatSendsAndNeverReadsGetsClose1008WithinCloseTimeout) {
  WsClient other = open();
  WsClient slow = open();
  constexpr std::size_t kSize = 16 * 1024;
  const Bytes frame = encode_frame({.opcode = opcode::binary, .payload = Bytes(kSize, 0x5a)});
  const auto start = Clock::now();
  // Echo requests until the host stops reading (bounded: 64 MiB, far past
  // what the kernel's buffers and a 256 KiB queue hold).
  int sent = 0;
  bool stalled = false;
  while (sent < 4096 && !stalled) {
    stalled = !slow.send_raw(frame, kStall);
    if (!stalled) ++sent;
  }
  ASSERT_TRUE(stalled) << "the host read 64 MiB from a client that reads nothing";
  // The queue crossed half of max_send_queue before the host stopped
  // reading, so before now: the Close is due within close_timeout of this
  // (plus the timer wheel's two ticks of an eighth of the shortest timeout).
  const auto stalled_at = Clock::now();
  ASSERT_TRUE(wait_for_log(host(), "slow peer peer=127.0.0.1:", kCloseTimeout + 5s));
  const auto closed_at = Clock::now();
  EXPECT_GE(closed_at - start, kCloseTimeout) << "closed before close_timeout passed";
  EXPECT_LE(closed_at - stalled_at, kCloseTimeout + 1s) << "closed late";
  std::cout << "[ metric ] slow reader: " << sent << " x 16 KiB sent, stalled after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(stalled_at - start).count()
            << " ms, Close 1008 after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(closed_at - start).count()
            << " ms\n";
  // Everyone else is served all along.
  EXPECT_TRUE(echoes_text(other, "not stalled"));

  // Now read: the echoes the kernel's buffers hold, each frame whole (the
  // one being written when the host gave up was finished), then the Close.
  // The queue behind them was dropped: fewer echoes than requests.
  int echoes = 0;
  std::optional<InFrame> close;
  while (!close && echoes <= sent) {
    InFrame in;
    const ReadOutcome outcome = slow.read_frame(in, 3s);
    ASSERT_EQ(outcome, ReadOutcome::frame)
        << to_string(outcome) << " after " << echoes << " echoes: " << slow.history();
    if (in.opcode == opcode::close) {
      close = in;
      break;
    }
    ASSERT_EQ(in.opcode, opcode::binary);
    ASSERT_EQ(in.payload.size(), kSize);
    ++echoes;
  }
  ASSERT_TRUE(close) << "no Close after " << echoes << " echoes";
  EXPECT_EQ(close_code(*close), 1008);
  EXPECT_LT(echoes, sent) << "nothing of the backlog was dropped";
  // No answer from us: TCP goes close_timeout after the Close.
  EXPECT_TRUE(slow.wait_for_eof(kCloseTimeout + 3s));
  EXPECT_TRUE(wait_for_log(host(), "code=1008 reason=\"send queue full\""));
  EXPECT_TRUE(echoes_text(other, "still served"));
}

}  // namespace
}  // namespace wsx::integration
