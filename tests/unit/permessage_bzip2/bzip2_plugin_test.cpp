// permessage-bzip2 through its C ABI (the built module, the SDK's test
// host): negotiation as Autobahn|Python 22.x defines it, one bzip2 stream per
// message, max_size enforced against real bombs (1009), corrupt input 1007.
#include <bzlib.h>
#include <gtest/gtest.h>
#include <malloc.h>

#include <wsx/testing/host.hpp>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace wt = wsx::sdk::testing;

namespace {

using Bytes = std::vector<std::uint8_t>;

wt::Plugin load(const std::vector<wt::Param>& params = {}) {
  return wt::Plugin::load(WSX_BZIP2_MODULE_PATH, params);
}

Bytes random_bytes(std::size_t size, unsigned seed = 7) {
  std::mt19937 generator(seed);
  Bytes bytes(size);
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(generator());
  return bytes;
}

// Text-like data that compresses: words from a small vocabulary.
Bytes words(std::size_t size) {
  static const char* const vocabulary[] = {"alpha ", "beta ", "gamma ", "delta ", "omega "};
  std::mt19937 generator(3);
  Bytes bytes;
  while (bytes.size() < size) {
    const std::string word = vocabulary[generator() % 5];
    bytes.insert(bytes.end(), word.begin(), word.end());
  }
  bytes.resize(size);
  return bytes;
}

// libbz2's own one-shot coder, independent of the plugin.
Bytes bz_compress(const Bytes& data, int level = 9) {
  unsigned size = static_cast<unsigned>(data.size() + data.size() / 100 + 600);
  Bytes out(size);
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(out.data()), &size,
                                     const_cast<char*>(reinterpret_cast<const char*>(data.data())),
                                     static_cast<unsigned>(data.size()), level, 0, 0),
            BZ_OK);
  out.resize(size);
  return out;
}

Bytes bz_decompress(const Bytes& data, std::size_t expected) {
  unsigned size = static_cast<unsigned>(expected + 1);
  Bytes out(size);
  EXPECT_EQ(
      BZ2_bzBuffToBuffDecompress(reinterpret_cast<char*>(out.data()), &size,
                                 const_cast<char*>(reinterpret_cast<const char*>(data.data())),
                                 static_cast<unsigned>(data.size()), 0, 0),
      BZ_OK);
  out.resize(size);
  return out;
}

wt::Frame compressed(Bytes payload, bool fin = true, std::uint8_t opcode = WSX_OPCODE_BINARY) {
  wt::Frame frame;
  frame.opcode = opcode;
  frame.fin = fin;
  frame.rsv = opcode == WSX_OPCODE_CONTINUATION ? 0 : WSX_RSV1;
  frame.payload = std::move(payload);
  return frame;
}

struct Pair {
  wt::Extension server;
  wt::Extension client;
};

Pair negotiate(const wt::Plugin& plugin) {
  wt::Extension server = plugin.negotiate_server(plugin.client_offer("permessage-bzip2")).at(0);
  wt::Extension client = plugin.accept_response(server.response_header());
  return {server, client};
}

// --- Negotiation (compress_bzip2.py's PerMessageBzip2Offer/Response) --------

TEST(Bzip2Negotiation, AcceptsAutobahnsDefaultOfferWithABareResponse) {
  const wt::Plugin plugin = load();
  const auto accepted = plugin.negotiate_server("permessage-bzip2; client_max_compress_level");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].response_header(), "permessage-bzip2");
}

TEST(Bzip2Negotiation, EchoesServerMaxAndCompressesAtThatLevel) {
  const wt::Plugin plugin = load();
  const auto accepted = plugin.negotiate_server("permessage-bzip2; server_max_compress_level=3");
  ASSERT_EQ(accepted.size(), 1u);
  EXPECT_EQ(accepted[0].response_header(), "permessage-bzip2; server_max_compress_level=3");
  const wt::FrameResult encoded = accepted[0].encode(compressed(words(1000), true, 1));
  ASSERT_EQ(encoded.status, WSX_OK);
  // A bzip2 stream starts "BZh" and the block size digit: the level used.
  ASSERT_GE(encoded.frame.payload.size(), 4u);
  EXPECT_EQ(std::string(encoded.frame.payload.begin(), encoded.frame.payload.begin() + 4), "BZh3");
  EXPECT_EQ(encoded.frame.rsv, WSX_RSV1);
}

