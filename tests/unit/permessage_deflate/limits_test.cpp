// The decoder's size limit (RFC 6455 §7.4.1 code 1009): a decompression bomb
// stops at the limit without the memory behind it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <iostream>

#include "permessage_deflate/inflater.hpp"
#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

Frame compressed(Bytes payload, bool fin = true) {
  return {WSX_OPCODE_BINARY, fin, WSX_RSV1, std::move(payload)};
}

Frame continuation(Bytes payload, bool fin = true) {
  return {WSX_OPCODE_CONTINUATION, fin, 0, std::move(payload)};
}

// 1 MiB of zeros as a self-contained piece of raw DEFLATE: a fresh
// compressor, ended with a full flush (byte-aligned, no BFINAL). Pieces can
// be concatenated into one valid stream.
Bytes mebibyte_of_zeros() {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes zeros(1u << 20, 0);
  Bytes out(deflateBound(&stream, zeros.size()) + 16);
  stream.next_in = zeros.data();
  stream.avail_in = static_cast<uInt>(zeros.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FULL_FLUSH), Z_OK);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  return out;
}

TEST(Limits, DecompressionBombStopsAtTheLimit) {
  const Bytes piece = mebibyte_of_zeros();
  ASSERT_EQ(raw_inflate(piece, 15).size(), 1u << 20);  // the piece is what it claims
  // 1024 pieces: a ~1 MB message that would inflate to 1 GiB. (DEFLATE can
  // not beat ~1032:1, so a 1 GiB bomb needs about 1 MB on the wire.)
  Bytes bomb;
  for (int i = 0; i < 1024; ++i) bomb.insert(bomb.end(), piece.begin(), piece.end());
  bomb.resize(bomb.size() - 4);  // as a sender strips the tail
  RecordProperty("bomb_bytes", std::to_string(bomb.size()));

  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  constexpr std::uint64_t kLimit = 8u << 20;
  plugin.plugin().gauge().reset_peak();
  const Result result = decode(*server.extension, compressed(bomb), kLimit);
  EXPECT_EQ(result.status, WSX_FAIL);
  EXPECT_EQ(result.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
  EXPECT_EQ(result.message, "decompressed message exceeds the limit of 8388608 bytes");
  // zlib never held more than one inflate stream's worth, and the output
  // buffer never grew past the limit (the host doubles on growth, so any
  // request beyond the limit would show here as a larger capacity).
  EXPECT_LE(plugin.plugin().gauge().peak(), inflate_memory_bound(15));
  EXPECT_LE(result.buffer_capacity, kLimit);
  std::cout << "[ bomb     ] " << bomb.size() << " bytes -> stopped at " << kLimit
            << " bytes; zlib peak " << plugin.plugin().gauge().peak() << " bytes, output buffer "
            << result.buffer_capacity << " bytes\n";
}

TEST(Limits, ExactlyTheLimitIsAllowedOneMoreIsNot) {
  TestPlugin plugin({{"min_size", std::int64_t{0}}});
  Negotiation sender = server_negotiate(plugin, "server_no_context_takeover");
  const Bytes message(1000, 'a');
  const Result sent = encode(*sender.extension, {WSX_OPCODE_BINARY, true, 0, message});
  ASSERT_EQ(sent.status, WSX_OK);

  Negotiation at_limit = server_negotiate(plugin, "");
  const Result fits = decode(*at_limit.extension, sent.frame, 1000);
  ASSERT_EQ(fits.status, WSX_OK) << fits.message;
  EXPECT_EQ(fits.frame.payload, message);

  Negotiation below = server_negotiate(plugin, "");
  const Result too_big = decode(*below.extension, sent.frame, 999);
  EXPECT_EQ(too_big.status, WSX_FAIL);
  EXPECT_EQ(too_big.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
}

TEST(Limits, EmptyMessageFitsAZeroLimitHelloDoesNot) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  EXPECT_EQ(decode(*server.extension, compressed(hex("00")), 0).status, WSX_OK);
  const Result hello = decode(*server.extension, compressed(hex("f2 48 cd c9 c9 07 00")), 0);
  EXPECT_EQ(hello.status, WSX_FAIL);
  EXPECT_EQ(hello.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
}

TEST(Limits, EachFrameIsCheckedAgainstTheLimitItIsGiven) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  // "Hello" split so that the first frame decodes "Hel" at most.
  const Result first = decode(*server.extension, compressed(hex("f2 48 cd"), false), 5);
  ASSERT_EQ(first.status, WSX_OK);
  const std::size_t so_far = first.frame.payload.size();
  const Result second = decode(*server.extension, continuation(hex("c9 c9 07 00")), 4 - so_far);
  EXPECT_EQ(second.status, WSX_FAIL);
  EXPECT_EQ(second.close_code, WSX_CLOSE_MESSAGE_TOO_BIG);
}

}  // namespace
}  // namespace wsx::pmd::test
