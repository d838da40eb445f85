// Turns the command line into what the network scenarios need: where to
// dial and what to offer (SessionSetup), and the messages to send.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_options.hpp"
#include "core/extensions/extension_factory.hpp"
#include "traffic_support.hpp"
#include "ws_session.hpp"

namespace wsx::bench {

// How many distinct messages a run cycles through: 8192 text messages (2 MB,
// far more than a 32 KiB deflate window can exploit when they repeat) or 4
// binary payloads.
inline constexpr std::size_t kTextCorpusSize = 8192;
inline constexpr std::size_t kBinaryPoolSize = 4;

// Owns the message bytes; `set` points into them.
struct Workload {
  std::vector<std::string> texts;
  std::vector<std::vector<std::uint8_t>> binaries;
  MessageSet set;
};

// Binary payloads of --size bytes for large and --payload large (the same
// bytes for the same --seed and --size); the text corpus otherwise. Seeded by
// --seed.
[[nodiscard]] Workload make_workload(const BenchOptions& options);

// Throws std::runtime_error when --host is not an IP address.
[[nodiscard]] SessionSetup make_session_setup(const BenchOptions& options,
                                              const core::FactoryList& factories);

}  // namespace wsx::bench
