#include "server_fixture.hpp"

#include <algorithm>

namespace wsx::test {

void EventLog::add(std::string line) {
  {
    const std::lock_guard lock(mutex_);
    lines_.push_back(std::move(line));
  }
  changed_.notify_all();
}

std::vector<std::string> EventLog::snapshot() const {
  const std::lock_guard lock(mutex_);
  return lines_;
}

bool EventLog::contains(std::string_view fragment) const {
  return count(fragment) > 0;
}

std::size_t EventLog::count(std::string_view fragment) const {
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      lines_.begin(), lines_.end(),
      [&](const std::string& line) { return line.find(fragment) != std::string::npos; }));
}

bool EventLog::wait_for(std::string_view fragment, std::chrono::milliseconds timeout) const {
  return wait_for_count(fragment, 1, timeout);
}

bool EventLog::wait_for_count(std::string_view fragment, std::size_t n,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return static_cast<std::size_t>(
               std::count_if(lines_.begin(), lines_.end(), [&](const std::string& line) {
                 return line.find(fragment) != std::string::npos;
               })) >= n;
  });
}

ServerOptions test_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.limits.handshake_timeout = 2s;
  options.limits.close_timeout = 1s;
  options.limits.idle_timeout = 0ms;
  return options;
}

RunningServer::RunningServer(ServerOptions options, core::FactoryList factories,
                             MakeHandlers make_handlers, LogLevel level,
                             const std::function<void(Server&)>& before_run)
    : logger_(level,
              [this](LogLevel, std::string_view message) { log_.add(std::string(message)); }) {
  server_ = std::make_unique<Server>(std::move(options), std::move(factories), logger_);
  if (make_handlers) server_->set_handlers(make_handlers(*server_));
  endpoint_ = server_->start();
  if (before_run) before_run(*server_);
  std::packaged_task<void()> task([this] { server_->run(); });
  finished_ = task.get_future();
  runner_ = std::thread(std::move(task));
}

RunningServer::~RunningServer() {
  if (!stopped_) stop_and_wait();
  if (runner_.joinable()) runner_.join();
}

bool RunningServer::wait_until_stopped(std::chrono::milliseconds timeout) {
  if (finished_.wait_for(timeout) != std::future_status::ready) return false;
  stopped_ = true;
  return true;
}

bool RunningServer::stop_and_wait(std::chrono::milliseconds timeout) {
  server_->stop();
  if (wait_until_stopped(timeout)) return true;
  // A second stop drops what is left, so the test thread can still join.
  server_->stop();
  finished_.wait_for(10s);
  stopped_ = true;
  return false;
}

}  // namespace wsx::test
