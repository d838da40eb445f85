// raw-echo, "the socket limit": no WebSocket handshake. Each connection
// sends over plain TCP the very bytes the echo scenario sends (masked client
// frames made by a core::Connection in the client role, with the same
// messages, order and masking keys -- the text corpus of echo, or with
// --payload large the --size binary payloads of large; with --deflate,
// compressed as a server accepting our offer as it stands would have us
// compress), to a raw TCP echo server, and checks that the identical bytes
// come back. One message in flight per connection, accounted as echo
// accounts (mb_per_s as large reports it).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "bench_result.hpp"
#include "core/connection/connection.hpp"
#include "run_context.hpp"
#include "socket_driver.hpp"
#include "traffic_support.hpp"
#include "ws_session.hpp"

namespace wsx::bench {

struct RawEchoPlan {
  std::uint32_t connections = 64;
  double duration_s = 5;
  std::uint64_t max_messages = 10'000'000;
  std::uint64_t seed = 1;
  // Makes each connection's extension chain (empty without --deflate).
  std::function<core::ExtensionChain()> make_chain;
};

class RawEchoScenario;

// One plain TCP connection of raw-echo.
class RawConnection final : private SocketDriver {
 public:
  RawConnection(RunContext& run, RawEchoScenario& scenario, const SessionSetup& setup,
                core::ExtensionChain chain, std::uint32_t index, std::uint64_t seed);

  void start();
  // Frames one message (through the chain, masked) and sends it.
  bool send(std::span<const std::uint8_t> payload, std::uint8_t opcode, std::uint32_t message);
  void finish() noexcept;
  void check_deadline(Clock::time_point now);
  [[nodiscard]] bool idle() const noexcept { return in_flight_.empty(); }
  [[nodiscard]] bool open() const noexcept { return open_; }
  [[nodiscard]] std::uint32_t index() const noexcept { return index_; }
  [[nodiscard]] std::uint64_t next_sequence() noexcept { return sequence_++; }

 private:
  void handle_connected() override;
  void handle_bytes(std::span<std::uint8_t> bytes) override;
  void handle_eof(const std::string& what) override;
  void handle_error(const std::string& what) override;
  std::span<const std::uint8_t> output() override;
  void consume(std::size_t bytes) override;

  void fail(const std::string& what);

  RawEchoScenario& scenario_;
  const SessionSetup& setup_;
  std::uint32_t index_;
  // Frames bytes only: its output is drained into sent_ at once.
  core::Connection encoder_;
  // Every byte sent and not yet echoed back: [verified_, written_) went out,
  // [written_, size) waits for the socket. Cleared when all came back.
  std::vector<std::uint8_t> sent_;
  std::size_t written_ = 0;
  std::size_t verified_ = 0;
  InFlightRing in_flight_;
  std::uint64_t sequence_ = 0;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool open_ = false;
  bool done_ = false;
};

class RawEchoScenario {
 public:
  RawEchoScenario(RunContext& run, const SessionSetup& setup, const MessageSet& messages,
                  const RawEchoPlan& plan);

  void run(BenchResult& result);

  // From the connections.
  void connected(RawConnection& connection);
  void echoed(RawConnection& connection, const InFlight& message);

 private:
  [[nodiscard]] bool may_send() const noexcept;
  void send_next(RawConnection& connection);
  void tick(Clock::time_point now);
  void abort_all() noexcept;

  RunContext& run_;
  const MessageSet& messages_;
  RawEchoPlan plan_;
  std::vector<std::unique_ptr<RawConnection>> connections_;
  ConnectThrottle throttle_;
  BenchResult* result_ = nullptr;
  std::uint32_t connected_ = 0;
  std::uint32_t finished_ = 0;
  std::uint64_t sent_ = 0;
  Clock::time_point connect_start_;
  Clock::time_point traffic_start_;
  Clock::time_point deadline_;
  Clock::time_point last_echo_;
};

}  // namespace wsx::bench
