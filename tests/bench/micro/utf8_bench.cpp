// UTF-8 validation of text messages (RFC 6455 sections 5.6 and 8.1), GB/s, on
// three kinds of text (corpus.hpp): ASCII JSON, JSON with some multibyte
// names and words, and mostly-multibyte prose. Three ways in:
//  - whole: one call over ~64 KiB (the validator's best case);
//  - fragments: the same bytes fed in pieces of N bytes, as a fragmented
//    message arrives (N odd, so characters straddle piece boundaries);
//  - messages: one call per ~260-byte message, the common server case.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/messages/utf8_validator.hpp"
#include "corpus.hpp"

namespace wsx::bench {
namespace {

constexpr std::size_t corpus_messages = 256;  // ~64 KiB of text

TextKind kind_of(const benchmark::State& state) {
  return static_cast<TextKind>(state.range(0));
}

void BM_Utf8Whole(benchmark::State& state) {
  const TextCorpus corpus = make_corpus(kind_of(state), corpus_messages);
  const auto bytes = as_bytes(corpus.joined);
  bool valid = true;
  for (auto _ : state) {
    valid = core::is_valid_utf8(bytes) && valid;
    benchmark::DoNotOptimize(valid);
  }
  if (!valid) state.SkipWithError("the corpus is valid UTF-8, but the validator said no");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
  state.SetLabel(std::string(to_string(corpus.kind)));
}
BENCHMARK(BM_Utf8Whole)->DenseRange(0, 2);

void BM_Utf8Fragments(benchmark::State& state) {
  const TextCorpus corpus = make_corpus(kind_of(state), corpus_messages);
  const auto bytes = as_bytes(corpus.joined);
  const auto piece = static_cast<std::size_t>(state.range(1));
  bool valid = true;
  for (auto _ : state) {
    core::Utf8Validator validator;
    for (std::size_t at = 0; at < bytes.size(); at += piece)
      validator.feed(bytes.subspan(at, std::min(piece, bytes.size() - at)));
    valid = validator.complete() && valid;
    benchmark::DoNotOptimize(valid);
  }
  if (!valid) state.SkipWithError("the corpus is valid UTF-8, but the validator said no");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
  state.SetLabel(std::string(to_string(corpus.kind)) + " in " + std::to_string(piece) +
                 "-byte pieces");
}
BENCHMARK(BM_Utf8Fragments)->ArgsProduct({{0, 1, 2}, {61, 1021}});

void BM_Utf8Messages(benchmark::State& state) {
  const TextCorpus corpus = make_corpus(kind_of(state), corpus_messages);
  bool valid = true;
  for (auto _ : state) {
    for (const std::string& message : corpus.messages)
      valid = core::is_valid_utf8(as_bytes(message)) && valid;
    benchmark::DoNotOptimize(valid);
  }
  if (!valid) state.SkipWithError("the corpus is valid UTF-8, but the validator said no");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(corpus.joined.size()));
  state.counters["msgs"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(corpus.messages.size()),
      benchmark::Counter::kIsRate);
  state.counters["mean_bytes"] = mean_size(corpus);
  state.SetLabel(std::string(to_string(corpus.kind)) + " per message");
}
BENCHMARK(BM_Utf8Messages)->DenseRange(0, 2);

}  // namespace
}  // namespace wsx::bench
