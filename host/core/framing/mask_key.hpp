// Where a client gets the masking key of each frame it sends.
//
// RFC 6455 section 5.3: the key "MUST be derived from a strong source of
// entropy", fresh for every frame, so that a script cannot predict the bytes
// an intermediary will see (the cache-poisoning attack of section 10.3). The
// key is injected per connection: no global generator, and tests can make
// frames reproducible.
#pragma once

#include <cstdint>
#include <functional>

#include "core/framing/mask.hpp"

namespace wsx::core {

// Returns a fresh 32-bit masking key for each call. Called only by client-role
// connections (a server never masks, section 5.1).
using MaskKeySource = std::function<std::uint32_t()>;

// The default source: an xorshift64* generator seeded per connection from
// std::random_device. It is cheap enough for one key per frame and
// unpredictable to a peer that does not see the seed; an application that
// needs a cryptographic generator injects its own MaskKeySource. (wsx is a
// server: its client role serves tools and tests.)
[[nodiscard]] MaskKeySource make_default_mask_key_source();

// The 32-bit key value as the four octets written in the frame header
// (most significant first, a fixed convention so tests can predict frames).
[[nodiscard]] constexpr MaskKey to_mask_key(std::uint32_t value) noexcept {
  return {static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
          static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value)};
}

}  // namespace wsx::core
