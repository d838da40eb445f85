// RFC 6455 section 5.2: the frame header, parsed and written.
#include <gtest/gtest.h>

#include "core/framing/frame.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;

constexpr HeaderRules from_client{true, 0};
constexpr HeaderRules from_server{false, 0};

HeaderParse parse(const Bytes& bytes, HeaderRules rules) {
  return parse_frame_header(bytes, rules);
}

TEST(FrameParse, RfcSingleFrameUnmaskedText) {
  // 5.7: 0x81 0x05 0x48 0x65 0x6c 0x6c 0x6f (contains "Hello")
  const Bytes bytes{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
  const HeaderParse result = parse(bytes, from_server);
  ASSERT_EQ(result.status, HeaderStatus::complete);
  EXPECT_TRUE(result.header.fin);
  EXPECT_EQ(result.header.opcode, opcode::text);
  EXPECT_FALSE(result.header.masked);
  EXPECT_EQ(result.header.payload_length, 5u);
  EXPECT_EQ(result.header_size, 2u);
}

TEST(FrameParse, RfcSingleFrameMaskedText) {
  // 5.7: 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58
  const Bytes bytes{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58};
  const HeaderParse result = parse(bytes, from_client);
  ASSERT_EQ(result.status, HeaderStatus::complete);
  EXPECT_TRUE(result.header.masked);
  EXPECT_EQ(result.header.mask_key, (MaskKey{0x37, 0xfa, 0x21, 0x3d}));
  EXPECT_EQ(result.header.payload_length, 5u);
  EXPECT_EQ(result.header_size, 6u);
}

TEST(FrameParse, RfcFragmentedText) {
  // 5.7: 0x01 0x03 "Hel" then 0x80 0x02 "lo"
  const HeaderParse first = parse({0x01, 0x03, 0x48, 0x65, 0x6c}, from_server);
  ASSERT_EQ(first.status, HeaderStatus::complete);
  EXPECT_FALSE(first.header.fin);
  EXPECT_EQ(first.header.opcode, opcode::text);
  const HeaderParse second = parse({0x80, 0x02, 0x6c, 0x6f}, from_server);
  ASSERT_EQ(second.status, HeaderStatus::complete);
  EXPECT_TRUE(second.header.fin);
  EXPECT_EQ(second.header.opcode, opcode::continuation);
}

TEST(FrameParse, RfcPingAndPong) {
  const HeaderParse ping = parse({0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, from_server);
  ASSERT_EQ(ping.status, HeaderStatus::complete);
  EXPECT_EQ(ping.header.opcode, opcode::ping);
  const HeaderParse pong =
      parse({0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}, from_client);
  ASSERT_EQ(pong.status, HeaderStatus::complete);
  EXPECT_EQ(pong.header.opcode, opcode::pong);
}

TEST(FrameParse, RfcLengthEncodings) {
  // 5.7: 256 bytes: 0x82 0x7E 0x0100; 64 KiB: 0x82 0x7F 0x0000000000010000.
  const HeaderParse medium = parse({0x82, 0x7E, 0x01, 0x00}, from_server);
  ASSERT_EQ(medium.status, HeaderStatus::complete);
  EXPECT_EQ(medium.header.payload_length, 256u);
  EXPECT_EQ(medium.header_size, 4u);
  const HeaderParse large = parse({0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}, from_server);
  ASSERT_EQ(large.status, HeaderStatus::complete);
  EXPECT_EQ(large.header.payload_length, 65536u);
  EXPECT_EQ(large.header_size, 10u);
}

TEST(FrameParse, NonMinimalLengthsAreAccepted) {
  // 5.2 obliges senders to be minimal, not receivers to refuse.
  const HeaderParse short16 = parse({0x82, 0x7E, 0x00, 0x05}, from_server);
  ASSERT_EQ(short16.status, HeaderStatus::complete);
  EXPECT_EQ(short16.header.payload_length, 5u);
  const HeaderParse short64 = parse({0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 5}, from_server);
  ASSERT_EQ(short64.status, HeaderStatus::complete);
  EXPECT_EQ(short64.header.payload_length, 5u);
}

TEST(FrameParse, SixtyFourBitLengthWithMostSignificantBitFails) {
  const HeaderParse result = parse({0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 1}, from_server);
  EXPECT_EQ(result.status, HeaderStatus::invalid);
  const HeaderParse largest =
      parse({0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, from_server);
  ASSERT_EQ(largest.status, HeaderStatus::complete);
  EXPECT_EQ(largest.header.payload_length, 0x7FFFFFFFFFFFFFFFu);
}

TEST(FrameParse, ReservedOpcodesFail) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    const HeaderParse result = parse({static_cast<std::uint8_t>(0x80 | op)}, from_server);
    EXPECT_EQ(result.status, HeaderStatus::invalid) << int{op};
  }
  for (std::uint8_t op : {0, 1, 2, 8, 9, 0xA}) {
    const HeaderParse result = parse({static_cast<std::uint8_t>(0x80 | op), 0x00}, from_server);
    EXPECT_EQ(result.status, HeaderStatus::complete) << int{op};
  }
}

TEST(FrameParse, RsvBitsNeedAnExtension) {
  for (std::uint8_t rsv : {0x40, 0x20, 0x10}) {
    const Bytes bytes{static_cast<std::uint8_t>(0x82 | rsv), 0x00};
    EXPECT_EQ(parse(bytes, from_server).status, HeaderStatus::invalid) << int{rsv};
    EXPECT_EQ(parse(bytes, HeaderRules{false, rsv}).status, HeaderStatus::complete) << int{rsv};
    // Owning RSV1 does not make RSV2 legal.
    const Bytes both{static_cast<std::uint8_t>(0x82 | rsv | 0x40), 0x00};
    if (rsv != 0x40) {
      EXPECT_EQ(parse(both, HeaderRules{false, 0x40}).status, HeaderStatus::invalid);
    }
  }
}

TEST(FrameParse, ControlFramesMustBeShortAndFinal) {
  // 5.5: at most 125 bytes, never fragmented.
  EXPECT_EQ(parse({0x89, 125}, from_server).status, HeaderStatus::complete);
  EXPECT_EQ(parse({0x89, 126, 0, 5}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x88, 127, 0, 0, 0, 0, 0, 0, 0, 5}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x09, 0x00}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x0A, 0x00}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x08, 0x00}, from_server).status, HeaderStatus::invalid);
}

