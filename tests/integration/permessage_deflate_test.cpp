// permessage-deflate (RFC 7692) over real sockets, with the client's side
// done by zlib in the test: round trips in both directions, a compression
// bomb against a 1 MiB message limit, corrupt data and misplaced RSV1 bits.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "support/deflate_codec.hpp"
#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

constexpr std::size_t kMaxMessageSize = 1u << 20;
constexpr std::string_view kOffer = "permessage-deflate";

// A connection that negotiated permessage-deflate, with the client's zlib
// streams (their windows carry over between messages: context takeover).
struct DeflateClient {
  explicit DeflateClient(std::uint16_t port) : ws(WsClient::open(port, kOffer)) {}

  WsClient ws;
  MessageCompressor compressor;
  MessageDecompressor decompressor;
};

// A text of `size` bytes that compresses well but is not one repeated byte.
std::string sample_text(std::size_t size) {
  static constexpr std::string_view words = "websocket frames carry compressed messages; ";
  std::string text;
  for (std::size_t i = 0; text.size() < size; ++i) {
    text += words;
    text += std::to_string(i);
  }
  text.resize(size);
  return text;
}

// Sends `text` compressed (RSV1, one frame) and checks the echo: compressed
// as well (RSV1) when `expect_compressed`, and inflating to the same text.
::testing::AssertionResult compressed_echo(DeflateClient& client, std::string_view text,
                                           bool expect_compressed = true) {
  const Bytes payload = client.compressor.compress(to_bytes(text));
  if (!client.ws.send({.opcode = opcode::text, .payload = payload, .rsv = kRsv1})) {
    return ::testing::AssertionFailure() << "could not send";
  }
  const auto echo = client.ws.read_message();
  if (!echo) return ::testing::AssertionFailure() << "no echo; received " << client.ws.history();
  const bool compressed = (echo->first_rsv & kRsv1) != 0;
  if (expect_compressed && !compressed) {
    return ::testing::AssertionFailure() << "the echo is not compressed (no RSV1)";
  }
  for (std::size_t i = 1; i < echo->frames.size(); ++i) {
    // RFC 7692 section 6: RSV1 on the first frame of a message only.
    if (echo->frames[i].rsv != 0) return ::testing::AssertionFailure() << "RSV on fragment " << i;
  }
  std::optional<Bytes> plain = echo->payload;
  if (compressed) plain = client.decompressor.decompress(echo->payload);
  if (!plain) return ::testing::AssertionFailure() << "the echo does not inflate";
  if (to_string(*plain) != text) {
    return ::testing::AssertionFailure()
           << "the echo inflates to " << plain->size() << " different bytes";
  }
  return ::testing::AssertionSuccess();
}

class PermessageDeflateTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "1 MiB";
    config.plugins.push_back({WSX_PERMESSAGE_DEFLATE_PLUGIN, {}});
    return config;
  }
};

TEST_F(PermessageDeflateTest, NegotiatesAndEchoesCompressedMessages) {
  DeflateClient client(port());
  const auto header = client.ws.response().header("Sec-WebSocket-Extensions");
  ASSERT_TRUE(header) << client.ws.response().head;
  EXPECT_TRUE(header->starts_with("permessage-deflate")) << *header;
  // Several messages: both sides keep their LZ77 window between them.
  EXPECT_TRUE(compressed_echo(client, sample_text(300)));
  EXPECT_TRUE(compressed_echo(client, sample_text(300)));
  EXPECT_TRUE(compressed_echo(client, sample_text(5000) + " \xE2\x82\xAC"));
  // RFC 7692 section 6: a message without RSV1 is simply not compressed.
  EXPECT_TRUE(echoes_text(client.ws, "plain and short")) << client.ws.history();
  EXPECT_TRUE(compressed_echo(client, sample_text(1000)));
}

