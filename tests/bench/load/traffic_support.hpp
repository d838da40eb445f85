// Small pieces the traffic scenarios share: what is in flight on one
// connection, how many connects run at once, and the echo check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "run_context.hpp"

namespace wsx::bench {

// One message sent and not yet echoed.
struct InFlight {
  std::uint32_t message = 0;  // index into the run's message set
  Clock::time_point sent;
  std::uint64_t end_offset = 0;  // raw-echo: where its bytes end in the sent stream
};

// A FIFO of fixed capacity (the pipeline depth): the server echoes in order,
// so the oldest message is the one the next echo must match. No allocation
// after construction.
class InFlightRing {
 public:
  explicit InFlightRing(std::size_t capacity) : slots_(capacity) {}

  [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
  [[nodiscard]] bool full() const noexcept { return count_ == slots_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  [[nodiscard]] const InFlight& front() const noexcept { return slots_[head_]; }
  void push(const InFlight& entry) noexcept {
    slots_[(head_ + count_) % slots_.size()] = entry;
    ++count_;
  }
  void pop() noexcept {
    head_ = (head_ + 1) % slots_.size();
    --count_;
  }

 private:
  std::vector<InFlight> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

// The messages a run sends: text corpus or binary payloads, as spans into
// storage the scenario keeps alive.
struct MessageSet {
  std::vector<std::span<const std::uint8_t>> messages;
  std::uint8_t opcode = 0x1;  // text or binary (RFC 6455 section 5.6)

  // The message-th message a connection sends: connections start at
  // different places so that they do not send the same bytes in lockstep.
  [[nodiscard]] std::uint32_t pick(std::uint32_t connection,
                                   std::uint64_t sequence) const noexcept {
    return static_cast<std::uint32_t>((connection * 7919ull + sequence) % messages.size());
  }
};

// Why an echo does not match what was sent, or nullopt when it does.
[[nodiscard]] std::optional<std::string> echo_mismatch(std::uint8_t expected_opcode,
                                                       std::span<const std::uint8_t> expected,
                                                       std::uint8_t opcode,
                                                       std::span<const std::uint8_t> payload);

// Starts connections a window at a time: a burst of thousands of SYNs would
// overflow the server's accept backlog and measure SYN retries instead.
class ConnectThrottle {
 public:
  ConnectThrottle(std::size_t total, std::size_t window, std::function<void(std::size_t)> start)
      : total_(total), window_(window), start_(std::move(start)) {}

  // Starts as many as the window allows.
  void fill() {
    while (running_ < window_ && next_ < total_) {
      ++running_;
      start_(next_++);
    }
  }
  // One of the started connections finished connecting.
  void one_done() {
    if (running_ > 0) --running_;
    fill();
  }

 private:
  std::size_t total_;
  std::size_t window_;
  std::function<void(std::size_t)> start_;
  std::size_t next_ = 0;
  std::size_t running_ = 0;
};

inline constexpr std::size_t kConnectWindow = 256;

// The seed of connection `index`'s keys: echo and raw-echo use the same, so
// both send the same bytes.
[[nodiscard]] std::uint64_t connection_seed(std::uint64_t run_seed, std::uint32_t index) noexcept;

}  // namespace wsx::bench
