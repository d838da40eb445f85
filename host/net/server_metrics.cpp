// wsx::Server's metrics: summing the I/O threads' counters (issue 11).
#include <boost/asio/post.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>

#include "net/server.hpp"
#include "net/server_context.hpp"

namespace wsx {

namespace {

// How many threads have refreshed their gauges; shared with the posted
// handlers, which may run after the reader stopped waiting.
struct GaugeRefresh {
  std::mutex lock;
  std::condition_variable done;
  std::uint32_t answered = 0;
};

}  // namespace

metrics::MetricsSnapshot Server::metrics_snapshot(std::chrono::milliseconds gauge_wait) {
  net::ServerContext& context = *context_;
  const std::uint32_t count = context.thread_count();
  auto refresh = std::make_shared<GaugeRefresh>();
  std::uint32_t asked = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    net::IoThread& thread = context.thread(i);
    if (thread.running_here()) {
      thread.refresh_gauges();  // a reader on an I/O thread must not wait for itself
      continue;
    }
    ++asked;
    // The thread's own mechanism for cross-thread work: its io_context. A
    // thread that is not running yet (or any more) never answers; the wait
    // below is bounded.
    boost::asio::post(thread.io(), [&thread, refresh] {
      thread.refresh_gauges();
      const std::lock_guard guard(refresh->lock);
      ++refresh->answered;
      refresh->done.notify_all();
    });
  }
  if (asked != 0) {
    std::unique_lock guard(refresh->lock);
    refresh->done.wait_for(guard, gauge_wait, [&] { return refresh->answered == asked; });
  }
  const std::vector<std::string> names = context.metric_tokens().names();
  metrics::MetricsSnapshot snapshot;
  for (std::uint32_t i = 0; i < count; ++i) snapshot.add(context.thread(i).metrics(), names);
  return snapshot;
}

bool Server::stopping() const noexcept {
  return context_->stopping();
}

}  // namespace wsx
