// echo, pipeline and large: N connections each keep `depth` messages in
// flight (1 for echo and large), verify every echo byte for byte and by
// type, and send the next one, until --duration or --max-messages.
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

struct EchoPlan {
  std::uint32_t connections = 64;
  std::uint32_t depth = 1;
  double duration_s = 5;
  std::uint64_t max_messages = 10'000'000;
  std::uint64_t seed = 1;
  // How many extensions the server must accept (each one offered).
  std::size_t required_extensions = 0;
};

class EchoScenario final : private SessionObserver {
 public:
  EchoScenario(RunContext& run, const SessionSetup& setup, const MessageSet& messages,
               const EchoPlan& plan);

  // Runs to the end (the io_context returns) and fills `result`.
  void run(BenchResult& result);

 private:
  struct PerConnection {
    explicit PerConnection(std::size_t depth) : in_flight(depth) {}
    InFlightRing in_flight;
    std::uint64_t sequence = 0;
  };

  void on_open(WsSession& session) override;
  void on_message(WsSession& session, std::uint8_t opcode,
                  std::span<const std::uint8_t> payload) override;
  void on_closed(WsSession& session) override;

  void begin_traffic();
  [[nodiscard]] bool may_send() const noexcept;
  void send_next(WsSession& session);
  void tick(Clock::time_point now);
  void abort_all() noexcept;

  RunContext& run_;
  const SessionSetup& setup_;
  const MessageSet& messages_;
  EchoPlan plan_;
  std::vector<std::unique_ptr<WsSession>> sessions_;
  std::vector<PerConnection> state_;
  ConnectThrottle throttle_;
  BenchResult* result_ = nullptr;
  std::uint32_t opened_ = 0;
  std::uint32_t closed_ = 0;
  std::uint64_t sent_ = 0;
  Clock::time_point connect_start_;
  Clock::time_point traffic_start_;
  Clock::time_point traffic_deadline_;
  Clock::time_point last_echo_;  // also: the last sign of progress
};

}  // namespace wsx::bench
