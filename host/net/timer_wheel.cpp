#include "net/timer_wheel.hpp"

#include <algorithm>

namespace wsx::net {

TimerWheel::TimerWheel(boost::asio::io_context& io, std::chrono::milliseconds tick)
    : timer_(io), tick_(std::max(tick, std::chrono::milliseconds{1})), epoch_(clock::now()) {}

TimerWheel::~TimerWheel() {
  // Leave every entry unlinked, so entries that outlive the wheel (during
  // teardown) do not touch its buckets when they are destroyed.
  for (Bucket& bucket : buckets_) bucket.clear();
}

std::uint32_t TimerWheel::now_tick() const noexcept {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - epoch_);
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(elapsed.count()) /
                                    static_cast<std::uint64_t>(tick_.count()));
}

std::uint32_t TimerWheel::to_ticks(std::chrono::milliseconds delay) const noexcept {
  if (delay.count() <= 0) return 1;
  const auto ms = static_cast<std::uint64_t>(delay.count());
  const auto per_tick = static_cast<std::uint64_t>(tick_.count());
  // now_tick() rounds down: the current tick may be all but over, so a
  // deadline of now_tick() + ceil(delay / tick) could come up to a tick
  // early. One tick more makes it never early (at most two ticks late).
  return static_cast<std::uint32_t>(
      std::clamp<std::uint64_t>((ms + per_tick - 1) / per_tick + 1, 1, kMaxTicks));
}

bool TimerWheel::empty() const noexcept {
  return std::all_of(buckets_.begin(), buckets_.end(), [](const Bucket& b) { return b.empty(); });
}

void TimerWheel::schedule_ticks(TimerEntry& entry, std::uint32_t ticks) {
  entry.unlink();
  if (!armed_) {
    // Nothing was scheduled while the timer slept, so no bucket was missed:
    // restart the sweep at the present instead of replaying idle ticks.
    processed_tick_ = now_tick();
  }
  // The deadline is after every processed tick, so a sweep reaches its
  // bucket at or after the deadline even when the sweep runs late.
  entry.deadline_tick_ = now_tick() + std::clamp<std::uint32_t>(ticks, 1, kMaxTicks);
  buckets_[entry.deadline_tick_ % kBuckets].push_back(entry);
  arm();
}

void TimerWheel::arm() {
  if (armed_ || shut_down_) return;
  armed_ = true;
  timer_.expires_at(epoch_ + tick_ * (static_cast<std::int64_t>(processed_tick_) + 1));
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || shut_down_) {
      armed_ = false;
      return;
    }
    on_tick();
  });
}

void TimerWheel::on_tick() {
  const std::uint32_t now = now_tick();
  // After a long stall every bucket needs one visit, never more.
  std::uint32_t steps = now - processed_tick_;
  if (steps > kBuckets) {
    processed_tick_ = now - static_cast<std::uint32_t>(kBuckets);
    steps = kBuckets;
  }
  for (std::uint32_t step = 0; step < steps; ++step) {
    ++processed_tick_;
    Bucket& bucket = buckets_[processed_tick_ % kBuckets];
    // Move the due entries out first: callbacks may reschedule themselves
    // into this same bucket or destroy other entries (auto_unlink keeps the
    // local list consistent when they do).
    Bucket due;
    for (auto it = bucket.begin(); it != bucket.end();) {
      TimerEntry& entry = *it++;
      if (static_cast<std::int32_t>(entry.deadline_tick_ - now) <= 0) {
        entry.unlink();
        due.push_back(entry);
      }
    }
    while (!due.empty()) {
      TimerEntry& entry = due.front();
      entry.unlink();
      entry.on_timer();
    }
  }
  // armed_ stayed true during the sweep, so entries rescheduled from their
  // callbacks did not reset processed_tick_ or start a second timer.
  armed_ = false;
  if (!empty()) arm();
}

void TimerWheel::shutdown() noexcept {
  shut_down_ = true;
  timer_.cancel();
}

}  // namespace wsx::net
