// Runs a wsx::Server in-process on 127.0.0.1:0 for a test, with its log and
// callbacks captured so the test can wait (boundedly) for what happened.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "log/log.hpp"
#include "net/server.hpp"

namespace wsx::test {

using namespace std::chrono_literals;

// Strings appended from any thread; waits bounded by a timeout.
class EventLog {
 public:
  void add(std::string line);
  [[nodiscard]] std::vector<std::string> snapshot() const;
  [[nodiscard]] bool contains(std::string_view fragment) const;
  [[nodiscard]] std::size_t count(std::string_view fragment) const;
  // Waits until some line contains `fragment`.
  bool wait_for(std::string_view fragment, std::chrono::milliseconds timeout = 5s) const;
  // Waits until `count(fragment) >= n`.
  bool wait_for_count(std::string_view fragment, std::size_t n,
                      std::chrono::milliseconds timeout = 5s) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::string> lines_;
};

// Builds a Server, starts it on a free loopback port and runs it on a
// background thread; stops it (bounded) when destroyed.
class RunningServer {
 public:
  using MakeHandlers = std::function<ServerHandlers(Server&)>;

  // `before_run` (optional) is called after start() and before run(), e.g.
  // to enable signal handling.
  RunningServer(ServerOptions options, core::FactoryList factories, MakeHandlers make_handlers,
                LogLevel level = LogLevel::debug,
                const std::function<void(Server&)>& before_run = {});
  ~RunningServer();
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  [[nodiscard]] Server& server() noexcept { return *server_; }
  [[nodiscard]] const boost::asio::ip::tcp::endpoint& endpoint() const noexcept {
    return endpoint_;
  }
  [[nodiscard]] EventLog& log() noexcept { return log_; }

  // stop() and wait for run() to return; true if it did within `timeout`.
  bool stop_and_wait(std::chrono::milliseconds timeout = 10s);
  // Waits for run() to return (after a stop from elsewhere).
  bool wait_until_stopped(std::chrono::milliseconds timeout);

 private:
  EventLog log_;
  Logger logger_;
  std::unique_ptr<Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::future<void> finished_;
  std::thread runner_;
  bool stopped_ = false;
};

// Default options for tests: loopback, free port, short timeouts.
[[nodiscard]] ServerOptions test_options();

}  // namespace wsx::test