TEST_F(PermessageDeflateTest, NoContextTakeoverOfferIsHonoured) {
  // RFC 7692 section 7.1.1.1: a client may ask the server not to keep its
  // compression context; the server that accepts says so in its response.
  WsClient ws = WsClient::open(
      port(), "permessage-deflate; server_no_context_takeover; client_max_window_bits");
  const auto header = ws.response().header("Sec-WebSocket-Extensions");
  ASSERT_TRUE(header) << ws.response().head;
  EXPECT_TRUE(header->starts_with("permessage-deflate")) << *header;
  EXPECT_NE(header->find("server_no_context_takeover"), std::string::npos) << *header;
  MessageCompressor compressor;
  // Each reply must inflate on its own, with a fresh inflater.
  for (int i = 0; i < 3; ++i) {
    const std::string text = sample_text(400);
    ASSERT_TRUE(ws.send(
        {.opcode = opcode::text, .payload = compressor.compress(to_bytes(text)), .rsv = kRsv1}));
    const auto echo = ws.read_message();
    ASSERT_TRUE(echo) << ws.history();
    ASSERT_NE(echo->first_rsv & kRsv1, 0);
    MessageDecompressor fresh;
    const auto plain = fresh.decompress(echo->payload);
    ASSERT_TRUE(plain) << "reply " << i << " needs an earlier message's context";
    EXPECT_EQ(to_string(*plain), text);
  }
}

TEST_F(PermessageDeflateTest, InvalidOfferFallsBackToTheNextOne) {
  // RFC 7692 section 5: the client may offer several configurations, most
  // preferred first; section 7.1.2.1 makes the server decline an offer with
  // an invalid window size, so the next offer is taken.
  WsClient ws = WsClient::open(
      port(),
      "permessage-deflate; server_max_window_bits=20, permessage-deflate; unknown_param, "
      "permessage-deflate; client_max_window_bits");
  const auto header = ws.response().header("Sec-WebSocket-Extensions");
  ASSERT_TRUE(header) << ws.response().head;
  EXPECT_TRUE(header->starts_with("permessage-deflate")) << *header;
  EXPECT_EQ(header->find("server_max_window_bits=20"), std::string::npos) << *header;
  EXPECT_EQ(header->find("unknown_param"), std::string::npos) << *header;
  EXPECT_EQ(header->find(','), std::string::npos) << "one extension, accepted once: " << *header;
  MessageCompressor compressor;
  MessageDecompressor decompressor;
  const std::string text = sample_text(300);
  ASSERT_TRUE(ws.send(
      {.opcode = opcode::text, .payload = compressor.compress(to_bytes(text)), .rsv = kRsv1}));
  const auto echo = ws.read_message();
  ASSERT_TRUE(echo) << ws.history();
  const auto plain = decompressor.decompress(echo->payload);
  ASSERT_TRUE(plain);
  EXPECT_EQ(to_string(*plain), text);
}

TEST_F(PermessageDeflateTest, NarrowestServerWindowIsHonoured) {
  // RFC 7692 section 7.1.2.1: the client limits the server's LZ77 window to
  // 2^8 bytes. (zlib cannot deflate with a 256-byte window itself, so the
  // host must keep its back-references within it some other way.)
  WsClient ws = WsClient::open(port(), "permessage-deflate; server_max_window_bits=8");
  const auto header = ws.response().header("Sec-WebSocket-Extensions");
  ASSERT_TRUE(header) << ws.response().head;
  EXPECT_NE(header->find("server_max_window_bits=8"), std::string::npos) << *header;
  // A 300-byte block repeated: a 15-bit-window compressor would point 300
  // bytes back, beyond what a 256-byte window holds.
  const std::string block = sample_text(300);
  const std::string text = block + block + block;
  MessageCompressor compressor;
  MessageDecompressor narrow(8);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(ws.send(
        {.opcode = opcode::text, .payload = compressor.compress(to_bytes(text)), .rsv = kRsv1}));
    const auto echo = ws.read_message();
    ASSERT_TRUE(echo) << ws.history();
    ASSERT_NE(echo->first_rsv & kRsv1, 0);
    const auto plain = narrow.decompress(echo->payload);
    ASSERT_TRUE(plain) << "reply " << i << " reaches beyond a 256-byte window";
    EXPECT_EQ(to_string(*plain), text);
  }
}

