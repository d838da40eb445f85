// ReadinessPoller: edge-triggered readiness of many sockets through one epoll
// descriptor watched by an io_context. Real sockets (AF_UNIX stream pairs),
// a real io_context; every run is bounded by run_for.
#include <gtest/gtest.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

#include "log/log.hpp"
#include "net/readiness_poller.hpp"

namespace wsx::net {
namespace {

using namespace std::chrono_literals;

// A connected pair of stream sockets; `ours` is registered, `theirs` writes.
struct SocketPair {
  SocketPair() {
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
      throw std::runtime_error("socketpair failed");
    ours = fds[0];
    theirs = fds[1];
  }
  ~SocketPair() {
    ::close(ours);
    ::close(theirs);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
  void send_byte() const { ASSERT_EQ(::write(theirs, "x", 1), 1); }
  int ours = -1;
  int theirs = -1;
};

// Records input events per token; stops the poller once `expected` tokens
// have seen input, so that io_context::run_for returns early.
class RecordingSink final : public ReadinessPoller::Sink {
 public:
  void on_ready(ReadinessPoller::Token token, std::uint32_t events) override {
    if ((events & EPOLLIN) == 0) return;
    ++input_events[token];
    if (poller != nullptr && input_events.size() >= expected) poller->stop();
  }
  std::map<ReadinessPoller::Token, int> input_events;
  std::size_t expected = 0;
  ReadinessPoller* poller = nullptr;
};

// One io_context, a recording sink and the poller under test.
struct ReadinessPollerTest : ::testing::Test {
  boost::asio::io_context io{1};
  const Logger logger;
  RecordingSink sink;
  ReadinessPoller poller{io, sink, logger};

  // Runs the loop for `duration` (or until it runs out of work).
  void run_for(std::chrono::milliseconds duration) {
    io.restart();
    io.run_for(duration);
  }
};

TEST_F(ReadinessPollerTest, ReportsEverySocketThatBecameReadableAcrossSeveralBatches) {
  // More sockets than one batch holds (128), so the poller must come back
  // for the rest.
  std::vector<std::unique_ptr<SocketPair>> pairs;
  for (int i = 0; i < 300; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    ASSERT_TRUE(poller.add(pairs.back()->ours, 1000 + i));
  }
  for (const auto& pair : pairs) pair->send_byte();
  sink.expected = pairs.size();
  sink.poller = &poller;
  poller.start();
  run_for(5s);
  ASSERT_EQ(sink.input_events.size(), pairs.size());
  for (int i = 0; i < 300; ++i) EXPECT_EQ(sink.input_events.count(1000 + i), 1u) << i;
}

TEST_F(ReadinessPollerTest, IsEdgeTriggeredAndKeepsWatchingAfterABatch) {
  SocketPair pair;
  ASSERT_TRUE(poller.add(pair.ours, 7));
  poller.start();
  pair.send_byte();
  run_for(200ms);
  ASSERT_EQ(sink.input_events[7], 1);
  // Nothing read, nothing new: no second event (edge, not level).
  run_for(200ms);
  EXPECT_EQ(sink.input_events[7], 1);
  // A new byte is a new edge, and the poller is still watching.
  pair.send_byte();
  run_for(200ms);
  EXPECT_EQ(sink.input_events[7], 2);
}

TEST_F(ReadinessPollerTest, NoEventAfterRemoveAndStopLetsTheLoopRunOutOfWork) {
  SocketPair pair;
  ASSERT_TRUE(poller.add(pair.ours, 9));
  poller.start();
  poller.remove(pair.ours);
  pair.send_byte();
  run_for(200ms);
  EXPECT_EQ(sink.input_events.count(9), 0u);
  // Stopped, the poller holds no work: run() returns at once instead of
  // waiting out run_for.
  poller.stop();
  const auto started = std::chrono::steady_clock::now();
  run_for(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  // And it can start again.
  ASSERT_TRUE(poller.add(pair.ours, 9));  // the byte is there: an event at once
  poller.start();
  run_for(200ms);
  EXPECT_EQ(sink.input_events[9], 1);
}

}  // namespace
}  // namespace wsx::net
