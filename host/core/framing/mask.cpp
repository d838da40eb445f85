#include "core/framing/mask.hpp"

#include <cstring>

namespace wsx::core {

namespace {

// The key repeated to fill 8 bytes, starting with key[offset % 4]. Built from
// bytes with memcpy so the result is right on either endianness: byte j of the
// word in memory is key[(offset + j) % 4], which is what position j of an
// 8-byte chunk starting at a multiple of 4 from `offset` needs.
std::uint64_t key_word(MaskKey key, std::size_t offset) noexcept {
  std::uint8_t bytes[8];
  for (std::size_t j = 0; j < 8; ++j) bytes[j] = key[(offset + j) % 4];
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Core loop shared by both entry points. memcpy loads/stores are the portable
// way to do unaligned word access; compilers turn them into single moves.
void xor_words(std::uint8_t* dst, const std::uint8_t* src, std::size_t size, MaskKey key,
               std::size_t offset) noexcept {
  const std::uint64_t word_key = key_word(key, offset);
  std::size_t i = 0;
  // Four words per iteration give the vectoriser a 32-byte body to work with.
  for (; i + 32 <= size; i += 32) {
    std::uint64_t w[4];
    std::memcpy(w, src + i, sizeof w);
    w[0] ^= word_key;
    w[1] ^= word_key;
    w[2] ^= word_key;
    w[3] ^= word_key;
    std::memcpy(dst + i, w, sizeof w);
  }
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, src + i, sizeof w);
    w ^= word_key;
    std::memcpy(dst + i, &w, sizeof w);
  }
  // Tail: i is a multiple of 8, so the key phase at i is still `offset`.
  for (; i < size; ++i) dst[i] = src[i] ^ key[(offset + i) % 4];
}

}  // namespace

void apply_mask(std::span<std::uint8_t> data, MaskKey key, std::size_t key_offset) noexcept {
  xor_words(data.data(), data.data(), data.size(), key, key_offset % 4);
}

void mask_copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t size, MaskKey key) noexcept {
  xor_words(dst, src, size, key, 0);
}

}  // namespace wsx::core
