#include "traffic_support.hpp"

#include <algorithm>

#include "rng.hpp"

namespace wsx::bench {

std::optional<std::string> echo_mismatch(std::uint8_t expected_opcode,
                                         std::span<const std::uint8_t> expected,
                                         std::uint8_t opcode,
                                         std::span<const std::uint8_t> payload) {
  if (opcode == expected_opcode && payload.size() == expected.size() &&
      std::equal(payload.begin(), payload.end(), expected.begin()))
    return std::nullopt;
  std::string why = "echo differs from the message sent: opcode " + std::to_string(opcode) +
                    " (sent " + std::to_string(expected_opcode) + "), " +
                    std::to_string(payload.size()) + " bytes (sent " +
                    std::to_string(expected.size()) + ")";
  const auto differ =
      std::mismatch(payload.begin(), payload.end(), expected.begin(), expected.end());
  if (differ.first != payload.end() || differ.second != expected.end())
    why += ", first different byte at offset " + std::to_string(differ.first - payload.begin());
  return why;
}

std::uint64_t connection_seed(std::uint64_t run_seed, std::uint32_t index) noexcept {
  return derive_seed(run_seed ^ 0x636f6e6e656374ull, index);  // "connect"
}

}  // namespace wsx::bench
