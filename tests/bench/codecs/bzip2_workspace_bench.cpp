// permessage-bzip2's codec, one message compressed and decompressed per
// iteration, with libbz2's work areas from the per-thread cache (what
// wsx-host's I/O threads give the plugin) against plain malloc per message
// (a host without thread contexts, or reuse_workspaces = false).
// Counters: minor page faults per message (getrusage), the cost the cache
// exists to avoid. A round trip that does not give the message back is a
// benchmark error (SkipWithError), and the binary exits 1.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <wsx/extension.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "permessage_bzip2/bzip2_codec.hpp"
#include "permessage_bzip2/workspace_cache.hpp"

// The ABI's opaque buffer, as this benchmark hosts it.
struct wsx_buffer {
  std::vector<std::uint8_t> bytes;
  std::size_t size = 0;
};

namespace {

std::uint8_t* reserve(wsx_buffer* buffer, std::size_t min_bytes, std::size_t* available) {
  if (buffer->bytes.size() < buffer->size + min_bytes)
    buffer->bytes.resize(buffer->size + min_bytes);
  if (available != nullptr) *available = buffer->bytes.size() - buffer->size;
  return buffer->bytes.data() + buffer->size;
}
void commit(wsx_buffer* buffer, std::size_t bytes) {
  buffer->size += bytes;
}
std::size_t size(const wsx_buffer* buffer) {
  return buffer->size;
}
std::int32_t append(wsx_buffer* buffer, const void* data, std::size_t bytes) {
  std::memcpy(reserve(buffer, bytes, nullptr), data, bytes);
  commit(buffer, bytes);
  return 0;
}

wsx_host_api host_api() {
  wsx_host_api api{};
  api.struct_size = sizeof api;
  api.buffer_reserve = &reserve;
  api.buffer_commit = &commit;
  api.buffer_size = &size;
  api.buffer_append = &append;
  return api;
}

// JSON-like text: what a WebSocket application sends.
std::vector<std::uint8_t> message(std::size_t bytes) {
  std::mt19937 generator(42);
  std::string text;
  while (text.size() < bytes) {
    text += R"({"seq":)" + std::to_string(generator() % 100000) + R"(,"user":"user-)" +
            std::to_string(generator() % 17) + R"(","type":"update","x":)" +
            std::to_string(generator() % 2000) + "}";
  }
  text.resize(bytes);
  return {text.begin(), text.end()};
}

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

void BM_Bzip2Message(benchmark::State& state) {
  const int level = static_cast<int>(state.range(0));
  const std::vector<std::uint8_t> payload = message(static_cast<std::size_t>(state.range(1)));
  const bool cached = state.range(2) != 0;
  const wsx_host_api api = host_api();
  const wsx::sdk::Host host(&api);
  wsx::bzip2::WorkspaceCache cache;
  wsx::bzip2::WorkspaceCache* workspace = cached ? &cache : nullptr;
  wsx::bzip2::Encoder encoder(level, workspace);
  wsx::bzip2::Decoder decoder(workspace);
  wsx_buffer compressed;
  wsx_buffer decompressed;
  const long faults_before = minor_faults();
  for (auto _ : state) {
    compressed.size = 0;
    decompressed.size = 0;
    wsx::sdk::BufferWriter compressed_out(host, &compressed);
    if (encoder.encode(payload, true, true, compressed_out)) {
      state.SkipWithError("encode failed");
      break;
    }
    wsx::sdk::BufferWriter decompressed_out(host, &decompressed);
    const std::span<const std::uint8_t> wire(compressed.bytes.data(), compressed.size);
    if (decoder.decode(wire, true, true, payload.size(), decompressed_out) ||
        decompressed.size != payload.size() ||
        std::memcmp(decompressed.bytes.data(), payload.data(), payload.size()) != 0) {
      state.SkipWithError("the message did not come back intact");
      break;
    }
    benchmark::DoNotOptimize(decompressed.bytes.data());
  }
  state.counters["faults/msg"] = benchmark::Counter(
      static_cast<double>(minor_faults() - faults_before), benchmark::Counter::kAvgIterations);
  state.counters["ratio"] =
      static_cast<double>(compressed.size) / static_cast<double>(payload.size());
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(cached ? "per-thread cache" : "malloc per message");
}

BENCHMARK(BM_Bzip2Message)
    ->ArgNames({"level", "bytes", "cached"})
    ->ArgsProduct({{1, 9}, {1024, 65536}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