TEST(Bzip2Negotiation, CapsTheClientOnlyWhenTheOfferAllowsIt) {
  const wt::Plugin plugin = load({{"request_max_compress_level", 2}});
  EXPECT_EQ(plugin.negotiate_server("permessage-bzip2; client_max_compress_level")
                .at(0)
                .response_header(),
            "permessage-bzip2; client_max_compress_level=2");
  EXPECT_EQ(plugin.negotiate_server("permessage-bzip2").at(0).response_header(),
            "permessage-bzip2");
}

TEST(Bzip2Negotiation, DeclinesWhatAutobahnWouldRefuse) {
  const wt::Plugin plugin = load();
  for (const char* offer : {
           "permessage-bzip2; server_max_compress_level=0",
           "permessage-bzip2; server_max_compress_level=10",
           "permessage-bzip2; server_max_compress_level=x",
           "permessage-bzip2; server_max_compress_level",
           "permessage-bzip2; client_max_compress_level=5",
           "permessage-bzip2; client_max_compress_level; client_max_compress_level",
           "permessage-bzip2; server_max_compress_level=2; server_max_compress_level=2",
           "permessage-bzip2; client_no_context_takeover",
       }) {
    EXPECT_TRUE(plugin.negotiate_server(offer).empty()) << offer;
  }
  // The next offer is still tried (RFC 7692 section 7 style fallback).
  EXPECT_EQ(plugin.negotiate_server("permessage-bzip2; bogus, permessage-bzip2").size(), 1u);
}

TEST(Bzip2Negotiation, ClientOffersLikeAutobahnAndHonoursTheServersCap) {
  const wt::Plugin plugin = load({{"request_max_compress_level", 4}});
  EXPECT_EQ(plugin.client_offer("permessage-bzip2"),
            "permessage-bzip2; client_max_compress_level; server_max_compress_level=4");
  const wt::Extension client =
      plugin.accept_response("permessage-bzip2; client_max_compress_level=1");
  const wt::FrameResult encoded = client.encode(compressed(words(100), true, 1));
  ASSERT_EQ(encoded.status, WSX_OK);
  EXPECT_EQ(std::string(encoded.frame.payload.begin(), encoded.frame.payload.begin() + 4), "BZh1");
}

TEST(Bzip2Negotiation, ClientFailsOnResponsesItCannotUse) {
  const wt::Plugin plugin = load();
  for (const char* response : {
           "permessage-bzip2; client_max_compress_level=0",
           "permessage-bzip2; client_max_compress_level",
           "permessage-bzip2; server_max_compress_level=3",  // not requested
           "permessage-bzip2; bogus=1",
       }) {
    EXPECT_THROW((void)plugin.accept_response(response), std::runtime_error) << response;
  }
}

TEST(Bzip2Config, RefusesUnknownKeysWrongTypesAndLevelsOutOfRange) {
  EXPECT_THROW(load({{"level", 3}}), std::runtime_error);
  EXPECT_THROW(load({{"compress_level", "9"}}), std::runtime_error);
  EXPECT_THROW(load({{"compress_level", 0}}), std::runtime_error);
  EXPECT_THROW(load({{"compress_level", 10}}), std::runtime_error);
  EXPECT_THROW(load({{"request_max_compress_level", 10}}), std::runtime_error);
  EXPECT_NO_THROW(load({{"compress_level", 1}, {"request_max_compress_level", 9}}));
}

// --- Data path ---------------------------------------------------------------

TEST(Bzip2Data, EverySizeRoundTripsWholeAndFragmented) {
  const wt::Plugin plugin = load({{"compress_level", 1}});
  const Pair pair = negotiate(plugin);
  for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
    for (const Bytes& message : {words(size), random_bytes(size)}) {
      EXPECT_EQ(wt::round_trip(pair.client, pair.server, message), message) << size;
      EXPECT_EQ(wt::round_trip(pair.server, pair.client, message, WSX_OPCODE_TEXT, 4096), message)
          << size;
    }
  }
}

