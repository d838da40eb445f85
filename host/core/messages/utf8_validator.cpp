#include "core/messages/utf8_validator.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace wsx::core {

namespace {

// A deterministic automaton over bytes that accepts exactly the well-formed
// sequences of Unicode Table 3-7 ("Well-Formed UTF-8 Byte Sequences"), as in
// Hoehrmann's decoder, but laid out as a "shift DFA": each state is a bit
// offset (a multiple of 6), and transitions[byte] holds, at every state's
// offset, the 6-bit next state (the layout is Per Vognsen's). One step is
// one table load, which depends only on the byte and so can be issued
// early, and one shift, which is all that waits on the previous state; a
// classic table DFA waits on a dependent load per byte (on mostly-multibyte
// text, ~1.4 GB/s against ~0.4 GB/s for the byte-at-a-time validator it
// replaced, x86-64 at 2.6 GHz, measured before simdjson took long runs).
// Since then the automaton sees only what simdjson cannot take (see feed()):
// pieces with fewer than simd_threshold bytes after their ASCII prefix, the
// at most three bytes that finish a character begun by the previous piece,
// and the unfinished character at the end of a piece.
enum State : std::uint32_t {
  accept = 0,     // between characters
  reject = 6,     // invalid; absorbing
  tail1 = 12,     // one more byte 80..BF completes the character
  tail2 = 18,     // two more bytes 80..BF
  tail3 = 24,     // three more bytes 80..BF
  after_e0 = 30,  // E0 A0..BF: no overlong 3-byte forms
  after_ed = 36,  // ED 80..9F: no surrogates U+D800..U+DFFF
  after_f0 = 42,  // F0 90..BF: no overlong 4-byte forms
  after_f4 = 48,  // F4 80..8F: nothing above U+10FFFF
};

constexpr std::array<State, 9> all_states{accept,   reject,   tail1,    tail2,   tail3,
                                          after_e0, after_ed, after_f0, after_f4};

constexpr bool in(unsigned byte, unsigned low, unsigned high) noexcept {
  return byte >= low && byte <= high;
}

// Table 3-7, one row per lead byte range; a byte the row does not allow
// rejects.
constexpr State next_state(State state, unsigned byte) noexcept {
  switch (state) {
    case accept:
      if (byte < 0x80) return accept;
      if (in(byte, 0xC2, 0xDF)) return tail1;  // C0, C1 would be overlong
      if (byte == 0xE0) return after_e0;
      if (byte == 0xED) return after_ed;
      if (in(byte, 0xE1, 0xEF)) return tail2;
      if (byte == 0xF0) return after_f0;
      if (in(byte, 0xF1, 0xF3)) return tail3;
      if (byte == 0xF4) return after_f4;
      return reject;  // 80..BF (continuation), C0, C1 and F5..FF
    case tail1:
      return in(byte, 0x80, 0xBF) ? accept : reject;
    case tail2:
      return in(byte, 0x80, 0xBF) ? tail1 : reject;
    case tail3:
      return in(byte, 0x80, 0xBF) ? tail2 : reject;
    case after_e0:
      return in(byte, 0xA0, 0xBF) ? tail1 : reject;
    case after_ed:
      return in(byte, 0x80, 0x9F) ? tail1 : reject;
    case after_f0:
      return in(byte, 0x90, 0xBF) ? tail2 : reject;
    case after_f4:
      return in(byte, 0x80, 0x8F) ? tail2 : reject;
    case reject:
      break;
  }
  return reject;
}

constexpr std::array<std::uint64_t, 256> transitions = [] {
  std::array<std::uint64_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte)
    for (State state : all_states)
      table[byte] |= static_cast<std::uint64_t>(next_state(state, byte)) << state;
  return table;
}();

// The state after `byte`. Only the low 6 bits of a state count: the bits
// above are left over from the table row, and the shift ignores them (the
// mask is free: x86-64 and AArch64 shifts take the count modulo 64).
inline std::uint64_t step(std::uint64_t state, std::uint8_t byte) noexcept {
  return transitions[byte] >> (state & 63);
}

inline std::uint32_t clean(std::uint64_t state) noexcept {
  return static_cast<std::uint32_t>(state & 63);
}

constexpr std::uint64_t high_bits = 0x8080808080808080u;

inline bool ascii_word(const std::uint8_t* data) noexcept {
  std::uint64_t word;
  std::memcpy(&word, data, 8);
  return (word & high_bits) == 0;
}

// True if the 16 bytes at `data` are ASCII (one OR and one AND instead of
// sixteen automaton steps; most text on the wire is ASCII).
inline bool ascii_block(const std::uint8_t* data) noexcept {
  std::uint64_t a;
  std::uint64_t b;
  std::memcpy(&a, data, 8);
  std::memcpy(&b, data + 8, 8);
  return ((a | b) & high_bits) == 0;
}

constexpr std::size_t block = 16;

