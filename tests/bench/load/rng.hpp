// A small deterministic random generator for the load tool: the same --seed
// gives the same corpus, payloads and masking keys on every machine (the
// standard library's distributions are not portable across implementations,
// so we do our own arithmetic on raw 64-bit draws).
#pragma once

#include <cstdint>

namespace wsx::bench {

// SplitMix64 (Steele, Lea, Flood 2014): one add and a mix per draw, full
// 2^64 period, good enough statistics for test data. Not cryptographic.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound); bound > 0. The modulo bias is below 2^-40 for the
  // small bounds used here.
  std::uint64_t below(std::uint64_t bound) noexcept { return next() % bound; }

  // Uniform in [low, high].
  std::uint64_t between(std::uint64_t low, std::uint64_t high) noexcept {
    return low + below(high - low + 1);
  }

  // True with probability percent/100.
  bool chance(unsigned percent) noexcept { return below(100) < percent; }

 private:
  std::uint64_t state_;
};

// A seed for the index-th stream derived from a base seed, so that streams
// (one per connection, say) do not overlap.
[[nodiscard]] inline std::uint64_t derive_seed(std::uint64_t base, std::uint64_t index) noexcept {
  Rng mix(base ^ (index * 0xD1B54A32D192ED03ull));
  return mix.next();
}

}  // namespace wsx::bench
