// The per-connection extension chain (RFC 6455 section 9; DESIGN.md data
// path), ns per frame, with 0, 1 and 4 pass-through extensions. The
// extensions are the test plugin tests/plugins/pass_plugin.c, loaded with
// host/plugins and negotiated by host/core, so each frame crosses the real
// C ABI once per extension:
//  - decode: the plugin answers WSX_UNCHANGED and the host forwards the
//    payload without a copy (what a pass-through costs on receive);
//  - encode: the plugin copies the payload into the host's scratch buffer
//    through buffer_append (what a rewriting extension costs at minimum).
// Frames are the ~260-byte messages of the mixed JSON corpus.
#include <benchmark/benchmark.h>

#include <exception>
#include <string>

#include "corpus.hpp"
#include "loaded_plugins.hpp"

namespace wsx::bench {
namespace {

constexpr std::uint64_t max_payload = 16u << 20;

// A chain of `count` pass-through extensions, built as the host builds one.
struct PassChain {
  explicit PassChain(std::size_t count) : fixture(pass_plugin_path()) {
    std::string offer;
    if (count > 0) {
      const core::FactoryList factories = numbered_copies(fixture.server_factories().at(0), count);
      for (const auto& factory : factories) offer += (offer.empty() ? "" : ", ") + factory->token;
      chain = negotiate_chain(factories, offer);
    }
  }
  PluginFixture fixture;  // before the chain: its library must outlive it
  core::ExtensionChain chain;
};

enum class Direction { encode, decode };

void run_chain(benchmark::State& state, Direction direction) {
  const auto count = static_cast<std::size_t>(state.range(0));
  try {
    PassChain pass(count);
    if (pass.chain.size() != count) {
      state.SkipWithError("negotiation did not accept every pass-through extension");
      return;
    }
    const TextCorpus corpus = make_corpus(TextKind::mixed, 256);
    std::size_t next = 0;
    std::size_t bytes = 0;
    for (auto _ : state) {
      const std::string& message = corpus.messages[next];
      next = next + 1 == corpus.messages.size() ? 0 : next + 1;
      core::FrameView frame{WSX_OPCODE_TEXT, true, 0, as_bytes(message)};
      auto error = direction == Direction::encode ? pass.chain.encode(frame)
                                                  : pass.chain.decode(frame, max_payload);
      if (error || frame.payload.size() != message.size()) {
        state.SkipWithError("the chain changed or refused a frame");
        break;
      }
      bytes += frame.payload.size();
      benchmark::DoNotOptimize(frame);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["extensions"] = static_cast<double>(count);
    state.SetLabel(direction == Direction::encode ? "encode (plugin copies)"
                                                  : "decode (WSX_UNCHANGED, no copy)");
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

void BM_ChainDecode(benchmark::State& state) {
  run_chain(state, Direction::decode);
}
BENCHMARK(BM_ChainDecode)->Arg(0)->Arg(1)->Arg(4);

void BM_ChainEncode(benchmark::State& state) {
  run_chain(state, Direction::encode);
}
BENCHMARK(BM_ChainEncode)->Arg(0)->Arg(1)->Arg(4);

}  // namespace
}  // namespace wsx::bench
