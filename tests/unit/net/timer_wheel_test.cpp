// The per-thread coarse timer (host/net/timer_wheel.hpp).
#include "net/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace wsx::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RecordingEntry final : public TimerEntry {
 public:
  explicit RecordingEntry(std::function<void(RecordingEntry&)> fired) : fired_(std::move(fired)) {}
  void on_timer() override { fired_(*this); }
  int fires = 0;
  Clock::time_point when{};

 private:
  std::function<void(RecordingEntry&)> fired_;
};

// Runs `io` until `done()` or the deadline (so a broken wheel fails, not hangs).
void run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = 3s) {
  const auto deadline = Clock::now() + limit;
  while (!done() && Clock::now() < deadline) {
    io.run_for(10ms);
    if (io.stopped()) io.restart();
  }
}

TEST(TimerWheel, NeverFiresBeforeTheDelayWhereverInATickItWasScheduled) {
  // Issue 14: a 5 s handshake timeout fired at 4.61 s, because the deadline
  // counted the current, partly elapsed tick as a whole one. Schedule at
  // many points inside a tick; every entry must wait its full delay.
  boost::asio::io_context io;
  constexpr auto kTick = 40ms;
  TimerWheel wheel(io, kTick);
  constexpr int kEntries = 12;
  std::vector<std::unique_ptr<RecordingEntry>> entries;
  std::vector<Clock::time_point> scheduled_at(kEntries);
  int fired = 0;
  for (int i = 0; i < kEntries; ++i) {
    entries.push_back(std::make_unique<RecordingEntry>([&fired](RecordingEntry& e) {
      ++e.fires;
      e.when = Clock::now();
      ++fired;
    }));
  }
  for (int i = 0; i < kEntries; ++i) {
    // Spread the scheduling instants over about one tick (real waits, not
    // a fake clock: the wheel reads steady_clock itself).
    io.run_for(kTick / kEntries);
    if (io.stopped()) io.restart();
    scheduled_at[i] = Clock::now();
    wheel.schedule(*entries[i], 100ms);
  }
  run_until(io, [&] { return fired == kEntries; });
  ASSERT_EQ(fired, kEntries);
  for (int i = 0; i < kEntries; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(entries[i]->fires, 1);
    EXPECT_GE(entries[i]->when - scheduled_at[i], 100ms);
    // At most two ticks late, plus scheduling slack on a busy machine.
    EXPECT_LT(entries[i]->when - scheduled_at[i], 100ms + 2 * kTick + 300ms);
  }
}

TEST(TimerWheel, ToTicksCountsThePartialCurrentTick) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 10ms);
  EXPECT_EQ(wheel.to_ticks(0ms), 1u);
  EXPECT_EQ(wheel.to_ticks(1ms), 2u);
  EXPECT_EQ(wheel.to_ticks(10ms), 2u);
  EXPECT_EQ(wheel.to_ticks(11ms), 3u);
  EXPECT_EQ(wheel.to_ticks(100ms), 11u);
}

TEST(TimerWheel, DestroyingAnEntryUnschedulesIt) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 10ms);
  int fired = 0;
  auto doomed = std::make_unique<RecordingEntry>([&](RecordingEntry&) { ++fired; });
  RecordingEntry witness([&](RecordingEntry& e) { ++e.fires; });
  wheel.schedule(*doomed, 30ms);
  wheel.schedule(witness, 60ms);
  doomed.reset();
  run_until(io, [&] { return witness.fires > 0; });
  EXPECT_EQ(witness.fires, 1);
  EXPECT_EQ(fired, 0);
}

TEST(TimerWheel, RescheduleMovesTheDeadline) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 10ms);
  RecordingEntry entry([](RecordingEntry& e) {
    ++e.fires;
    e.when = Clock::now();
  });
  const auto start = Clock::now();
  wheel.schedule(entry, 30ms);
  wheel.schedule(entry, 200ms);  // replaces the first deadline
  run_until(io, [&] { return entry.fires > 0; });
  ASSERT_EQ(entry.fires, 1);
  EXPECT_GE(entry.when - start, 190ms);
}

TEST(TimerWheel, AnEntryMayRescheduleItselfFromItsCallback) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 5ms);
  RecordingEntry entry([&](RecordingEntry& e) {
    if (++e.fires < 3) wheel.schedule(e, 20ms);
  });
  wheel.schedule(entry, 20ms);
  run_until(io, [&] { return entry.fires >= 3; });
  EXPECT_EQ(entry.fires, 3);
  EXPECT_FALSE(entry.scheduled());
}

TEST(TimerWheel, DeadlinesBeyondOneRevolutionWaitForTheirRound) {
  boost::asio::io_context io;
  // 256 buckets of 1 ms: a 400 ms delay wraps around the wheel.
  TimerWheel wheel(io, 1ms);
  RecordingEntry entry([](RecordingEntry& e) {
    ++e.fires;
    e.when = Clock::now();
  });
  const auto start = Clock::now();
  wheel.schedule(entry, 400ms);
  run_until(io, [&] { return entry.fires > 0; });
  ASSERT_EQ(entry.fires, 1);
  EXPECT_GE(entry.when - start, 395ms);
}

TEST(TimerWheel, OneEntryCanDestroyAnotherDueInTheSameTick) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 10ms);
  auto second = std::make_unique<RecordingEntry>([](RecordingEntry& e) { ++e.fires; });
  int first_fires = 0;
  RecordingEntry first([&](RecordingEntry&) {
    ++first_fires;
    second.reset();
  });
  wheel.schedule(first, 50ms);
  wheel.schedule(*second, 50ms);
  run_until(io, [&] { return first_fires > 0 || (second && second->fires > 0); });
  // Whichever ran first, the destroyed one never fires afterwards.
  io.run_for(50ms);
  EXPECT_LE(first_fires, 1);
  if (second) {
    EXPECT_EQ(second->fires, 1);
  } else {
    EXPECT_EQ(first_fires, 1);
  }
}

TEST(TimerWheel, AnEmptyWheelLetsTheIoContextRunOut) {
  boost::asio::io_context io;
  TimerWheel wheel(io, 10ms);
  RecordingEntry entry([](RecordingEntry& e) { ++e.fires; });
  wheel.schedule(entry, 20ms);
  // run() returns by itself: after the entry fired nothing keeps it busy.
  const auto start = Clock::now();
  io.run_for(3s);
  EXPECT_EQ(entry.fires, 1);
  EXPECT_LT(Clock::now() - start, 2s);
}

}  // namespace
}  // namespace wsx::net
