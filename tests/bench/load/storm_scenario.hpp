// storm: N workers each open a connection, complete the opening handshake
// (with the permessage-deflate offer when --deflate), run the closing
// handshake, and start over, as fast as they can for --duration (or until
// --max-messages handshakes). Measures handshakes/s and the handshake's
// latency (connect -> validated 101).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bench_result.hpp"
#include "run_context.hpp"
#include "ws_session.hpp"

namespace wsx::bench {

struct StormPlan {
  std::uint32_t connections = 64;
  double duration_s = 5;
  std::uint64_t max_handshakes = 10'000'000;
  std::uint64_t seed = 1;
  // How many extensions the server must accept (each one offered).
  std::size_t required_extensions = 0;
};

class StormScenario final : private SessionObserver {
 public:
  StormScenario(RunContext& run, const SessionSetup& setup, const StormPlan& plan);

  void run(BenchResult& result);

 private:
  void on_open(WsSession& session) override;
  void on_message(WsSession& session, std::uint8_t opcode,
                  std::span<const std::uint8_t> payload) override;
  void on_closed(WsSession& session) override;

  // Starts the next cycle of `session`, or retires it when time is up.
  void next_cycle(WsSession& session);
  void tick(Clock::time_point now);
  void abort_all() noexcept;

  RunContext& run_;
  const SessionSetup& setup_;
  StormPlan plan_;
  std::vector<std::unique_ptr<WsSession>> sessions_;
  BenchResult* result_ = nullptr;
  std::uint64_t started_ = 0;
  std::uint32_t retired_ = 0;
  Clock::time_point start_;
  Clock::time_point deadline_;
  Clock::time_point last_close_;
};

}  // namespace wsx::bench
