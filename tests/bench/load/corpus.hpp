// Deterministic test payloads for the load tool.
//
// Text: JSON-like event messages (trades, chat lines, metrics, presence and
// order updates) of about 261 bytes on average, with varied keys, words,
// numbers and timestamps, a few non-ASCII words (so UTF-8 validation does
// real work) -- the kind of traffic a WebSocket server echoes or fans out.
// Binary: semi-compressible blocks (random bytes, text, a small alphabet,
// near-repeats of earlier blocks), so deflate has something to find but not
// everything.
//
// The same seed gives the same bytes everywhere (no std:: distributions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wsx::bench {

// One JSON-like text message, valid UTF-8.
[[nodiscard]] std::string make_text_message(std::uint64_t seed, std::uint64_t sequence);

// `count` messages generated from `seed`, in order.
[[nodiscard]] std::vector<std::string> make_text_corpus(std::uint64_t seed, std::size_t count);

// `size` bytes of semi-compressible binary content.
[[nodiscard]] std::vector<std::uint8_t> make_binary_payload(std::uint64_t seed, std::size_t size);

// The same messages as byte spans, for code that sends either kind.
[[nodiscard]] std::vector<std::span<const std::uint8_t>> as_byte_spans(
    const std::vector<std::string>& messages);
[[nodiscard]] std::vector<std::span<const std::uint8_t>> as_byte_spans(
    const std::vector<std::vector<std::uint8_t>>& payloads);

}  // namespace wsx::bench