TEST(Bzip2Data, EachMessageIsOnePlainBzip2Stream) {
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  const Bytes message = words(300000);
  for (int repeat = 0; repeat < 2; ++repeat) {  // no context carried over
    const wt::FrameResult encoded = pair.server.encode(compressed(message, true, 1));
    ASSERT_EQ(encoded.status, WSX_OK);
    EXPECT_EQ(bz_decompress(encoded.frame.payload, message.size()), message);
  }
  // ... and a stream made by libbz2 alone decodes.
  const wt::FrameResult decoded = pair.server.decode(compressed(bz_compress(message, 5)), 1u << 20);
  ASSERT_EQ(decoded.status, WSX_OK) << decoded.message;
  EXPECT_EQ(decoded.frame.payload, message);
  EXPECT_EQ(decoded.frame.rsv, 0);
}

TEST(Bzip2Data, ControlAndUncompressedFramesPassUnchanged) {
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  wt::Frame ping;
  ping.opcode = WSX_OPCODE_PING;
  ping.payload = wt::bytes("ping");
  EXPECT_EQ(pair.server.encode(ping).status, WSX_UNCHANGED);
  EXPECT_EQ(pair.server.decode(ping, 125).status, WSX_UNCHANGED);
  wt::Frame plain;
  plain.payload = wt::bytes("plain");
  EXPECT_EQ(pair.server.decode(plain, 100).status, WSX_UNCHANGED);
}

// --- Limits: real bombs ------------------------------------------------------

TEST(Bzip2Limits, ABombClosesWith1009WithoutWritingPastTheLimit) {
  const Bytes zeros(64u << 20, 0);
  const Bytes bomb = bz_compress(zeros);
  ASSERT_LT(bomb.size(), 200u);  // 64 MiB in a few dozen bytes
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  const wt::FrameResult decoded = pair.server.decode(compressed(bomb), 1u << 20);
  EXPECT_EQ(decoded.status, WSX_FAIL);
  EXPECT_EQ(decoded.close_code, WSX_CLOSE_MESSAGE_TOO_BIG) << decoded.message;
  EXPECT_FALSE(decoded.exceeded_max);  // it stopped, rather than overran
  // The connection's next message decodes normally.
  const Bytes small = words(1000);
  const wt::FrameResult next = pair.server.decode(compressed(bz_compress(small)), 1u << 20);
  ASSERT_EQ(next.status, WSX_OK) << next.message;
  EXPECT_EQ(next.frame.payload, small);
}

TEST(Bzip2Limits, TheLimitIsExactAndCountsAcrossFragments) {
  const Bytes message = words(100000);
  const Bytes stream = bz_compress(message);
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  EXPECT_EQ(pair.server.decode(compressed(stream), message.size()).status, WSX_OK);
  const wt::FrameResult over = pair.server.decode(compressed(stream), message.size() - 1);
  EXPECT_EQ(over.close_code, WSX_CLOSE_MESSAGE_TOO_BIG) << over.message;
  EXPECT_FALSE(over.exceeded_max);
  // Fragmented, with the host's room-left-in-message shrinking per frame.
  const std::size_t half = stream.size() / 2;
  const wt::FrameResult first =
      pair.server.decode(compressed(Bytes(stream.begin(), stream.begin() + half), false), 60000);
  ASSERT_EQ(first.status, WSX_OK) << first.message;
  const wt::FrameResult second = pair.server.decode(
      compressed(Bytes(stream.begin() + half, stream.end()), true, WSX_OPCODE_CONTINUATION),
      60000 - first.frame.payload.size());
  EXPECT_EQ(second.close_code, WSX_CLOSE_MESSAGE_TOO_BIG) << second.message;
}

// --- Memory: what the README says a connection costs --------------------------

// Heap bytes in use in the whole process (glibc: arenas plus mmapped blocks).
// The test is single-threaded, so a difference is the plugin's.
long long heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<long long>(info.uordblks + info.hblkhd);
}

