// What every connection of one run shares: the io_context (one thread), the
// readiness poller (wsx-host's: each socket registered once, edge-triggered,
// no re-arm per message, so the load tool spends its core on the traffic),
// the read buffer (one per thread, as in wsx-host: a connection waits for
// readability and reads into it only then, so 10,000 idle connections hold
// no read buffer), the cached clock, the watchdog tick and the first error.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "log/log.hpp"
#include "net/readiness_poller.hpp"
#include "net/tls_context.hpp"

namespace wsx::bench {

using Clock = std::chrono::steady_clock;

class SocketDriver;

class RunContext final : private net::ReadinessPoller::Sink {
 public:
  RunContext(boost::asio::io_context& io, Clock::duration timeout);

  [[nodiscard]] boost::asio::io_context& io() noexcept { return io_; }

  // Socket drivers enrol for the poller's events (their id is part of each
  // registration's token) and leave when destroyed.
  [[nodiscard]] std::uint32_t enrol(SocketDriver& driver);
  void leave(std::uint32_t id) noexcept { drivers_[id] = nullptr; }
  // Registers a connected socket of driver `id`, in its `generation`; the
  // poller watches while any socket is registered, so that run() returns
  // once every socket is closed. False if the kernel refused.
  [[nodiscard]] bool watch(int fd, std::uint32_t id, std::uint32_t generation) noexcept;
  void unwatch(int fd) noexcept;
  [[nodiscard]] std::span<std::uint8_t> read_buffer() noexcept {
    return {read_buffer_.get(), kReadBufferSize};
  }
  // --tls: the client context every connection's TLS stream is made from
  // (null: plain ws://).
  [[nodiscard]] const TlsContextPtr& tls() const noexcept { return tls_; }
  void set_tls(TlsContextPtr context) noexcept { tls_ = std::move(context); }
  // What the first TLS handshake agreed (version, cipher, group), for the
  // report; later ones are not compared (one server, one context).
  void note_tls(std::string negotiated) {
    if (tls_negotiated_.empty()) tls_negotiated_ = std::move(negotiated);
  }
  [[nodiscard]] const std::string& tls_negotiated() const noexcept { return tls_negotiated_; }

  // How long a connect, a handshake, an echo or a closing handshake may take.
  [[nodiscard]] Clock::duration timeout() const noexcept { return timeout_; }

  // The time of the latest read batch or tick: one clock read serves every
  // message of a batch.
  [[nodiscard]] Clock::time_point now() const noexcept { return now_; }
  Clock::time_point refresh_now() noexcept { return now_ = Clock::now(); }

  // Calls `tick` every 20 ms until stop_ticks(): timeouts and phase changes
  // are checked there, so no connection needs a timer of its own.
  void start_ticks(std::function<void(Clock::time_point)> tick);
  void stop_ticks();

  // Records a failure: the first message goes to stderr, the run's
  // on_failure hook runs once (it aborts every connection).
  void fail(const std::string& message);
  void on_failure(std::function<void()> hook) { failure_hook_ = std::move(hook); }
  [[nodiscard]] bool failed() const noexcept { return errors_ != 0; }
  [[nodiscard]] std::uint64_t errors() const noexcept { return errors_; }

 private:
  static constexpr std::size_t kReadBufferSize = 256 * 1024;

  void arm_tick();
  void on_ready(net::ReadinessPoller::Token token, std::uint32_t events) override;

  boost::asio::io_context& io_;
  Logger logger_;
  net::ReadinessPoller poller_;
  std::vector<SocketDriver*> drivers_;
  TlsContextPtr tls_;
  std::string tls_negotiated_;
  std::size_t watched_ = 0;
  Clock::duration timeout_;
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  Clock::time_point now_;
  boost::asio::steady_timer ticker_;
  std::function<void(Clock::time_point)> tick_;
  bool ticking_ = false;
  std::function<void()> failure_hook_;
  std::uint64_t errors_ = 0;
};

}  // namespace wsx::bench
