// The host's timers as a client sees them: a handshake that never completes
// is dropped after handshake_timeout, and an idle WebSocket is closed after
// idle_timeout (config/wsx.toml), while busy connections are left alone.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

class TimeoutTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.handshake_timeout = "300ms";
    config.idle_timeout = "1s";
    return config;
  }
};

TEST_F(TimeoutTest, IncompleteHandshakeIsDroppedAfterTheTimeout) {
  WsClient good = open();
  // Half a request head, never finished (a slowloris client).
  const auto start = Clock::now();
  WsClient slow = WsClient::handshake(port(), "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\n", 3s);
  EXPECT_EQ(slow.response().status, 0) << slow.response().head;
  EXPECT_TRUE(slow.wait_for_eof(3s));
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 250ms);
  EXPECT_LT(waited, 3s);
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(TimeoutTest, IdleConnectionIsClosedNormally) {
  WsClient idle = open();
  WsClient busy = open();
  const auto start = Clock::now();
  // The busy client talks every 200 ms; the idle one says nothing.
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(echoes_text(busy, "tick " + std::to_string(i)));
    std::this_thread::sleep_for(200ms);
  }
  const auto close = idle.read_close(3s);
  ASSERT_TRUE(close) << idle.history();
  EXPECT_EQ(close_code(*close), 1000);
  EXPECT_GE(Clock::now() - start, 900ms);
  // The client completes the closing handshake; the server closes TCP.
  ASSERT_TRUE(idle.send({.opcode = opcode::close, .payload = close_payload(1000)}));
  EXPECT_TRUE(idle.wait_for_eof());
  EXPECT_TRUE(echoes_text(busy, "busy survives"));
}

}  // namespace
}  // namespace wsx::integration
