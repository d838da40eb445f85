// Accepting on every I/O thread (net/acceptor.hpp): a thread that is busy
// does not hold up handshakes while another thread is free, and the
// shutdown line counts the connections of every thread.
//
// "Busy" is made deterministic: a task posted to the thread blocks it until
// the test lets it go, so no new connection can be served there meanwhile,
// however fast or slow the machine is.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "recording_handlers.hpp"
#include "server_fixture.hpp"
#include "test_client.hpp"

namespace wsx::test {
namespace {

RunningServer::MakeHandlers echo_into(EventLog& events) {
  return [&events](Server& server) { return recording_echo(server, events); };
}

// Keeps I/O thread `thread` of `server` busy from construction (once the
// blocking task runs there) to destruction.
class BusyThread {
 public:
  BusyThread(Server& server, std::uint32_t thread) {
    // Shared: Server::post takes a copyable std::function.
    auto started = std::make_shared<std::promise<void>>();
    std::future<void> running = started->get_future();
    server.post(thread, [started, released = released_] {
      started->set_value();
      // Bounded, so a test that fails before releasing cannot hang.
      released.wait_for(std::chrono::seconds(30));
    });
    blocking_ = running.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  }
  ~BusyThread() { release(); }
  BusyThread(const BusyThread&) = delete;
  BusyThread& operator=(const BusyThread&) = delete;

  [[nodiscard]] bool blocking() const noexcept { return blocking_; }
  void release() {
    if (!released_flag_) release_.set_value();
    released_flag_ = true;
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  bool released_flag_ = false;
  bool blocking_ = false;
};

ClientOptions prompt_client() {
  ClientOptions options;
  // Far longer than a loopback handshake takes; a connection given to the
  // blocked thread would wait 30 s.
  options.timeout = 3s;
  return options;
}

class ServerAccept : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(ServerAccept, ABusyIoThreadDoesNotStarveHandshakesWhileAnotherIsFree) {
  const std::uint32_t busy = GetParam();
  const std::uint32_t free = 1 - busy;
  EventLog events;
  ServerOptions options = test_options();
  options.io_threads = 2;
  RunningServer running(options, {}, echo_into(events));
  BusyThread blocker(running.server(), busy);
  ASSERT_TRUE(blocker.blocking());
  // Every new connection is accepted and served by the free thread: with
  // one accepting thread (or round robin) some would wait for the busy one.
  constexpr int kClients = 8;
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    ASSERT_NO_THROW(clients.push_back(TestClient::connect(running.endpoint(), prompt_client())))
        << "handshake " << i << " did not complete while thread " << busy << " was busy";
    clients.back()->send_text("hello " + std::to_string(i));
    auto echo = clients.back()->next_message();
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->text(), "hello " + std::to_string(i));
  }
  EXPECT_EQ(events.count("open thread=" + std::to_string(free) + " "),
            static_cast<std::size_t>(kClients));
  // Once free again, the busy thread serves what it has and accepts again.
  blocker.release();
  for (auto& client : clients) {
    client->send_text("after");
    auto echo = client->next_message();
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->text(), "after");
  }
  {
    BusyThread other(running.server(), free);
    ASSERT_TRUE(other.blocking());
    auto late = TestClient::connect(running.endpoint(), prompt_client());
    ASSERT_TRUE(events.wait_for("open thread=" + std::to_string(busy) + " "));
  }
}

INSTANTIATE_TEST_SUITE_P(EitherThread, ServerAccept, ::testing::Values(0u, 1u),
                         [](const auto& info) { return "busy" + std::to_string(info.param); });

// Issue 14: the line used to be written on thread 0 after thread 1 had
// begun closing its own connections, so it counted only some of them.
TEST(ServerShutdown, TheShutdownLineCountsTheConnectionsOfEveryThread) {
  EventLog events;
  ServerOptions options = test_options();
  options.io_threads = 2;
  RunningServer running(options, {}, echo_into(events));
  std::vector<std::unique_ptr<TestClient>> clients;
  // Three on each thread: the other one is kept busy while they connect.
  for (std::uint32_t busy : {0u, 1u}) {
    BusyThread blocker(running.server(), busy);
    ASSERT_TRUE(blocker.blocking());
    for (int i = 0; i < 3; ++i)
      clients.push_back(TestClient::connect(running.endpoint(), prompt_client()));
  }
  ASSERT_TRUE(events.wait_for_count("open thread=0 ", 3));
  ASSERT_TRUE(events.wait_for_count("open thread=1 ", 3));
  running.server().stop();
  for (auto& client : clients) EXPECT_TRUE(client->wait_for_eof(3s));
  EXPECT_TRUE(running.wait_until_stopped(5s));
  EXPECT_TRUE(running.log().contains("shutting down: closing 6 connection(s)"));
}

}  // namespace
}  // namespace wsx::test
