// RFC 6455 section 5.3: masking, and the masking key source.
#include <gtest/gtest.h>

#include <set>

#include "core/framing/mask.hpp"
#include "core/framing/mask_key.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;

Bytes naive_mask(const Bytes& data, MaskKey key, std::size_t offset) {
  Bytes out = data;
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= key[(i + offset) % 4];
  return out;
}

Bytes pattern(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 31 + 7);
  return out;
}

TEST(Mask, RfcExampleMaskedHello) {
  // 5.7: "Hello" masked with 37 fa 21 3d is 7f 9f 4d 51 58.
  Bytes data = test::bytes_of("Hello");
  apply_mask(data, {0x37, 0xfa, 0x21, 0x3d});
  EXPECT_EQ(data, (Bytes{0x7f, 0x9f, 0x4d, 0x51, 0x58}));
}

TEST(Mask, MatchesBytewiseDefinitionForEveryLengthAndOffset) {
  const MaskKey key{0xA1, 0x02, 0xF3, 0x44};
  for (std::size_t size = 0; size <= 100; ++size) {
    for (std::size_t offset = 0; offset < 6; ++offset) {
      const Bytes original = pattern(size);
      Bytes data = original;
      apply_mask(data, key, offset);
      ASSERT_EQ(data, naive_mask(original, key, offset)) << "size " << size << " offset " << offset;
    }
  }
}

TEST(Mask, UnalignedStartMatchesDefinition) {
  // The payload of a frame starts wherever the header ends.
  const MaskKey key{1, 2, 3, 4};
  Bytes buffer = pattern(200);
  for (std::size_t start = 1; start < 9; ++start) {
    Bytes copy = buffer;
    apply_mask(std::span(copy).subspan(start, 150), key);
    Bytes expected = buffer;
    for (std::size_t i = 0; i < 150; ++i) expected[start + i] ^= key[i % 4];
    ASSERT_EQ(copy, expected) << "start " << start;
  }
}

TEST(Mask, MaskingTwiceRestores) {
  const Bytes original = pattern(1000);
  Bytes data = original;
  apply_mask(data, {9, 8, 7, 6});
  EXPECT_NE(data, original);
  apply_mask(data, {9, 8, 7, 6});
  EXPECT_EQ(data, original);
}

TEST(Mask, PiecewiseWithOffsetsEqualsWhole) {
  const MaskKey key{0x10, 0x20, 0x30, 0x40};
  const Bytes original = pattern(77);
  Bytes whole = original;
  apply_mask(whole, key);
  Bytes pieces = original;
  apply_mask(std::span(pieces).subspan(0, 13), key, 0);
  apply_mask(std::span(pieces).subspan(13, 30), key, 13);
  apply_mask(std::span(pieces).subspan(43), key, 43);
  EXPECT_EQ(pieces, whole);
}

TEST(Mask, MaskCopyLeavesSourceIntact) {
  const MaskKey key{0xDE, 0xAD, 0xBE, 0xEF};
  for (std::size_t size : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 1000u}) {
    const Bytes source = pattern(size);
    Bytes destination(size);
    mask_copy(destination.data(), source.data(), size, key);
    EXPECT_EQ(destination, naive_mask(source, key, 0)) << size;
    EXPECT_EQ(source, pattern(size));
  }
}

TEST(MaskKey, ToMaskKeyIsBigEndian) {
  EXPECT_EQ(to_mask_key(0x37fa213du), (MaskKey{0x37, 0xfa, 0x21, 0x3d}));
}

TEST(MaskKey, DefaultSourceGivesVaryingKeys) {
  MaskKeySource source = make_default_mask_key_source();
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(source());
  // A 32-bit generator repeating within 1000 draws would be broken.
  EXPECT_GT(seen.size(), 990u);
}

TEST(MaskKey, SourcesAreSeededIndependently) {
  MaskKeySource a = make_default_mask_key_source();
  MaskKeySource b = make_default_mask_key_source();
  std::vector<std::uint32_t> from_a;
  std::vector<std::uint32_t> from_b;
  for (int i = 0; i < 4; ++i) {
    from_a.push_back(a());
    from_b.push_back(b());
  }
  EXPECT_NE(from_a, from_b);
}

}  // namespace
}  // namespace wsx::core
