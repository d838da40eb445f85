#include "core/framing/mask_key.hpp"

#include <random>

namespace wsx::core {

namespace {

// xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift
// generators", 2016): 8 bytes of state, full 2^64-1 period, good output bits.
class XorShift64Star {
 public:
  explicit XorShift64Star(std::uint64_t seed) noexcept
      : state_(seed == 0 ? 0x9E3779B97F4A7C15u : seed) {}

  std::uint32_t operator()() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    // The high half of the product holds the best-mixed bits.
    return static_cast<std::uint32_t>((state_ * 0x2545F4914F6CDD1Du) >> 32);
  }

 private:
  std::uint64_t state_;
};

}  // namespace

MaskKeySource make_default_mask_key_source() {
  std::random_device entropy;
  const std::uint64_t seed = (static_cast<std::uint64_t>(entropy()) << 32) ^ entropy();
  // 8 bytes of state fit std::function's small-object buffer: no allocation.
  return XorShift64Star(seed);
}

}  // namespace wsx::core
