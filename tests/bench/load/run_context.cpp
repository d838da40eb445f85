#include "run_context.hpp"

#include <cstdio>
#include <iostream>

#include "socket_driver.hpp"

namespace wsx::bench {

namespace {
constexpr auto kTickInterval = std::chrono::milliseconds(20);
}  // namespace

RunContext::RunContext(boost::asio::io_context& io, Clock::duration timeout)
    : io_(io),
      logger_(LogLevel::error,
              [](LogLevel, std::string_view message) {
                std::cerr << "wsx-bench: error: " << message << "\n";
              }),
      poller_(io, *this, logger_),
      timeout_(timeout),
      read_buffer_(std::make_unique<std::uint8_t[]>(kReadBufferSize)),
      now_(Clock::now()),
      ticker_(io) {}

std::uint32_t RunContext::enrol(SocketDriver& driver) {
  drivers_.push_back(&driver);
  return static_cast<std::uint32_t>(drivers_.size() - 1);
}

bool RunContext::watch(int fd, std::uint32_t id, std::uint32_t generation) noexcept {
  if (!poller_.add(fd, (std::uint64_t{generation} << 32) | id)) return false;
  if (watched_++ == 0) poller_.start();
  return true;
}

void RunContext::unwatch(int fd) noexcept {
  poller_.remove(fd);
  if (--watched_ == 0) poller_.stop();
}

void RunContext::on_ready(net::ReadinessPoller::Token token, std::uint32_t events) {
  const auto id = static_cast<std::uint32_t>(token);
  if (id < drivers_.size() && drivers_[id] != nullptr)
    drivers_[id]->on_socket_events(static_cast<std::uint32_t>(token >> 32), events);
}

void RunContext::start_ticks(std::function<void(Clock::time_point)> tick) {
  tick_ = std::move(tick);
  ticking_ = true;
  arm_tick();
}

void RunContext::stop_ticks() {
  ticking_ = false;
  ticker_.cancel();
}

void RunContext::arm_tick() {
  ticker_.expires_after(kTickInterval);
  ticker_.async_wait([this](const boost::system::error_code& error) {
    if (error || !ticking_) return;
    tick_(refresh_now());
    if (ticking_) arm_tick();
  });
}

void RunContext::fail(const std::string& message) {
  ++errors_;
  if (errors_ > 1) return;
  std::fprintf(stderr, "wsx-bench: error: %s\n", message.c_str());
  std::fflush(stderr);
  if (failure_hook_) failure_hook_();
}

}  // namespace wsx::bench
