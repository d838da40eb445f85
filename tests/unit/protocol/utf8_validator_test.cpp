// UTF-8 validation (RFC 6455 section 8.1, RFC 3629, Unicode Table 3-7),
// checked against an independent decoder that computes code points.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "core/messages/utf8_validator.hpp"
#include "test_support.hpp"
#include "utf8_reference.hpp"

namespace wsx::core {
namespace {

using test::Bytes;

// The independent decoder of tests/support/utf8_reference.hpp.
bool reference_valid(std::span<const std::uint8_t> s) {
  return wsx::test::reference_valid_utf8(s);
}

TEST(Utf8, KnownValidTexts) {
  for (const char* text : {"", "Hello", "κόσμε", "€", "\xF0\x9F\x98\x80", "\xEF\xBF\xBF",
                           "\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80", "\xC2\x80",
                           "a longer ASCII text that spans several eight-byte words ......"}) {
    EXPECT_TRUE(is_valid_utf8(std::string_view(text))) << text;
  }
}

TEST(Utf8, KnownInvalidTexts) {
  for (const char* text : {
           "\x80",              // lone continuation
           "\xBF",              // lone continuation
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong 3-byte
           "\xE0\x9F\xBF",      // overlong 3-byte (U+07FF)
           "\xF0\x80\x80\xAF",  // overlong 4-byte
           "\xF0\x8F\xBF\xBF",  // overlong 4-byte (U+FFFF)
           "\xED\xA0\x80",      // U+D800 surrogate
           "\xED\xBF\xBF",      // U+DFFF surrogate
           "\xF4\x90\x80\x80",  // U+110000
           "\xF5\x80\x80\x80",  // lead byte beyond Unicode
           "\xFE",
           "\xFF",
           "\xC2",          // truncated
           "\xE2\x82",      // truncated euro sign
           "\xF0\x9F\x98",  // truncated 4-byte
           "\xC2\x41",      // continuation missing
           "Hello\xC0World",
       }) {
    EXPECT_FALSE(is_valid_utf8(std::string_view(text)))
        << testing::PrintToString(std::string(text));
  }
}

TEST(Utf8, AgreesWithReferenceOnAllOneAndTwoByteInputs) {
  for (int a = 0; a < 256; ++a) {
    const Bytes one{static_cast<std::uint8_t>(a)};
    ASSERT_EQ(is_valid_utf8(one), reference_valid(one)) << a;
    for (int b = 0; b < 256; ++b) {
      const Bytes two{static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)};
      ASSERT_EQ(is_valid_utf8(two), reference_valid(two)) << a << " " << b;
    }
  }
}

TEST(Utf8, AgreesWithReferenceOnMultiByteLeads) {
  // Every 3-byte input with a 3- or 4-byte lead, and every 4-byte input with
  // a 4-byte lead and the boundary values for the last byte.
  for (int lead = 0xE0; lead <= 0xF7; ++lead) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        const Bytes three{static_cast<std::uint8_t>(lead), static_cast<std::uint8_t>(b),
                          static_cast<std::uint8_t>(c)};
        ASSERT_EQ(is_valid_utf8(three), reference_valid(three)) << lead << " " << b << " " << c;
        if (lead < 0xF0) continue;
        for (int d : {0x00, 0x7F, 0x80, 0xA5, 0xBF, 0xC0}) {
          const Bytes four{static_cast<std::uint8_t>(lead), static_cast<std::uint8_t>(b),
                           static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(d)};
          ASSERT_EQ(is_valid_utf8(four), reference_valid(four));
        }
      }
    }
  }
}

// Long non-ASCII runs take the SIMD path (simdjson); these put every short
// input of the tests above behind 70 bytes of two-byte characters, and in
// front of more, so that path decides them.
TEST(Utf8, AgreesWithReferenceInsideLongNonAsciiText) {
  Bytes prefix;
  for (int i = 0; i < 35; ++i) prefix.insert(prefix.end(), {0xC3, 0xA9});  // é
  const Bytes suffix = prefix;
  auto check = [&](std::initializer_list<int> middle) {
    Bytes text = prefix;
    for (int byte : middle) text.push_back(static_cast<std::uint8_t>(byte));
    const Bytes short_input(text.begin() + static_cast<std::ptrdiff_t>(prefix.size()), text.end());
    const bool expected_end = reference_valid(short_input);
    if (is_valid_utf8(text) != expected_end) return false;
    text.insert(text.end(), suffix.begin(), suffix.end());
    return is_valid_utf8(text) == reference_valid(text);
  };
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) ASSERT_TRUE(check({a, b})) << a << " " << b;
  }
  for (int lead = 0xE0; lead <= 0xF7; ++lead) {
    for (int b = 0; b < 256; ++b) {
      for (int c : {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF}) {
        ASSERT_TRUE(check({lead, b, c})) << lead << " " << b << " " << c;
        if (lead >= 0xF0) {
          ASSERT_TRUE(check({lead, b, c, 0x80})) << lead << " " << b << " " << c;
        }
      }
    }
  }
}

