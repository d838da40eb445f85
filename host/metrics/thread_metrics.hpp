// The counters and histograms of one I/O thread (issue 11). Each I/O thread
// owns one ThreadMetrics and is its only writer; a metrics reader on any
// thread sums them (MetricsSnapshot) without stopping the I/O threads.
//
// Why per thread: the per-frame and per-message paths then write only cache
// lines that no other thread writes (each ThreadMetrics is aligned to a
// cache line, and counters are core::OwnedCounter: a relaxed load and store,
// never a locked read-modify-write). Labels are bounded by construction:
// close codes, handshake outcomes and offer outcomes are fixed sets, and
// extension tokens are the loaded plugins' (TokenTable), with every other
// token a client may offer counted as "other".
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/extensions/extension_meter.hpp"

namespace wsx::metrics {

using core::OwnedCounter;

// A value written by one thread (stored, not added to) and read by any.
class OwnedGauge {
 public:
  void set(std::uint64_t value) noexcept { value_.store(value, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t get() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// How an opening handshake ended: the HTTP status sent (RFC 6455 section
// 4.2.2), or no status at all.
enum class HandshakeOutcome : std::uint8_t {
  switched,            // 101 Switching Protocols
  bad_request,         // 400 (malformed request, missing or bad headers)
  method_not_allowed,  // 405 (not GET)
  upgrade_required,    // 426 (unsupported Sec-WebSocket-Version)
  header_too_large,    // 431
  bad_gateway,         // 502 (proxy: the upstream refused)
  unavailable,         // 503 (max_connections reached, or shutting down)
  gateway_timeout,     // 504 (proxy: the upstream did not answer)
  other_status,        // any other HTTP status
  timeout,             // handshake_timeout passed without a whole request
  tls_failed,          // the TLS handshake failed (wss:// listener)
  count
};

// The Prometheus label value of each outcome, by enum order.
inline constexpr std::array<std::string_view, static_cast<std::size_t>(HandshakeOutcome::count)>
    kHandshakeOutcomeLabels{"101", "400", "405",   "426",     "431",      "502",
                            "503", "504", "other", "timeout", "tls_error"};

[[nodiscard]] constexpr HandshakeOutcome outcome_of_status(unsigned status) noexcept {
  switch (status) {
    case 101:
      return HandshakeOutcome::switched;
    case 400:
      return HandshakeOutcome::bad_request;
    case 405:
      return HandshakeOutcome::method_not_allowed;
    case 426:
      return HandshakeOutcome::upgrade_required;
    case 431:
      return HandshakeOutcome::header_too_large;
    case 502:
      return HandshakeOutcome::bad_gateway;
    case 503:
      return HandshakeOutcome::unavailable;
    case 504:
      return HandshakeOutcome::gateway_timeout;
    default:
      return HandshakeOutcome::other_status;
  }
}

// Close codes counted one by one: those RFC 6455 section 7.4.1 defines
// (1004 is reserved but counted, so the index is code - 1000) up to 1015;
// registered (3000-3999) and private (4000-4999) codes each form one bucket.
inline constexpr std::size_t kCloseCodeSlots = 16 + 2;
[[nodiscard]] constexpr std::size_t close_code_slot(std::uint16_t code) noexcept {
  if (code >= 1000 && code < 1016) return code - 1000u;
  if (code >= 3000 && code < 4000) return 16;
  return 17;  // 4000-4999, and anything else
}
// "1000" ... "1015", "3xxx", "4xxx".
[[nodiscard]] std::string_view close_code_label(std::size_t slot) noexcept;

// What became of one extension offer: core::OfferOutcome, in its order.
inline constexpr std::size_t kOfferOutcomes = 6;
inline constexpr std::array<std::string_view, kOfferOutcomes> kOfferOutcomeLabels{
    "accepted", "declined", "failed", "skipped_duplicate", "skipped_rsv_clash", "no_factory"};

// Extension tokens one server tracks; slot 0 is "other" (a token no loaded
// plugin provides). More distinct plugin tokens than this share "other".
inline constexpr std::size_t kMaxTokens = 32;

struct TokenMetrics {
  std::array<OwnedCounter, kOfferOutcomes> offers;  // by kOfferOutcomeLabels
  core::ExtensionMeter meter;                       // frames of accepted ones
};

// A histogram with fixed, powers-of-four bucket bounds (cumulated when read,
// as Prometheus wants): bucket i counts values <= first_bound * 4^i, the last
// bucket the rest (+Inf).
template <std::size_t Bounds>
struct PowerOfFourHistogram {
  std::array<OwnedCounter, Bounds + 1> buckets;
  OwnedCounter sum;
  OwnedCounter count;

  // `value` in the unit of first_bound; first_bound_log2 = log2(first_bound).
  void observe(std::uint64_t value, unsigned first_bound_log2) noexcept {
    std::size_t index = 0;
    if (value > (std::uint64_t{1} << first_bound_log2)) {
      // ceil(log2(value)) - log2(first bound), halved rounding up.
      const unsigned log2_ceil = static_cast<unsigned>(std::bit_width(value - 1));
      index = (log2_ceil - first_bound_log2 + 1) / 2;
      if (index > Bounds) index = Bounds;
    }
    buckets[index].add();
    sum.add(value);
    count.add();
  }
};

// Message sizes: 64 B .. 16 MiB.
inline constexpr unsigned kMessageSizeFirstBoundLog2 = 6;
using MessageSizeHistogram = PowerOfFourHistogram<10>;
// Handling time of a message (nanoseconds): 1.024 us .. about 1 s.
inline constexpr unsigned kLatencyFirstBoundLog2 = 10;
using LatencyHistogram = PowerOfFourHistogram<11>;

struct alignas(64) ThreadMetrics {
  // One message in this many is timed through the application (the clock
  // is read twice for it, not for every message).
  static constexpr std::uint64_t kLatencySampleEvery = 64;

  std::array<OwnedCounter, static_cast<std::size_t>(HandshakeOutcome::count)> handshakes;
  // WebSocket connections that reached OPEN, and those that ended, by code.
  OwnedCounter connections_opened;
  std::array<OwnedCounter, kCloseCodeSlots> connections_closed;
  std::array<TokenMetrics, kMaxTokens> tokens;

  // Application messages (after decoding) and bytes on the wire (TCP
  // payload, TLS records included).
  OwnedCounter messages_received;
  OwnedCounter messages_sent;
  OwnedCounter wire_bytes_received;
  OwnedCounter wire_bytes_sent;
  MessageSizeHistogram received_message_size;
  MessageSizeHistogram sent_message_size;
  LatencyHistogram message_latency;

  // Connections closed with 1008 because their send queue was full.
  OwnedCounter slow_reader_closes;
  // Gauges refreshed on this thread when the metrics are read
  // (IoThread::refresh_gauges): open sockets and the bytes queued for them.
  OwnedGauge sockets_open;
  OwnedGauge send_queue_bytes;

  void count_handshake(HandshakeOutcome outcome) noexcept {
    handshakes[static_cast<std::size_t>(outcome)].add();
  }
};

}  // namespace wsx::metrics