TEST_F(PermessageDeflateTest, FragmentedCompressedMessageIsEchoed) {
  DeflateClient client(port());
  const std::string text = sample_text(4000);
  const Bytes payload = client.compressor.compress(to_bytes(text));
  ASSERT_GT(payload.size(), 3u);
  const std::size_t cut = payload.size() / 3;
  // RFC 7692 section 6.1: RSV1 on the first fragment only.
  ASSERT_TRUE(client.ws.send({.opcode = opcode::text,
                              .payload = Bytes(payload.begin(), payload.begin() + cut),
                              .fin = false,
                              .rsv = kRsv1}));
  ASSERT_TRUE(client.ws.send(
      {.opcode = opcode::continuation, .payload = Bytes(payload.begin() + cut, payload.end())}));
  const auto echo = client.ws.read_message();
  ASSERT_TRUE(echo) << client.ws.history();
  ASSERT_NE(echo->first_rsv & kRsv1, 0);
  const auto plain = client.decompressor.decompress(echo->payload);
  ASSERT_TRUE(plain);
  EXPECT_EQ(to_string(*plain), text);
}

TEST_F(PermessageDeflateTest, MessageInflatingToExactlyTheLimitIsAccepted) {
  DeflateClient client(port());
  const Bytes message(kMaxMessageSize, 'z');
  ASSERT_TRUE(client.ws.send(
      {.opcode = opcode::binary, .payload = client.compressor.compress(message), .rsv = kRsv1}));
  const auto echo = client.ws.read_message();
  ASSERT_TRUE(echo) << client.ws.history();
  ASSERT_NE(echo->first_rsv & kRsv1, 0);
  const auto plain = client.decompressor.decompress(echo->payload, 2 * kMaxMessageSize);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, message);
}

TEST_F(PermessageDeflateTest, MessageInflatingOneByteOverTheLimitIsTooBig) {
  DeflateClient good(port());
  DeflateClient bad(port());
  const Bytes message(kMaxMessageSize + 1, 'z');
  ASSERT_TRUE(bad.ws.send(
      {.opcode = opcode::binary, .payload = bad.compressor.compress(message), .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad.ws, 1009));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, FragmentsInflatingToExactlyTheLimitAreAccepted) {
  DeflateClient client(port());
  const Bytes half(kMaxMessageSize / 2, 'h');
  ASSERT_TRUE(client.ws.send({.opcode = opcode::binary,
                              .payload = client.compressor.compress_part(half),
                              .fin = false,
                              .rsv = kRsv1}));
  ASSERT_TRUE(client.ws.send(
      {.opcode = opcode::continuation, .payload = client.compressor.compress(half)}));
  const auto echo = client.ws.read_message();
  ASSERT_TRUE(echo) << client.ws.history();
  const auto plain = client.decompressor.decompress(echo->payload, 2 * kMaxMessageSize);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->size(), kMaxMessageSize);
}

