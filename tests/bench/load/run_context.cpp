#include "run_context.hpp"

#include <cstdio>

namespace wsx::bench {

namespace {
constexpr auto kTickInterval = std::chrono::milliseconds(20);
}  // namespace

RunContext::RunContext(boost::asio::io_context& io, Clock::duration timeout)
    : io_(io),
      timeout_(timeout),
      read_buffer_(std::make_unique<std::uint8_t[]>(kReadBufferSize)),
      now_(Clock::now()),
      ticker_(io) {}

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
