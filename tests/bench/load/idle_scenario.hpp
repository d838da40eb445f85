// idle: open N connections, one message each way on each (verified), print
// "READY <n>" on stdout, hold them idle for --hold seconds, then close them
// all with the closing handshake. What it measures is the server's memory
// per idle connection (read from outside, e.g. /proc/PID/status), so the
// client keeps its own connections lean too (buffers given back once idle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench_result.hpp"
#include "run_context.hpp"
#include "traffic_support.hpp"
#include "ws_session.hpp"

namespace wsx::bench {

struct IdlePlan {
  std::uint32_t connections = 64;
  double hold_s = 10;
  std::uint64_t seed = 1;
  // How many extensions the server must accept (each one offered).
  std::size_t required_extensions = 0;
};

class IdleScenario final : private SessionObserver {
 public:
  IdleScenario(RunContext& run, const SessionSetup& setup, const MessageSet& messages,
               const IdlePlan& plan);

  void run(BenchResult& result);

 private:
  void on_open(WsSession& session) override;
  void on_message(WsSession& session, std::uint8_t opcode,
                  std::span<const std::uint8_t> payload) override;
  void on_closed(WsSession& session) override;

  void tick(Clock::time_point now);
  void abort_all() noexcept;

  RunContext& run_;
  const SessionSetup& setup_;
  const MessageSet& messages_;
  IdlePlan plan_;
  std::vector<std::unique_ptr<WsSession>> sessions_;
  std::vector<Clock::time_point> sent_at_;
  ConnectThrottle throttle_;
  BenchResult* result_ = nullptr;
  std::uint32_t opened_ = 0;
  std::uint32_t echoed_ = 0;
  std::uint32_t closed_ = 0;
  std::uint32_t ready_ = 0;
  bool holding_ = false;
  Clock::time_point start_;
  Clock::time_point hold_until_;
};

}  // namespace wsx::bench