TEST_F(PermessageDeflateTest, FragmentsInflatingPastTheLimitAreTooBig) {
  DeflateClient good(port());
  DeflateClient bad(port());
  // 900 KiB, then 200 KiB: each fragment fits, the message does not.
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::binary,
                           .payload = bad.compressor.compress_part(Bytes(900 * 1024, 'a')),
                           .fin = false,
                           .rsv = kRsv1}));
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::continuation,
                           .payload = bad.compressor.compress(Bytes(200 * 1024, 'b'))}));
  EXPECT_TRUE(fails_with(bad.ws, 1009));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, CompressionBombIsTooBigAndMemoryStaysBounded) {
  DeflateClient good(port());
  ASSERT_TRUE(compressed_echo(good, sample_text(300)));
  WsClient bad = WsClient::open(port(), kOffer);

  // The bomb repeats one block that inflates to exactly 1 MiB of zeros.
  MessageDecompressor check;
  const auto one_block = check.decompress(compression_bomb(1), 2u << 20);
  ASSERT_TRUE(one_block);
  ASSERT_EQ(one_block->size(), std::size_t{1} << 20);
  // 1100 MiB (> 1 GiB) inflated, about 1.1 MB on the wire, sent as four
  // fragments that each fit the 1 MiB limit as they stand.
  constexpr std::size_t kInflatedMib = 1100;
  const Bytes bomb = compression_bomb(kInflatedMib);
  ASSERT_LT(bomb.size(), kMaxMessageSize * 2);
  Bytes wire;
  const std::size_t fragment = bomb.size() / 4 + 1;
  for (std::size_t offset = 0; offset < bomb.size(); offset += fragment) {
    const std::size_t end = std::min(bomb.size(), offset + fragment);
    const Bytes frame = encode_frame({.opcode = offset == 0 ? opcode::binary : opcode::continuation,
                                      .payload = Bytes(bomb.begin() + offset, bomb.begin() + end),
                                      .fin = end == bomb.size(),
                                      .rsv = offset == 0 ? kRsv1 : std::uint8_t{0}});
    wire.insert(wire.end(), frame.begin(), frame.end());
  }

  const std::optional<long> hwm_before = host().status_kib("VmHWM");
  ASSERT_TRUE(hwm_before);
  const auto start = std::chrono::steady_clock::now();
  // Sent from a second thread: the host may fail the connection before it
  // has read everything, and the reading must go on meanwhile.
  std::thread sender([&bad, &wire] { (void)bad.send_raw(wire); });
  const auto close = bad.read_close(std::chrono::seconds(10));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  sender.join();
  ASSERT_TRUE(close) << bad.history();
  EXPECT_EQ(close_code(*close), 1009) << bad.history();
  EXPECT_TRUE(bad.wait_for_eof());
#ifdef WSX_SANITIZED
  constexpr auto kQuickly = std::chrono::seconds(10);
  constexpr long kMaxGrowthKib = 256 * 1024;
#else
  constexpr auto kQuickly = std::chrono::seconds(2);
  constexpr long kMaxGrowthKib = 64 * 1024;
#endif
  EXPECT_LT(elapsed, kQuickly)
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  const std::optional<long> hwm_after = host().status_kib("VmHWM");
  ASSERT_TRUE(hwm_after);
  EXPECT_LT(*hwm_after - *hwm_before, kMaxGrowthKib)
      << "VmHWM " << *hwm_before << " KiB -> " << *hwm_after << " KiB";
  std::cout << "[ metric ] bomb: " << bomb.size() << " bytes on the wire, " << kInflatedMib
            << " MiB inflated; close 1009 after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
            << " ms; host VmHWM " << *hwm_before << " -> " << *hwm_after << " KiB\n";
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, CorruptDeflateDataIsInvalidPayload) {
  DeflateClient good(port());
  DeflateClient bad(port());
  // 0xFF...: BFINAL=1 and BTYPE=11, a block type DEFLATE reserves
  // (RFC 1951 section 3.2.3) -- the data cannot be inflated.
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::text,
                           .payload = Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x12},
                           .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad.ws, 1007));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, CompressedTextThatIsNotUtf8IsInvalidPayload) {
  DeflateClient good(port());
  DeflateClient bad(port());
  // The UTF-8 check applies to the inflated text (RFC 7692 section 6.1).
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::text,
                           .payload = bad.compressor.compress(to_bytes(sample_text(200) + "\xFF")),
                           .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad.ws, 1007));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, Rsv1OnContinuationFrameIsProtocolError) {
  DeflateClient good(port());
  DeflateClient bad(port());
  const Bytes payload = bad.compressor.compress(to_bytes(sample_text(500)));
  const std::size_t cut = payload.size() / 2;
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::text,
                           .payload = Bytes(payload.begin(), payload.begin() + cut),
                           .fin = false,
                           .rsv = kRsv1}));
  // RFC 7692 section 6.1: RSV1 on a non-first fragment fails the connection.
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::continuation,
                           .payload = Bytes(payload.begin() + cut, payload.end()),
                           .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad.ws, 1002));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, Rsv1OnControlFrameIsProtocolError) {
  DeflateClient good(port());
  DeflateClient bad(port());
  ASSERT_TRUE(bad.ws.send({.opcode = opcode::ping, .payload = to_bytes("p"), .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad.ws, 1002));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, Rsv1WithoutNegotiationIsProtocolError) {
  DeflateClient good(port());
  WsClient bad = WsClient::open(port());  // offers no extension
  ASSERT_EQ(bad.response().header("Sec-WebSocket-Extensions"), std::nullopt);
  MessageCompressor compressor;
  ASSERT_TRUE(bad.send(
      {.opcode = opcode::text, .payload = compressor.compress(to_bytes("hello")), .rsv = kRsv1}));
  EXPECT_TRUE(fails_with(bad, 1002));
  EXPECT_TRUE(compressed_echo(good, sample_text(300)));
}

TEST_F(PermessageDeflateTest, BadConnectionDoesNotDisturbCompressedFragmentedMessage) {
  DeflateClient good(port());
  const std::string text = sample_text(3000);
  const Bytes payload = good.compressor.compress(to_bytes(text));
  const std::size_t cut = payload.size() / 2;
  ASSERT_TRUE(good.ws.send({.opcode = opcode::text,
                            .payload = Bytes(payload.begin(), payload.begin() + cut),
                            .fin = false,
                            .rsv = kRsv1}));
  {
    DeflateClient bad(port());
    ASSERT_TRUE(bad.ws.send({.opcode = opcode::text, .payload = Bytes{0xFF, 0xFF}, .rsv = kRsv1}));
    EXPECT_TRUE(fails_with(bad.ws, 1007));
  }
  ASSERT_TRUE(good.ws.send(
      {.opcode = opcode::continuation, .payload = Bytes(payload.begin() + cut, payload.end())}));
  const auto echo = good.ws.read_message();
  ASSERT_TRUE(echo) << good.ws.history();
  ASSERT_NE(echo->first_rsv & kRsv1, 0);
  const auto plain = good.decompressor.decompress(echo->payload);
  ASSERT_TRUE(plain);
  EXPECT_EQ(to_string(*plain), text);
}

// The host cuts its compressed replies into 1 KiB frames (max_frame_size).
class SmallFrameDeflateTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "1 MiB";
    config.max_frame_size = "1 KiB";
    config.plugins.push_back({WSX_PERMESSAGE_DEFLATE_PLUGIN, {}});
    return config;
  }
};