TEST(Bzip2Memory, WorkAreasLiveOnlyWhileAMessageIsInFlight) {
#ifdef WSX_SANITIZED
  // The release build runs this; under ASan mallinfo2() reads glibc's
  // counters, which ASan's own allocator never moves.
  GTEST_SKIP() << "mallinfo2() does not see AddressSanitizer's allocator";
#endif
  const Bytes message = words(2u << 20);
  for (const auto& [level, low_mb, high_mb] : {std::tuple{9, 7.0, 8.2}, std::tuple{1, 1.0, 1.6}}) {
    const wt::Plugin plugin = load({{"compress_level", level}});
    const Pair pair = negotiate(plugin);
    const long long before = heap_in_use();
    // The first fragment of a message opens its compressor...
    const wt::FrameResult first =
        pair.server.encode(compressed(Bytes(message.begin(), message.begin() + 1000), false));
    ASSERT_EQ(first.status, WSX_OK);
    const double sending_mb = static_cast<double>(heap_in_use() - before) / 1e6;
    std::printf("level %d: %.2f MB of libbz2 work areas while a message is sent\n", level,
                sending_mb);
    EXPECT_GE(sending_mb, low_mb) << "level " << level;
    EXPECT_LE(sending_mb, high_mb) << "level " << level;
    // ... which the last one frees.
    ASSERT_EQ(pair.server.encode(compressed(Bytes(10, 'x'), true, WSX_OPCODE_CONTINUATION)).status,
              WSX_OK);
    EXPECT_LT(heap_in_use() - before, 64 * 1024) << "level " << level;
  }
  // Receiving a level-9 stream: the decoder's work area is sized by the
  // stream's header (the peer's level), about 3.7 MB, freed with the message.
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  const Bytes stream = bz_compress(message, 9);
  const std::size_t half = stream.size() / 2;
  const long long before = heap_in_use();
  {
    const wt::FrameResult first = pair.server.decode(
        compressed(Bytes(stream.begin(), stream.begin() + half), false), 4u << 20);
    ASSERT_EQ(first.status, WSX_OK) << first.message;
    const double receiving_mb =
        static_cast<double>(heap_in_use() - before -
                            static_cast<long long>(first.frame.payload.capacity())) /
        1e6;
    std::printf("level-9 stream: %.2f MB of libbz2 work area while it is received\n", receiving_mb);
    EXPECT_GE(receiving_mb, 3.5);
    EXPECT_LE(receiving_mb, 4.0);
    const wt::FrameResult rest = pair.server.decode(
        compressed(Bytes(stream.begin() + half, stream.end()), true, WSX_OPCODE_CONTINUATION),
        (4u << 20) - first.frame.payload.size());
    ASSERT_EQ(rest.status, WSX_OK) << rest.message;
  }  // the decoded payloads (the test host's buffers) go here
  EXPECT_LT(heap_in_use() - before, 64 * 1024);
}

// --- Corrupt input -----------------------------------------------------------

TEST(Bzip2Corrupt, BadStreamsClose1007) {
  const Bytes message = words(5000);
  const Bytes stream = bz_compress(message);
  Bytes flipped = stream;
  flipped[flipped.size() / 2] ^= 0x10;
  Bytes trailing = stream;
  trailing.push_back(0);
  const Bytes truncated(stream.begin(), stream.end() - 5);
  for (const Bytes& bad : {flipped, trailing, truncated, random_bytes(200), Bytes{}}) {
    const wt::Plugin plugin = load();
    const Pair pair = negotiate(plugin);
    const wt::FrameResult decoded = pair.server.decode(compressed(bad), 1u << 20);
    EXPECT_EQ(decoded.status, WSX_FAIL);
    EXPECT_EQ(decoded.close_code, WSX_CLOSE_INVALID_PAYLOAD) << decoded.message;
  }
}

TEST(Bzip2Corrupt, Rsv1OnAContinuationOrControlFrameIs1002) {
  const wt::Plugin plugin = load();
  const Pair pair = negotiate(plugin);
  wt::Frame continuation = compressed(Bytes{1}, true, WSX_OPCODE_CONTINUATION);
  continuation.rsv = WSX_RSV1;
  EXPECT_EQ(pair.server.decode(continuation, 100).close_code, WSX_CLOSE_PROTOCOL_ERROR);
  wt::Frame ping = compressed(Bytes{1}, true, WSX_OPCODE_PING);
  EXPECT_EQ(pair.server.decode(ping, 125).close_code, WSX_CLOSE_PROTOCOL_ERROR);
}

}  // namespace
