#include "metrics/metrics_snapshot.hpp"

#include <numeric>

namespace wsx::metrics {

namespace {

void add_direction(DirectionTotals& to, const core::ExtensionDirectionMeter& from) {
  to.frames += from.frames.get();
  to.bytes_in += from.bytes_in.get();
  to.bytes_out += from.bytes_out.get();
  to.sampled_nanoseconds += from.sampled_nanoseconds.get();
  to.samples += from.samples.get();
}

template <std::size_t Bounds>
void add_histogram(HistogramTotals<Bounds>& to, const PowerOfFourHistogram<Bounds>& from) {
  for (std::size_t i = 0; i < to.buckets.size(); ++i) to.buckets[i] += from.buckets[i].get();
  to.sum += from.sum.get();
  to.count += from.count.get();
}

}  // namespace

double DirectionTotals::estimated_seconds() const noexcept {
  return static_cast<double>(sampled_nanoseconds) *
         static_cast<double>(core::ExtensionMeter::kTimingSampleEvery) * 1e-9;
}

std::uint64_t TokenTotals::offers_seen() const noexcept {
  return std::accumulate(offers.begin(), offers.end(), std::uint64_t{0});
}

void MetricsSnapshot::add(const ThreadMetrics& thread, std::span<const std::string> token_names) {
  ++io_threads;
  for (std::size_t i = 0; i < handshakes.size(); ++i) handshakes[i] += thread.handshakes[i].get();
  connections_opened += thread.connections_opened.get();
  for (std::size_t i = 0; i < connections_closed.size(); ++i)
    connections_closed[i] += thread.connections_closed[i].get();
  if (tokens.size() < token_names.size()) {
    const std::size_t old = tokens.size();
    tokens.resize(token_names.size());
    for (std::size_t i = old; i < tokens.size(); ++i) tokens[i].token = token_names[i];
  }
  for (std::size_t slot = 0; slot < tokens.size() && slot < kMaxTokens; ++slot) {
    const TokenMetrics& from = thread.tokens[slot];
    TokenTotals& to = tokens[slot];
    for (std::size_t i = 0; i < to.offers.size(); ++i) to.offers[i] += from.offers[i].get();
    add_direction(to.encode, from.meter.encode);
    add_direction(to.decode, from.meter.decode);
    for (std::size_t i = 0; i < to.errors.size(); ++i) to.errors[i] += from.meter.errors[i].get();
  }
  messages_received += thread.messages_received.get();
  messages_sent += thread.messages_sent.get();
  wire_bytes_received += thread.wire_bytes_received.get();
  wire_bytes_sent += thread.wire_bytes_sent.get();
  add_histogram(received_message_size, thread.received_message_size);
  add_histogram(sent_message_size, thread.sent_message_size);
  add_histogram(message_latency, thread.message_latency);
  slow_reader_closes += thread.slow_reader_closes.get();
  sockets_open += thread.sockets_open.get();
  send_queue_bytes += thread.send_queue_bytes.get();
}

std::uint64_t MetricsSnapshot::connections_closed_total() const noexcept {
  return std::accumulate(connections_closed.begin(), connections_closed.end(), std::uint64_t{0});
}

std::uint64_t MetricsSnapshot::handshakes_total() const noexcept {
  return std::accumulate(handshakes.begin(), handshakes.end(), std::uint64_t{0});
}

}  // namespace wsx::metrics
