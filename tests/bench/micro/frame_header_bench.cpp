// Frame header parse and serialise (RFC 6455 section 5.2), ns per header, for
// each of the three length encodings: 7-bit (<= 125), 16-bit (126 + 2 bytes)
// and 64-bit (127 + 8 bytes).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>

#include "core/framing/frame.hpp"

namespace wsx::bench {
namespace {

using core::FrameHeader;
using core::HeaderStatus;

// Payload lengths that need each encoding (state.range(0) selects).
constexpr std::array<std::uint64_t, 3> lengths{100, 1000, 100000};
constexpr std::array<const char*, 3> encodings{"len7", "len16", "len64"};

FrameHeader client_header(std::uint64_t length) {
  FrameHeader header;
  header.fin = true;
  header.opcode = core::opcode::text;
  header.masked = true;  // section 5.1: what a server parses is always masked
  header.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  header.payload_length = length;
  return header;
}

void BM_FrameHeaderParse(benchmark::State& state) {
  const std::uint64_t length = lengths[static_cast<std::size_t>(state.range(0))];
  std::array<std::uint8_t, core::max_frame_header_size> wire{};
  const std::size_t size = core::write_frame_header(client_header(length), wire.data());
  const core::HeaderRules rules{true, 0};
  const std::span<const std::uint8_t> bytes(wire.data(), size);
  // Checked once outside the loop: a benchmark of a parser that fails would
  // measure the error path.
  const core::HeaderParse check = core::parse_frame_header(bytes, rules);
  if (check.status != HeaderStatus::complete || check.header.payload_length != length) {
    state.SkipWithError("parse_frame_header did not read back the written header");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    core::HeaderParse parsed = core::parse_frame_header(bytes, rules);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetLabel(encodings[static_cast<std::size_t>(state.range(0))]);
  state.counters["header_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_FrameHeaderParse)->DenseRange(0, 2);

// The server writes unmasked headers (5.1); the client variant adds the key.
void BM_FrameHeaderWrite(benchmark::State& state) {
  const std::uint64_t length = lengths[static_cast<std::size_t>(state.range(0))];
  FrameHeader header = client_header(length);
  header.masked = state.range(1) != 0;
  std::array<std::uint8_t, core::max_frame_header_size> out{};
  std::size_t size = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(header);
    size = core::write_frame_header(header, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  if (size != core::frame_header_size(length, header.masked)) {
    state.SkipWithError("write_frame_header wrote an unexpected size");
    return;
  }
  state.SetLabel(std::string(encodings[static_cast<std::size_t>(state.range(0))]) +
                 (header.masked ? " masked" : " unmasked"));
  state.counters["header_bytes"] = static_cast<double>(size);
}
BENCHMARK(BM_FrameHeaderWrite)->ArgsProduct({{0, 1, 2}, {0, 1}});

}  // namespace
}  // namespace wsx::bench