TEST(FrameParse, MaskingMustMatchTheRole) {
  // 5.1: a server requires masked frames; a client refuses them.
  EXPECT_EQ(parse({0x81, 0x00}, from_client).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x81, 0x80, 1, 2, 3, 4}, from_server).status, HeaderStatus::invalid);
}

TEST(FrameParse, FailsAsSoonAsTheFirstByteIsBad) {
  // No need to wait for the rest of the header.
  EXPECT_EQ(parse({0x83}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0xC2}, from_server).status, HeaderStatus::invalid);
  EXPECT_EQ(parse({0x09}, from_server).status, HeaderStatus::invalid);
}

TEST(FrameParse, IncompleteHeadersSayHowMuchIsNeeded) {
  EXPECT_EQ(parse({}, from_client).status, HeaderStatus::incomplete);
  EXPECT_EQ(parse({}, from_client).header_size, 2u);
  EXPECT_EQ(parse({0x82}, from_client).header_size, 2u);
  const Bytes full{0x82, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4};
  for (std::size_t size = 2; size < full.size(); ++size) {
    const HeaderParse result = parse_frame_header(std::span(full).first(size), from_client);
    ASSERT_EQ(result.status, HeaderStatus::incomplete) << size;
    EXPECT_EQ(result.header_size, 14u) << size;
  }
  const HeaderParse done = parse(full, from_client);
  ASSERT_EQ(done.status, HeaderStatus::complete);
  EXPECT_EQ(done.header_size, 14u);
  EXPECT_EQ(done.header.mask_key, (MaskKey{1, 2, 3, 4}));
}

TEST(FrameWrite, MinimalLengthEncoding) {
  struct Case {
    std::uint64_t length;
    Bytes expected;
  };
  const Case cases[] = {
      {0, {0x82, 0x00}},
      {125, {0x82, 125}},
      {126, {0x82, 126, 0x00, 126}},
      {256, {0x82, 0x7E, 0x01, 0x00}},
      {65535, {0x82, 126, 0xFF, 0xFF}},
      {65536, {0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0}},
      {0x123456789Au, {0x82, 0x7F, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9A}},
  };
  for (const Case& c : cases) {
    FrameHeader header;
    header.opcode = opcode::binary;
    header.payload_length = c.length;
    std::uint8_t out[max_frame_header_size];
    const std::size_t size = write_frame_header(header, out);
    EXPECT_EQ(Bytes(out, out + size), c.expected) << c.length;
    EXPECT_EQ(frame_header_size(c.length, false), size);
  }
}

TEST(FrameWrite, MaskedHeaderAndFlags) {
  FrameHeader header;
  header.fin = false;
  header.rsv = WSX_RSV1;
  header.opcode = opcode::text;
  header.masked = true;
  header.mask_key = {0x37, 0xfa, 0x21, 0x3d};
  header.payload_length = 5;
  std::uint8_t out[max_frame_header_size];
  const std::size_t size = write_frame_header(header, out);
  EXPECT_EQ(Bytes(out, out + size), (Bytes{0x41, 0x85, 0x37, 0xfa, 0x21, 0x3d}));
  EXPECT_EQ(frame_header_size(5, true), 6u);
}

TEST(FrameWrite, RoundTripsThroughTheParser) {
  for (std::uint64_t length : {0ull, 1ull, 125ull, 126ull, 65535ull, 65536ull, 1ull << 40}) {
    for (bool masked : {false, true}) {
      FrameHeader header;
      header.fin = true;
      header.opcode = opcode::binary;
      header.masked = masked;
      header.mask_key = {5, 6, 7, 8};
      header.payload_length = length;
      std::uint8_t out[max_frame_header_size];
      const std::size_t size = write_frame_header(header, out);
      const HeaderParse back = parse_frame_header({out, size}, HeaderRules{masked, 0});
      ASSERT_EQ(back.status, HeaderStatus::complete);
      EXPECT_EQ(back.header_size, size);
      EXPECT_EQ(back.header.payload_length, length);
      EXPECT_EQ(back.header.masked, masked);
      if (masked) {
        EXPECT_EQ(back.header.mask_key, header.mask_key);
      }
    }
  }
}

}  // namespace
}  // namespace wsx::core