// Index of the first non-ASCII byte of the 16 at `data` (16 if none): the
// bytes before it need no automaton steps when we are between characters.
inline std::size_t ascii_prefix(const std::uint8_t* data) noexcept {
  std::uint64_t a;
  std::uint64_t b;
  std::memcpy(&a, data, 8);
  std::memcpy(&b, data + 8, 8);
  a &= high_bits;
  b &= high_bits;
  if constexpr (std::endian::native == std::endian::little) {
    // Byte j of a word is bits 8j..8j+7, so the lowest set bit names the byte.
    if (a != 0) return static_cast<std::size_t>(std::countr_zero(a)) / 8;
    if (b != 0) return 8 + static_cast<std::size_t>(std::countr_zero(b)) / 8;
    return block;
  } else {
    return (a | b) == 0 ? block : 0;
  }
}

// Runs the automaton over `size` bytes from `state`, 16 bytes at a time.
// Between characters, the ASCII bytes that open a block need no steps (an
// all-ASCII block none at all); the rest of the block is stepped through,
// and a block that ends in reject ends the scan there (reject is absorbing,
// so checking once per block loses nothing, and the first bad byte stops
// the work within 16 bytes). `before` is how many readable bytes precede
// `data`: with 16 in reach, an ASCII tail is recognised by one overlapping
// block test instead of byte steps.
std::uint64_t run(std::uint64_t state, const std::uint8_t* data, std::size_t size,
                  std::size_t before) noexcept {
  std::size_t i = 0;
  for (; size - i >= block; i += block) {
    const std::size_t from = clean(state) == accept ? ascii_prefix(data + i) : 0;
    for (std::size_t k = from; k < block; ++k) state = step(state, data[i + k]);
    if (clean(state) == reject) return reject;
  }
  const bool between_characters = i < size && clean(state) == accept;
  if (between_characters && size + before >= block && ascii_block(data + size - block))
    return state;  // an ASCII tail leaves the state as it is
  if (between_characters && size - i >= 8 && ascii_word(data + i)) i += 8;
  for (; i < size; ++i) state = step(state, data[i]);
  return state;
}

// Non-ASCII runs at least this long go to simdjson's validator (Debian's
// libsimdjson): SIMD, picked at run time for the CPU, and 2.7x (mixed JSON)
// to 7.5x (mostly multibyte text) the automaton's speed on ~64 KiB, 1.7x to
// 5x on ~260-byte messages (tests/bench/micro, BM_Utf8*). Shorter runs stay
// with the automaton, which a call into the library would not beat.
constexpr std::size_t simd_threshold = 4 * block;

// Where the last character of [from, size) starts if it is incomplete (its
// lead byte asks for more bytes than follow), else `size`: the bytes before
// are whole characters, which a validator without state can take. Three or
// more trailing continuation bytes are left in the whole part, which judges
// them with their lead byte (or rejects them).
std::size_t whole_characters_end(const std::uint8_t* data, std::size_t from,
                                 std::size_t size) noexcept {
  for (std::size_t back = 1; back <= 3 && back <= size - from; ++back) {
    const std::uint8_t byte = data[size - back];
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t length = byte < 0xC0 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    return length > back ? size - back : size;
  }
  return size;
}

}  // namespace

bool Utf8Validator::feed(std::span<const std::uint8_t> bytes) noexcept {
  static_assert(accept_state == accept && reject_state == reject);
  if (state_ == reject) return false;
  const std::uint8_t* data = bytes.data();
  const std::size_t size = bytes.size();
  // Most messages are ASCII from start to end, or for a long way: skip
  // that prefix at full speed before anything else.
  std::size_t i = 0;
  if (state_ == accept) {
    while (size - i >= block && ascii_block(data + i)) i += block;
    // All ASCII but a short tail: one overlapping block test settles it.
    if (size - i < block && size >= block && ascii_block(data + size - block)) return true;
  }
  std::uint64_t state = state_;
  if (state != accept) {
    // Finish the character a previous piece began (at most three bytes).
    while (i < size && clean(state) != accept && clean(state) != reject)
      state = step(state, data[i++]);
  }
  const std::size_t rest = size - i;
  if (clean(state) == accept && rest >= simd_threshold) {
    // Whole characters to simdjson; an unfinished last one to the
    // automaton, whose state carries it into the next piece (a fragment
    // may end mid-character, RFC 6455 section 5.6).
    const std::size_t whole_end = whole_characters_end(data, i, size);
    if (!simdjson::validate_utf8(reinterpret_cast<const char*>(data + i), whole_end - i)) {
      state_ = reject;
      return false;
    }
    state = run(accept, data + whole_end, size - whole_end, whole_end);
  } else if (clean(state) != reject) {
    // Here either fewer than simd_threshold bytes are left, or the piece
    // ended inside the character it was finishing (rest == 0): short work,
    // which a call into simdjson would not beat.
    state = run(state, data + i, rest, i);
  }
  state_ = static_cast<std::uint8_t>(clean(state));
  return state_ != reject;
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept {
  Utf8Validator validator;
  return validator.feed(bytes) && validator.complete();
}

}  // namespace wsx::core
