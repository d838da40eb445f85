// What one run measured, and the single JSON line wsx-bench prints at the end.
// Every key is always present so a script can read any run the same way; a
// figure a scenario does not measure is 0 (e.g. msgs_per_s for storm).
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.hpp"
#include "latency_histogram.hpp"

namespace wsx::bench {

struct BenchResult {
  Scenario scenario = Scenario::echo;
  std::uint32_t connections = 0;
  bool deflate = false;
  std::string offered;              // the Sec-WebSocket-Extensions we sent ("" when none)
  std::string negotiated;           // the server's Sec-WebSocket-Extensions answer ("" if none)
  std::string tls;                  // --tls: "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519" ("" if plain)
  std::uint64_t messages = 0;       // echoes received and verified (zlib-limit: round trips)
  std::uint64_t payload_bytes = 0;  // payload bytes of those messages, one direction
  double seconds = 0;               // the measured interval
  std::uint64_t handshakes = 0;     // opening handshakes completed
  double handshake_seconds = 0;     // the interval they took (setup, or the whole storm)
  // Latency: message round trip (send queued -> echo verified); storm: the
  // opening handshake (connect -> 101 validated); zlib-limit: deflate+inflate.
  LatencyHistogram latency;
  std::uint64_t errors = 0;
  std::uint64_t ready = 0;       // idle: connections held open
  double compression_ratio = 0;  // zlib-limit: compressed / original bytes
};

// One line of JSON, no trailing newline:
// {"scenario":"echo","connections":64,"deflate":true,"offered":"...","negotiated":"...","tls":"...",
//  "messages":N,"bytes":B,"seconds":5.0,"msgs_per_s":...,"mb_per_s":...,"p50_us":...,
//  "p99_us":...,"p999_us":...,"max_us":...,"handshakes":H,"handshakes_per_s":...,"ready":R,"ratio":...,"errors":0}
// mb_per_s counts 10^6 bytes of payload echoed (one direction).
[[nodiscard]] std::string to_json_line(const BenchResult& result);

}  // namespace wsx::bench
