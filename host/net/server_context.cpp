#include "net/server_context.hpp"

#include <boost/asio/post.hpp>

#include "net/session.hpp"

namespace wsx::net {

ServerContext::ServerContext(const Logger& logger, std::uint32_t io_threads,
                             std::chrono::milliseconds tick,
                             std::shared_ptr<const ServerSettings> settings)
    : logger_(logger) {
  const std::uint32_t count = io_threads == 0 ? 1 : io_threads;
  threads_.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    threads_.push_back(std::make_unique<IoThread>(i, count, tick, settings, logger, tokens_));
}

ServerContext::~ServerContext() = default;

IoThread* ServerContext::current_thread() noexcept {
  for (const auto& thread : threads_)
    if (thread->running_here()) return thread.get();
  return nullptr;
}

Session* ServerContext::find_local(ConnectionHandle handle) noexcept {
  if (handle.thread >= threads_.size()) return nullptr;
  IoThread& owner = *threads_[handle.thread];
  if (!owner.running_here()) return nullptr;
  return owner.sessions().find({handle.slot, handle.generation});
}

void ServerContext::maybe_finish(IoThread& thread) {
  if (!stopping() || !thread.sessions().empty() || thread.finished()) return;
  if (thread.index() != 0) {
    if (on_thread_finish_) on_thread_finish_(thread);
    thread.finish();
    finished_workers_.fetch_add(1, std::memory_order_acq_rel);
    // Thread 0 may be idle already, waiting for this news.
    IoThread& first = *threads_.front();
    boost::asio::post(first.io(), [this, &first] { maybe_finish(first); });
    return;
  }
  if (finished_workers_.load(std::memory_order_acquire) + 1 < threads_.size()) return;
  if (on_thread_finish_) on_thread_finish_(thread);
  thread.finish();
}

}  // namespace wsx::net
