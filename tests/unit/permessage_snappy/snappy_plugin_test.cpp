// permessage-snappy through its C ABI (the built module, the SDK's test
// host): negotiation as Autobahn|Python 22.x defines it, the snappy framing
// format python-snappy writes, max_size enforced against real bombs (1009),
// corrupt input 1007.
#include <gtest/gtest.h>
#include <malloc.h>
#include <snappy.h>

#include <wsx/testing/host.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace wt = wsx::sdk::testing;

namespace {

using Bytes = std::vector<std::uint8_t>;

const Bytes kIdentifier{0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

wt::Plugin load(const std::vector<wt::Param>& params = {}) {
  return wt::Plugin::load(WSX_SNAPPY_MODULE_PATH, params);
}

Bytes random_bytes(std::size_t size, unsigned seed = 7) {
  std::mt19937 generator(seed);
  Bytes bytes(size);
  for (auto& byte : bytes) byte = static_cast<std::uint8_t>(generator());
  return bytes;
}

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

// CRC-32C by the bit, the textbook way (independent of the plugin's tables),
// masked as framing_format.txt section 3 says.
std::uint32_t masked_crc(const Bytes& data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const std::uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0x82F63B78u : 0u);
  }
  crc ^= 0xFFFFFFFFu;
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

void put_le(Bytes& out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// One chunk of type `type` holding `data` (compressed with libsnappy for
// type 0), CRC `crc` (default: the right one).
Bytes chunk(std::uint8_t type, const Bytes& data, std::optional<std::uint32_t> crc = {}) {
  Bytes body;
  if (type == 0) {
    std::string compressed;
    ::snappy::Compress(reinterpret_cast<const char*>(data.data()), data.size(), &compressed);
    body.assign(compressed.begin(), compressed.end());
  } else {
    body = data;
  }
  Bytes out{type};
  put_le(out, static_cast<std::uint32_t>(body.size() + 4), 3);
  put_le(out, crc.value_or(masked_crc(data)), 4);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Reads a framed stream the way python-snappy's StreamDecompressor does.
Bytes read_stream(const Bytes& stream, bool expect_identifier) {
  std::size_t at = 0;
  Bytes out;
  if (expect_identifier) {
    EXPECT_TRUE(std::equal(kIdentifier.begin(), kIdentifier.end(), stream.begin()));
    at = kIdentifier.size();
  }
  while (at < stream.size()) {
    const std::uint8_t type = stream[at];
    const std::size_t length = stream[at + 1] | stream[at + 2] << 8 | stream[at + 3] << 16;
    const Bytes body(stream.begin() + static_cast<std::ptrdiff_t>(at + 8),
                     stream.begin() + static_cast<std::ptrdiff_t>(at + 4 + length));
    std::uint32_t crc = 0;
    for (int i = 0; i < 4; ++i) crc |= static_cast<std::uint32_t>(stream[at + 4 + i]) << (8 * i);
    Bytes data = body;
    if (type == 0) {
      std::string plain;
      EXPECT_TRUE(
          ::snappy::Uncompress(reinterpret_cast<const char*>(body.data()), body.size(), &plain));
      data.assign(plain.begin(), plain.end());
    } else {
      EXPECT_EQ(type, 1);
    }
    EXPECT_LE(data.size(), 65536u);
    EXPECT_EQ(crc, masked_crc(data));
    out.insert(out.end(), data.begin(), data.end());
    at += 4 + length;
  }
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

wt::Extension server_for(const wt::Plugin& plugin, const char* offer = "permessage-snappy") {
  return plugin.negotiate_server(offer).at(0);
}

// --- Negotiation (compress_snappy.py) ----------------------------------------

TEST(SnappyNegotiation, AnswersAutobahnsOffersAsAutobahnsServerWould) {
  const wt::Plugin plugin = load();
  EXPECT_EQ(server_for(plugin, "permessage-snappy; client_no_context_takeover").response_header(),
            "permessage-snappy");
  EXPECT_EQ(server_for(plugin, "permessage-snappy; server_no_context_takeover").response_header(),
            "permessage-snappy; server_no_context_takeover");
  const wt::Plugin asking = load({{"request_no_context_takeover", true}});
  EXPECT_EQ(server_for(asking, "permessage-snappy; client_no_context_takeover").response_header(),
            "permessage-snappy; client_no_context_takeover");
  EXPECT_EQ(server_for(asking, "permessage-snappy").response_header(), "permessage-snappy");
}

TEST(SnappyNegotiation, DeclinesWhatAutobahnWouldRefuse) {
  const wt::Plugin plugin = load();
  for (const char* offer : {
           "permessage-snappy; client_no_context_takeover=1",
           "permessage-snappy; server_no_context_takeover; server_no_context_takeover",
           "permessage-snappy; server_max_window_bits=10",
       }) {
    EXPECT_TRUE(plugin.negotiate_server(offer).empty()) << offer;
  }
}

TEST(SnappyNegotiation, ClientOffersLikeAutobahnAndFailsOnBadResponses) {
  const wt::Plugin plugin = load({{"request_no_context_takeover", true}});
  EXPECT_EQ(plugin.client_offer("permessage-snappy"),
            "permessage-snappy; client_no_context_takeover; server_no_context_takeover");
  EXPECT_NO_THROW((void)plugin.accept_response(
      "permessage-snappy; server_no_context_takeover; client_no_context_takeover"));
  EXPECT_THROW((void)plugin.accept_response("permessage-snappy; x"), std::runtime_error);
  EXPECT_THROW((void)plugin.accept_response("permessage-snappy; server_no_context_takeover=1"),
               std::runtime_error);
}

TEST(SnappyConfig, RefusesUnknownKeysAndWrongTypes) {
  EXPECT_THROW(load({{"level", 3}}), std::runtime_error);
  EXPECT_THROW(load({{"no_context_takeover", 1}}), std::runtime_error);
  EXPECT_NO_THROW(load({{"no_context_takeover", true}}));
}

// --- The framing format on the wire -------------------------------------------

TEST(SnappyWire, OneStreamPerConnectionWithContextTakeover) {
  const wt::Plugin plugin = load();
  const wt::Extension server = server_for(plugin);
  const Bytes message = words(200000);
  const wt::FrameResult first = server.encode(compressed(message, true, WSX_OPCODE_TEXT));
  ASSERT_EQ(first.status, WSX_OK);
  EXPECT_EQ(first.frame.rsv, WSX_RSV1);
  EXPECT_EQ(read_stream(first.frame.payload, true), message);
  // The stream goes on: the second message has no identifier.
  const wt::FrameResult second = server.encode(compressed(message));
  ASSERT_EQ(second.status, WSX_OK);
  EXPECT_EQ(read_stream(second.frame.payload, false), message);
  // An empty message is an empty continuation of the stream.
  EXPECT_TRUE(server.encode(compressed({})).frame.payload.empty());
  // Random data goes in uncompressed chunks (snappy would not save 12.5 %).
  const Bytes noise = random_bytes(1000);
  const wt::FrameResult plain = server.encode(compressed(noise));
  EXPECT_EQ(plain.frame.payload.at(0), 0x01);
  EXPECT_EQ(read_stream(plain.frame.payload, false), noise);
}

TEST(SnappyWire, ANewStreamPerMessageWithoutContextTakeover) {
  const wt::Plugin plugin = load();
  const wt::Extension server = server_for(plugin, "permessage-snappy; server_no_context_takeover");
  for (int i = 0; i < 2; ++i) {
    const wt::FrameResult encoded = server.encode(compressed(wt::bytes("hello")));
    EXPECT_EQ(read_stream(encoded.frame.payload, true), wt::bytes("hello"));
  }
  // Receiving from a client that promised new streams: each must start one.
  const wt::Plugin asking = load({{"request_no_context_takeover", true}});
  const wt::Extension strict = server_for(asking, "permessage-snappy; client_no_context_takeover");
  const Bytes framed = concat({kIdentifier, chunk(1, wt::bytes("abc"))});
  EXPECT_EQ(strict.decode(compressed(framed), 100).frame.payload, wt::bytes("abc"));
  EXPECT_EQ(strict.decode(compressed(chunk(1, wt::bytes("abc"))), 100).close_code,
            WSX_CLOSE_INVALID_PAYLOAD);
}

TEST(SnappyWire, DecodesWhatPythonSnappyWrites) {
  const wt::Plugin plugin = load();
  const wt::Extension server = server_for(plugin);
  const Bytes data = words(70000);
  const Bytes head(data.begin(), data.begin() + 65536);
  const Bytes tail(data.begin() + 65536, data.end());
  // Identifier, a compressed and an uncompressed chunk, a skippable one.
  const Bytes stream = concat(
      {kIdentifier, chunk(0, head), Bytes{0x80, 2, 0, 0, 9, 9}, chunk(1, tail), kIdentifier});
  const wt::FrameResult decoded = server.decode(compressed(stream), 1u << 20);
  ASSERT_EQ(decoded.status, WSX_OK) << decoded.message;
  EXPECT_EQ(decoded.frame.payload, data);
  EXPECT_EQ(decoded.frame.rsv, 0);
  // The stream continues in the next message, cut into 1-byte frames.
  const Bytes next = chunk(0, words(3000));
  std::size_t delivered = 0;
  for (std::size_t i = 0; i < next.size(); ++i) {
    const wt::FrameResult piece =
        server.decode(compressed(Bytes{next[i]}, i + 1 == next.size(),
                                 i == 0 ? WSX_OPCODE_TEXT : WSX_OPCODE_CONTINUATION),
                      1u << 20);
    ASSERT_EQ(piece.status, WSX_OK) << i << ": " << piece.message;
    delivered += piece.frame.payload.size();
  }
  EXPECT_EQ(delivered, 3000u);
}

TEST(SnappyData, EverySizeRoundTripsWholeAndFragmented) {
  for (const bool no_takeover : {false, true}) {
    const wt::Plugin plugin = load({{"no_context_takeover", no_takeover}});
    const wt::Extension server = server_for(plugin, "permessage-snappy");
    const wt::Extension client = plugin.accept_response(server.response_header());
    for (const std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
      for (const Bytes& message : {words(size), random_bytes(size)}) {
        EXPECT_EQ(wt::round_trip(client, server, message), message) << size;
        EXPECT_EQ(wt::round_trip(server, client, message, WSX_OPCODE_TEXT, 1000), message) << size;
      }
    }
  }
}

// --- Memory ------------------------------------------------------------------

TEST(SnappyMemory, AnIdleConnectionKeepsNoBuffers) {
  const wt::Plugin plugin = load();
  const wt::Extension server = server_for(plugin);
  const auto heap = [] {
    const struct mallinfo2 info = mallinfo2();
    return static_cast<long long>(info.uordblks + info.hblkhd);
  };
  const long long before = heap();
  {
    // A 64 KiB chunk cut into 1000-byte frames is gathered whole before it
    // is uncompressed; after the message that buffer is gone.
    const Bytes stream = concat({kIdentifier, chunk(1, random_bytes(65536))});
    for (std::size_t at = 0; at < stream.size(); at += 1000) {
      const std::size_t n = std::min<std::size_t>(1000, stream.size() - at);
      const wt::FrameResult piece =
          server.decode(compressed(Bytes(stream.begin() + static_cast<std::ptrdiff_t>(at),
                                         stream.begin() + static_cast<std::ptrdiff_t>(at + n)),
                                   at + n == stream.size(),
                                   at == 0 ? WSX_OPCODE_BINARY : WSX_OPCODE_CONTINUATION),
                        1u << 20);
      ASSERT_EQ(piece.status, WSX_OK) << piece.message;
    }
  }
  // The gathered chunk alone would be 65,540 bytes; a fresh process also
  // makes a few one-time allocations (2.6 KB measured), hence the margin.
  EXPECT_LT(heap() - before, 16 * 1024);
}

// --- Limits: real bombs ------------------------------------------------------

TEST(SnappyLimits, ABombClosesWith1009BeforeDecompressingPastTheLimit) {
  // 64 MiB of zeros: 1024 chunks of 64 KiB, each a few KiB compressed.
  const Bytes zeros(65536, 0);
  const Bytes one = chunk(0, zeros);
  Bytes bomb = kIdentifier;
  for (int i = 0; i < 1024; ++i) bomb.insert(bomb.end(), one.begin(), one.end());
  ASSERT_LT(bomb.size(), (64u << 20) / 20);  // snappy's best is about 21:1
  const wt::Plugin plugin = load();
  const wt::Extension server = server_for(plugin);
  const wt::FrameResult decoded = server.decode(compressed(bomb), 1u << 20);
  EXPECT_EQ(decoded.status, WSX_FAIL);
  EXPECT_EQ(decoded.close_code, WSX_CLOSE_MESSAGE_TOO_BIG) << decoded.message;
  EXPECT_FALSE(decoded.exceeded_max);
}

TEST(SnappyLimits, TheLimitIsExact) {
  const Bytes data = words(1000);
  const Bytes stream = concat({kIdentifier, chunk(0, data)});
  const wt::Plugin plugin = load();
  EXPECT_EQ(server_for(plugin).decode(compressed(stream), 1000).status, WSX_OK);
  EXPECT_EQ(server_for(plugin).decode(compressed(stream), 999).close_code,
            WSX_CLOSE_MESSAGE_TOO_BIG);
}

// --- Corrupt input -----------------------------------------------------------

TEST(SnappyCorrupt, BadStreamsClose1007) {
  const Bytes data = words(1000);
  Bytes bad_body = chunk(0, data);
  bad_body[12] ^= 0xff;
  const Bytes whole = chunk(1, data);
  Bytes too_long_chunk{0x01};
  put_le(too_long_chunk, 65536 + 4 + 1, 3);
  const std::vector<Bytes> cases{
      chunk(0, data),                                                // no identifier
      concat({kIdentifier, chunk(0, data, 12345)}),                  // CRC mismatch
      concat({kIdentifier, bad_body}),                               // corrupt snappy data
      concat({kIdentifier, Bytes{0x02, 0, 0, 0}}),                   // reserved unskippable
      concat({kIdentifier, Bytes{0x00, 2, 0, 0, 1, 2}}),             // shorter than its CRC
      concat({kIdentifier, too_long_chunk}),                         // more than 64 KiB
      concat({kIdentifier, Bytes(whole.begin(), whole.end() - 1)}),  // cut short
      Bytes{0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'X'},   // bad identifier
      random_bytes(300),
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const wt::Plugin plugin = load();
    const wt::FrameResult decoded = server_for(plugin).decode(compressed(cases[i]), 1u << 20);
    EXPECT_EQ(decoded.status, WSX_FAIL) << i;
    EXPECT_EQ(decoded.close_code, WSX_CLOSE_INVALID_PAYLOAD) << i << ": " << decoded.message;
  }
}

TEST(SnappyCorrupt, Rsv1OnAContinuationFrameIs1002) {
  const wt::Plugin plugin = load();
  wt::Frame continuation = compressed(Bytes{1}, true, WSX_OPCODE_CONTINUATION);
  continuation.rsv = WSX_RSV1;
  EXPECT_EQ(server_for(plugin).decode(continuation, 100).close_code, WSX_CLOSE_PROTOCOL_ERROR);
}

}  // namespace