TEST_F(SmallFrameDeflateTest, FragmentedCompressedReplyHasRsv1OnTheFirstFrameOnly) {
  DeflateClient client(port());
  // Text that does not compress much (a pseudo-random walk over letters),
  // so the reply needs several 1 KiB frames.
  std::string text(20000, 'a');
  std::uint32_t state = 12345;
  for (char& c : text) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>('a' + (state >> 16) % 26);
  }
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    ASSERT_TRUE(client.ws.send({.opcode = opcode::text,
                                .payload = client.compressor.compress(to_bytes(text)),
                                .rsv = kRsv1}));
    const auto echo = client.ws.read_message();
    ASSERT_TRUE(echo) << client.ws.history();
    ASSERT_GT(echo->frames.size(), 2u);
    // RFC 7692 section 6: RSV1 marks the first frame of the message only.
    EXPECT_EQ(echo->frames[0].rsv, kRsv1);
    for (std::size_t f = 1; f < echo->frames.size(); ++f) {
      EXPECT_EQ(echo->frames[f].rsv, 0) << "frame " << f;
      EXPECT_EQ(echo->frames[f].opcode, opcode::continuation);
      EXPECT_LE(echo->frames[f].payload.size(), 1024u + 64u);
    }
    const auto plain = client.decompressor.decompress(echo->payload);
    ASSERT_TRUE(plain);
    EXPECT_EQ(to_string(*plain), text);
  }
}

}  // namespace
}  // namespace wsx::integration
