// What every part of a running server shares: the I/O threads, the
// application's callbacks, the logger, the connection count and the
// shutdown state. Internal to host/net (wsx::Server is the public face).
//
// Threading: `threads`, `handlers` and `logger` are fixed before run();
// the counters are atomics; everything a thread owns (its sessions, its
// settings) is touched only on that thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "log/log.hpp"
#include "metrics/token_table.hpp"
#include "net/io_thread.hpp"
#include "net/proxy_route.hpp"
#include "net/server_handlers.hpp"

namespace wsx::net {

class Session;

class ServerContext {
 public:
  ServerContext(const Logger& logger, std::uint32_t io_threads, std::chrono::milliseconds tick,
                std::shared_ptr<const ServerSettings> settings);
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;
  ~ServerContext();

  [[nodiscard]] const Logger& logger() const noexcept { return logger_; }
  [[nodiscard]] const ServerHandlers& handlers() const noexcept { return handlers_; }
  void set_handlers(ServerHandlers handlers) { handlers_ = std::move(handlers); }
  // The proxy route, or nullptr when the server is not a proxy.
  [[nodiscard]] const ProxyRoute* proxy() const noexcept { return proxy_.get(); }
  void set_proxy(std::shared_ptr<const ProxyRoute> route) { proxy_ = std::move(route); }

  [[nodiscard]] std::uint32_t thread_count() const noexcept {
    return static_cast<std::uint32_t>(threads_.size());
  }
  [[nodiscard]] IoThread& thread(std::uint32_t index) noexcept { return *threads_[index]; }
  // The extension tokens that label the metrics of every thread.
  [[nodiscard]] const metrics::TokenTable& metric_tokens() const noexcept { return tokens_; }
  // The I/O thread the caller runs on, if it is one of ours.
  [[nodiscard]] IoThread* current_thread() noexcept;

  // The session `handle` names, when called on its own thread; nullptr when
  // it is gone, or when called from any other thread.
  [[nodiscard]] Session* find_local(ConnectionHandle handle) noexcept;

  // --- Connection accounting (any thread) ---------------------------------
  // Counts a new socket; false when that exceeds `max_connections` (the
  // socket is still counted and must be released).
  [[nodiscard]] bool admit_connection(std::uint64_t max_connections) noexcept {
    return connections_.fetch_add(1, std::memory_order_relaxed) < max_connections;
  }
  void release_connection() noexcept { connections_.fetch_sub(1, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t connection_count() const noexcept {
    return connections_.load(std::memory_order_relaxed);
  }

  // --- Buffered input (any thread) ------------------------------------------
  // ServerLimits::max_buffered_input: every connection's incomplete input,
  // counted together. Charges `bytes` unless that takes the total past
  // `limit` (then nothing is charged and false is returned).
  [[nodiscard]] bool charge_buffered_input(std::uint64_t bytes, std::uint64_t limit) noexcept {
    std::uint64_t total = buffered_input_.load(std::memory_order_relaxed);
    do {
      if (total + bytes > limit) return false;
    } while (
        !buffered_input_.compare_exchange_weak(total, total + bytes, std::memory_order_relaxed));
    return true;
  }
  void release_buffered_input(std::uint64_t bytes) noexcept {
    buffered_input_.fetch_sub(bytes, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t buffered_input() const noexcept {
    return buffered_input_.load(std::memory_order_relaxed);
  }
  // Connections closed for the bound so far (for the log line).
  std::uint64_t count_buffered_input_refusal() noexcept {
    return buffered_input_refusals_.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  // --- Shutdown -------------------------------------------------------------
  [[nodiscard]] bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }
  // First call: true (begin a graceful shutdown). Later calls: false, and
  // the server then drops connections without waiting.
  bool begin_stopping() noexcept { return !stopping_.exchange(true, std::memory_order_acq_rel); }

  // Called on `thread` whenever it may have become idle during shutdown:
  // when it has no sessions left, it lets its io_context run out of work.
  // Thread 0 goes last, since it also watches signals and accepts.
  void maybe_finish(IoThread& thread);
  // A thread's last work before it finishes, on that thread (the Server
  // closes its listener there; thread 0, last, also stops watching signals).
  void set_on_thread_finish(std::function<void(IoThread&)> fn) {
    on_thread_finish_ = std::move(fn);
  }

 private:
  const Logger& logger_;
  // Before threads_: each thread refers to it.
  metrics::TokenTable tokens_;
  ServerHandlers handlers_;
  std::shared_ptr<const ProxyRoute> proxy_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> buffered_input_{0};
  std::atomic<std::uint64_t> buffered_input_refusals_{0};
  std::atomic<bool> stopping_{false};
  // Threads 1..N-1 that have finished; thread 0 waits for all of them.
  std::atomic<std::uint32_t> finished_workers_{0};
  std::function<void(IoThread&)> on_thread_finish_;
};

}  // namespace wsx::net