// Random texts of valid characters of every length, some with one byte
// corrupted, validated whole and fed in random pieces (so pieces end
// mid-character and the SIMD and automaton paths hand over both ways): the
// answer must always be the reference decoder's.
TEST(Utf8, RandomTextsInRandomPiecesAgreeWithReference) {
  std::mt19937 random(20261202);
  const std::vector<Bytes> characters = {{'a'},
                                         {'{'},
                                         {0xC3, 0xA9},
                                         {0xD0, 0x96},
                                         {0xE2, 0x82, 0xAC},
                                         {0xED, 0x9F, 0xBF},
                                         {0xEF, 0xBF, 0xBD},
                                         {0xF0, 0x9F, 0x98, 0x80},
                                         {0xF4, 0x8F, 0xBF, 0xBF}};
  for (int round = 0; round < 2000; ++round) {
    Bytes text;
    const std::size_t length = 1 + random() % 600;
    while (text.size() < length) {
      const Bytes& character = characters[random() % characters.size()];
      text.insert(text.end(), character.begin(), character.end());
    }
    if (round % 2 == 1) text[random() % text.size()] = static_cast<std::uint8_t>(random());
    const bool expected = reference_valid(text);
    ASSERT_EQ(is_valid_utf8(text), expected) << "round " << round;
    Utf8Validator validator;
    bool ok = true;
    for (std::size_t at = 0; at < text.size() && ok;) {
      const std::size_t piece = std::min<std::size_t>(1 + random() % 200, text.size() - at);
      ok = validator.feed(std::span<const std::uint8_t>(text).subspan(at, piece));
      at += piece;
    }
    ASSERT_EQ(ok && validator.complete(), expected) << "round " << round;
  }
}

TEST(Utf8, SplittingAnywhereGivesTheSameAnswer) {
  const std::string texts[] = {"κόσμε and € and \xF0\x9F\x98\x80 in a sentence of some length",
                               "abc\xED\xA0\x80xyz", "plain ascii only, long enough for words",
                               "ends mid sequence \xE2\x82", "\xF4\x8F\xBF\xBF\xC2\x80"};
  for (const std::string& text : texts) {
    const Bytes all = test::bytes_of(text);
    const bool whole = is_valid_utf8(all);
    EXPECT_EQ(whole, reference_valid(all));
    for (std::size_t cut1 = 0; cut1 <= all.size(); ++cut1) {
      for (std::size_t cut2 = cut1; cut2 <= all.size(); cut2 += 3) {
        Utf8Validator validator;
        const std::span<const std::uint8_t> view(all);
        const bool fed = validator.feed(view.subspan(0, cut1)) &&
                         validator.feed(view.subspan(cut1, cut2 - cut1)) &&
                         validator.feed(view.subspan(cut2));
        ASSERT_EQ(fed && validator.complete(), whole) << text << " " << cut1 << " " << cut2;
      }
    }
  }
}

TEST(Utf8, FailsFastAtTheFirstBadByte) {
  Utf8Validator validator;
  EXPECT_TRUE(validator.feed(std::string_view("valid so far \xE2")));
  EXPECT_FALSE(validator.complete());                      // mid-character
  EXPECT_FALSE(validator.feed(std::string_view("\x41")));  // 'A' cannot continue U+20xx
  EXPECT_TRUE(validator.failed());
  // Stays failed until reset.
  EXPECT_FALSE(validator.feed(std::string_view("ok")));
  validator.reset();
  EXPECT_TRUE(validator.feed(std::string_view("ok")));
  EXPECT_TRUE(validator.complete());
}

TEST(Utf8, SurrogateRefusedAtItsSecondByte) {
  Utf8Validator validator;
  EXPECT_TRUE(validator.feed(std::string_view("\xED")));
  EXPECT_FALSE(validator.feed(std::string_view("\xA0")));
}

TEST(Utf8, NonAsciiAfterLongAsciiRun) {
  // The word-at-a-time fast path must hand over to the byte checks.
  for (std::size_t prefix = 0; prefix < 40; ++prefix) {
    std::string text(prefix, 'x');
    EXPECT_TRUE(is_valid_utf8(text + "\xC3\xA9" + std::string(prefix, 'y'))) << prefix;
    EXPECT_FALSE(is_valid_utf8(text + "\xC3" + std::string(prefix + 1, 'y'))) << prefix;
    EXPECT_FALSE(is_valid_utf8(text + "\xFF")) << prefix;
  }
}

}  // namespace
}  // namespace wsx::core
