// Payload masking (RFC 6455 section 5.3): octet i of the payload is XORed with
// octet (i mod 4) of the 4-byte masking key. Masking and unmasking are the same
// operation. These run on every byte a client sends, so they work a machine
// word (8 bytes) at a time and leave the rest to the compiler's vectoriser.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wsx::core {

// The key in wire order: key[0] is the first key octet of the frame header.
using MaskKey = std::array<std::uint8_t, 4>;

// XORs `data` in place with `key`. `key_offset` is the index (mod 4) of the
// key octet that applies to data[0], so a payload can be unmasked in pieces.
void apply_mask(std::span<std::uint8_t> data, MaskKey key, std::size_t key_offset = 0) noexcept;

// Writes src[i] ^ key[i mod 4] to dst[i] for i < size (masking while copying,
// used when a client serialises a frame: the caller's payload stays intact).
// dst and src must not overlap unless they are equal.
void mask_copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t size, MaskKey key) noexcept;

}  // namespace wsx::core
