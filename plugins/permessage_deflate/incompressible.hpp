// A cheap guess, before any byte reaches deflate, whether a message would
// shrink at all (issue 13, item 4): already-compressed or random data goes
// out uncompressed with RSV1 clear, which RFC 7692 §6 allows per message.
#pragma once

#include <wsx/extension.h>

#include <cstddef>

namespace wsx::pmd {

// Bytes looked at: a payload of up to 1 KiB whole; a larger one in four
// slices of 256 bytes spread over it (its start, and three evenly spaced
// points), of which three must look like noise, so that a file format's text
// header alone does not decide a large message.
inline constexpr std::size_t kSampleSlice = 256;
inline constexpr std::size_t kSampleSlices = 4;
// Shorter samples say too little (the estimate's spread at 64 bytes is
// larger than the margin below): they are compressed as before.
inline constexpr std::size_t kMinSample = 128;

// True when the sampled bytes look like uniformly spread noise: their
// collision probability sum(p_i^2) (estimated without the small-sample bias,
// (sum c_i^2 - n) / (n (n - 1))) is at most 1/220, i.e. the bytes use at
// least ~220 equally likely values. DEFLATE's Huffman stage then saves at
// most log2(256/220)/8 = 2.7%, less than a stored block and the RSV1 frame
// cost back, and LZ77 finds no repeats in such data unless whole runs of it
// recur (a repeated random block is the case this guess gets wrong: it goes
// out uncompressed, still correct). Uniform random bytes give 1/256, with a
// spread of ~0.00009 at 1 KiB of sample (~0.00035 per 256-byte slice, hence
// three of four) against a margin of 0.0006; base64
// (1/64), hex and any text are far above and are compressed.
[[nodiscard]] bool looks_incompressible(wsx_bytes payload) noexcept;

}  // namespace wsx::pmd
