// A coarse, per-I/O-thread timer for connection timeouts (handshake, idle,
// ping, close). One steady_timer per thread ticks while anything is scheduled;
// each connection pays only an intrusive hook and a 32-bit deadline, instead
// of a steady_timer (~100+ bytes) each. A timeout may fire up to one tick
// late, which is fine for deadlines measured in seconds.
//
// Hashed wheel (Varghese & Lauck): an entry due at tick `d` sits in bucket
// `d % kBuckets`; each tick visits the buckets that became due and fires the
// entries whose deadline has passed (later rounds stay where they are).
// Not thread-safe: a wheel and its entries belong to one I/O thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace wsx::net {

using TimerHook =
    boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;

// Embed (derive from) this in anything the wheel should time. Destroying an
// entry unschedules it (auto_unlink), so owners need no cleanup code.
class TimerEntry : public TimerHook {
 public:
  // Called on the wheel's thread once the deadline has passed. The entry is
  // already unscheduled; it may reschedule itself or destroy itself (and
  // other entries) from inside the call.
  virtual void on_timer() = 0;

  [[nodiscard]] bool scheduled() const noexcept { return is_linked(); }
  [[nodiscard]] std::uint32_t deadline_tick() const noexcept { return deadline_tick_; }

 protected:
  TimerEntry() = default;
  ~TimerEntry() = default;
  TimerEntry(const TimerEntry&) = delete;
  TimerEntry& operator=(const TimerEntry&) = delete;

 private:
  friend class TimerWheel;
  std::uint32_t deadline_tick_ = 0;
};

class TimerWheel {
 public:
  using clock = std::chrono::steady_clock;

  // `tick` is the resolution: every deadline is rounded up to a whole tick.
  TimerWheel(boost::asio::io_context& io, std::chrono::milliseconds tick);
  ~TimerWheel();
  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // (Re)schedules `entry` to fire `delay` from now: never earlier, at most
  // two ticks later (see to_ticks). Delays beyond ~24 days are clamped.
  void schedule(TimerEntry& entry, std::chrono::milliseconds delay) {
    schedule_ticks(entry, to_ticks(delay));
  }
  // (Re)schedules `entry` to fire `ticks` ticks from now (at least 1).
  void schedule_ticks(TimerEntry& entry, std::uint32_t ticks);
  static void cancel(TimerEntry& entry) noexcept { entry.unlink(); }

  // The current tick (wraps after 2^32 ticks; compare with ticks_until()).
  [[nodiscard]] std::uint32_t now_tick() const noexcept;
  // Signed distance from now to `tick` (negative: in the past).
  [[nodiscard]] std::int32_t ticks_until(std::uint32_t tick) const noexcept {
    return static_cast<std::int32_t>(tick - now_tick());
  }
  [[nodiscard]] std::chrono::milliseconds tick() const noexcept { return tick_; }
  // The ticks of now_tick() that must pass before `delay` has surely
  // elapsed: the delay rounded up to whole ticks, plus one for the part of
  // the current tick already gone. A deadline of now_tick() + to_ticks(d)
  // (or a span compared with a difference of ticks) is never reached before
  // d has passed, and at most two ticks after.
  [[nodiscard]] std::uint32_t to_ticks(std::chrono::milliseconds delay) const noexcept;

  // Stops the ticking timer for good (shutdown); entries stay linked but
  // never fire, so the io_context can run out of work.
  void shutdown() noexcept;

 private:
  static constexpr std::size_t kBuckets = 256;
  // Half the 32-bit range keeps ticks_until() unambiguous.
  static constexpr std::uint32_t kMaxTicks = 0x3fffffffu;
  using Bucket = boost::intrusive::list<TimerEntry, boost::intrusive::constant_time_size<false>>;

  void arm();
  void on_tick();
  [[nodiscard]] bool empty() const noexcept;

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds tick_;
  clock::time_point epoch_;
  // Last tick whose bucket was processed.
  std::uint32_t processed_tick_ = 0;
  bool armed_ = false;
  bool shut_down_ = false;
  std::array<Bucket, kBuckets> buckets_;
};

}  // namespace wsx::net
