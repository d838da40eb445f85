// The sum of every I/O thread's ThreadMetrics at one moment, as plain
// numbers: what /metrics and the status page's JSON are rendered from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "metrics/thread_metrics.hpp"

namespace wsx::metrics {

struct DirectionTotals {
  std::uint64_t frames = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t sampled_nanoseconds = 0;
  std::uint64_t samples = 0;
  // The estimated total time in the plugin: sampled time scaled to every
  // frame (ExtensionMeter::kTimingSampleEvery).
  [[nodiscard]] double estimated_seconds() const noexcept;
};

struct TokenTotals {
  std::string token;  // "other" for slot 0
  std::array<std::uint64_t, kOfferOutcomes> offers{};
  DirectionTotals encode;
  DirectionTotals decode;
  std::array<std::uint64_t, core::kExtensionErrorCodes.size()> errors{};
  [[nodiscard]] std::uint64_t offers_seen() const noexcept;
};

template <std::size_t Bounds>
struct HistogramTotals {
  std::array<std::uint64_t, Bounds + 1> buckets{};  // not cumulated
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
};

struct MetricsSnapshot {
  std::uint32_t io_threads = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(HandshakeOutcome::count)> handshakes{};
  std::uint64_t connections_opened = 0;
  std::array<std::uint64_t, kCloseCodeSlots> connections_closed{};
  // One entry per named token slot, slot order ("other" first).
  std::vector<TokenTotals> tokens;
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t wire_bytes_received = 0;
  std::uint64_t wire_bytes_sent = 0;
  HistogramTotals<10> received_message_size;
  HistogramTotals<10> sent_message_size;
  HistogramTotals<11> message_latency;
  std::uint64_t slow_reader_closes = 0;
  std::uint64_t sockets_open = 0;
  std::uint64_t send_queue_bytes = 0;

  // Adds one thread's counters; `token_names` are TokenTable::names().
  void add(const ThreadMetrics& thread, std::span<const std::string> token_names);
  [[nodiscard]] std::uint64_t connections_closed_total() const noexcept;
  [[nodiscard]] std::uint64_t handshakes_total() const noexcept;
};

}  // namespace wsx::metrics
