// Deterministic inputs for the micro-benchmarks: JSON-like messages shaped
// like the chat/market/presence traffic a WebSocket server carries (mean
// ~260 bytes), and mostly-multibyte prose. Generated in code from a seed, so
// every run (and every machine) measures the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wsx::bench {

// What the text fields of a corpus are made of.
enum class TextKind {
  ascii,     // JSON messages, ASCII only
  mixed,     // JSON messages; names and ~1 word in 6 are Latin-1/Greek/Cyrillic/CJK/emoji
  multibyte  // prose where most characters take 2-4 bytes (Cyrillic, Greek, CJK, emoji)
};

[[nodiscard]] std::string_view to_string(TextKind kind) noexcept;

// A small, fully specified PRNG (splitmix64): std::mt19937 is specified, but
// the standard distributions are not, and the corpus must not depend on the
// standard library's version.
class SeededRandom {
 public:
  explicit SeededRandom(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t next() noexcept;
  // Uniform enough in [0, bound) for test data (bound > 0).
  std::size_t below(std::size_t bound) noexcept { return next() % bound; }
  // In [low, high].
  std::size_t between(std::size_t low, std::size_t high) noexcept {
    return low + below(high - low + 1);
  }

 private:
  std::uint64_t state_;
};

struct TextCorpus {
  TextKind kind = TextKind::ascii;
  // One message each: what a client sends in one WebSocket text message.
  std::vector<std::string> messages;
  // The messages back to back (valid UTF-8: every message is).
  std::string joined;
};

// `count` messages of `kind` from `seed`.
[[nodiscard]] TextCorpus make_corpus(TextKind kind, std::size_t count, std::uint64_t seed = 6455);

// Bytes of a string as the span the wsx APIs take.
[[nodiscard]] inline std::span<const std::uint8_t> as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Mean message size in bytes.
[[nodiscard]] double mean_size(const TextCorpus& corpus) noexcept;

}  // namespace wsx::bench
