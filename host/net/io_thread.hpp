// One I/O thread of a Server: its io_context, the connections it owns, the
// read buffer they share and the timer wheel that times them out.
//
// Why per-thread: a connection is only ever touched by its own thread, so the
// per-message path takes no lock (uWebSockets' model). Why a shared read
// buffer: an idle connection then holds no read memory at all; a session
// waits for readability (the thread's ReadinessPoller) and reads into this
// buffer only when bytes are there, and the core keeps just an incomplete
// frame's tail.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/extensions/extension_chain.hpp"
#include "log/log.hpp"
#include "metrics/thread_metrics.hpp"
#include "metrics/token_table.hpp"
#include "net/readiness_poller.hpp"
#include "net/server_settings.hpp"
#include "net/slot_table.hpp"
#include "net/timer_wheel.hpp"
#include "net/tls_stream.hpp"

namespace wsx::net {

class Session;

class IoThread final : private ReadinessPoller::Sink {
 public:
  // 64 KiB: large enough that one read drains most bursts, small enough to
  // stay in L2 cache.
  static constexpr std::size_t kReadBufferSize = 64 * 1024;

  // `logger` reports exceptions that escape a handler (the loop goes on).
  // `thread_count`: how many I/O threads the server runs (told to plugins'
  // per-thread contexts). `tokens`: the server's metrics labels for
  // extension tokens (outlives the thread).
  IoThread(std::uint32_t index, std::uint32_t thread_count, std::chrono::milliseconds tick,
           std::shared_ptr<const ServerSettings> settings, const Logger& logger,
           metrics::TokenTable& tokens);
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  [[nodiscard]] std::uint32_t index() const noexcept { return index_; }
  [[nodiscard]] boost::asio::io_context& io() noexcept { return io_; }
  [[nodiscard]] std::span<std::uint8_t> read_buffer() noexcept {
    return {read_buffer_.get(), kReadBufferSize};
  }
  // Where a TLS flush joins small output segments into one record
  // (TlsStream::write_gathered): one per thread, not per connection, made
  // on the first TLS flush. Never held across a call that could flush
  // another session.
  [[nodiscard]] std::span<std::uint8_t> tls_staging();
  [[nodiscard]] TimerWheel& wheel() noexcept { return wheel_; }
  // Where this thread's sessions register their sockets.
  [[nodiscard]] ReadinessPoller& poller() noexcept { return poller_; }
  // Scratch buffers for the extension chains of this thread's connections
  // (core::ExtensionChain::share_scratch): one set per thread instead of one
  // per connection.
  [[nodiscard]] core::ChainScratch& chain_scratch() noexcept { return chain_scratch_; }
  [[nodiscard]] SlotTable<Session>& sessions() noexcept { return sessions_; }
  [[nodiscard]] bool running_here() const noexcept { return executor_.running_in_this_thread(); }

  // The settings new connections of this thread use. Replaced (on this
  // thread) by a reload; connections keep the snapshot they started with.
  [[nodiscard]] const std::shared_ptr<const ServerSettings>& settings() const noexcept {
    return settings_;
  }
  void set_settings(std::shared_ptr<const ServerSettings> settings) noexcept {
    settings_ = std::move(settings);
    factories_bound_ = false;
  }
  // The server-role factories of settings(), bound to this thread's plugin
  // contexts (wsx/extension.h rule 7). Bound on first use, on this thread,
  // so thread_create runs on the thread its context serves; a reload binds
  // again, reusing the contexts of plugin instances that stayed.
  [[nodiscard]] const core::FactoryList& factories();

  // This thread's counters (metrics/thread_metrics.hpp): written only here,
  // read by the metrics reader from any thread.
  [[nodiscard]] metrics::ThreadMetrics& metrics() noexcept { return *metrics_; }
  [[nodiscard]] const metrics::ThreadMetrics& metrics() const noexcept { return *metrics_; }
  // The metrics slot of an extension token (0, "other", for one no bound
  // factory provides). A few string compares: for handshakes, not frames.
  [[nodiscard]] std::size_t token_slot(std::string_view token) const noexcept;
  // Stores the gauges only this thread can see (open sockets, queued
  // bytes) into metrics(). Run on this thread.
  void refresh_gauges() noexcept;

  // Runs the io_context on a new std::thread (threads 1..N-1) or on the
  // caller's thread (thread 0, from Server::run()).
  void start_thread();
  void run_here();
  void join();

  // Lets run() return once the remaining handlers finish: drops the work
  // guard and stops the wheel. Call on this thread when it has no sessions.
  void finish() noexcept;
  [[nodiscard]] bool finished() const noexcept { return !work_.has_value(); }

 private:
  // A session's socket is ready: hands the events to it, if it still exists.
  void on_ready(ReadinessPoller::Token token, std::uint32_t events) override;

  std::uint32_t index_;
  const Logger& logger_;
  boost::asio::io_context io_;
  boost::asio::io_context::executor_type executor_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  std::unique_ptr<std::uint8_t[]> tls_staging_;  // TlsStream::kMaxRecordPlaintext bytes
  TimerWheel wheel_;
  ReadinessPoller poller_;
  core::ChainScratch chain_scratch_;
  std::shared_ptr<const ServerSettings> settings_;
  std::uint32_t thread_count_;
  core::FactoryList factories_;
  bool factories_bound_ = false;
  metrics::TokenTable& tokens_;
  // (token, slot) of every bound factory, filled when binding.
  std::vector<std::pair<std::string, std::size_t>> token_slots_;
  std::unique_ptr<metrics::ThreadMetrics> metrics_;
  // Declared last: sessions go first on destruction, while the io_context
  // and wheel they are registered with still exist.
  SlotTable<Session> sessions_;
  std::thread thread_;
};

}  // namespace wsx::net
