// Without context takeover (RFC 7692 §7.1.1) the streams are reset, not
// freed, at every message boundary (issue 13, defect 1(a)). What must not
// change: every message is exactly what a brand-new zlib stream makes of it,
// and a brand-new independent inflater decodes it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <string>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

constexpr int kWindowBits = 15;
constexpr int kMemLevel = 8;
constexpr int kLevel = 3;

Bytes json_message(std::size_t index) {
  std::string out;
  for (std::size_t i = 0; i < 3 + index % 9; ++i) {
    out += "{\"id\":" + std::to_string(index * 31 + i) + ",\"user\":\"user-" +
           std::to_string((index * 7 + i) % 13) + "\",\"text\":\"hello hello world " +
           std::to_string(i * index) + "\"}";
  }
  return bytes(out);
}

// One message as a fresh raw zlib stream sends it: sync flush, tail removed
// (RFC 7692 §7.2.1).
Bytes fresh_deflate(const Bytes& message, int mem_level) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, kLevel, Z_DEFLATED, -kWindowBits, mem_level, Z_DEFAULT_STRATEGY),
            Z_OK);
  Bytes out(deflateBound(&stream, static_cast<uLong>(message.size())) + 16);
  Bytes input = message;
  stream.next_in = input.data();
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_SYNC_FLUSH), Z_OK);
  EXPECT_EQ(stream.avail_in, 0u);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  EXPECT_GE(out.size(), 4u);
  const Bytes tail{0x00, 0x00, 0xff, 0xff};
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), out.end() - 4));
  out.resize(out.size() - 4);
  return out;
}

// A fresh inflater, with the §7.2.2 tail put back: must take all input and
// end between blocks.
Bytes fresh_inflate(const Bytes& wire) {
  Bytes input = wire;
  input.insert(input.end(), {0x00, 0x00, 0xff, 0xff});
  int status = Z_ERRNO;
  Bytes out = raw_inflate(input, kWindowBits, &status);
  EXPECT_TRUE(status == Z_OK || status == Z_BUF_ERROR) << status;
  return out;
}

std::vector<ConfigValue> server_config(int mem_level) {
  return {{"server_no_context_takeover", true},
          {"client_no_context_takeover", true},
          {"compress_window_bits", std::int64_t{kWindowBits}},
          {"compress_level", std::int64_t{kLevel}},
          {"mem_level", std::int64_t{mem_level}},
          {"min_size", std::int64_t{0}}};
}

TEST(NoContextTakeover, EveryMessageIsWhatAFreshStreamMakesAndKeepsItsMemory) {
  TestPlugin plugin(server_config(kMemLevel));
  Negotiation server = server_negotiate(plugin, "server_no_context_takeover");
  ASSERT_EQ(server.status, WSX_OK) << server.message;
  std::size_t held_after_first = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const Bytes message = json_message(i);
    const Result sent = encode(*server.extension, {WSX_OPCODE_TEXT, true, 0, message});
    ASSERT_EQ(sent.status, WSX_OK) << sent.message;
    EXPECT_EQ(sent.frame.rsv, WSX_RSV1) << "message " << i;
    EXPECT_EQ(sent.frame.payload, fresh_deflate(message, kMemLevel)) << "message " << i;
    EXPECT_EQ(fresh_inflate(sent.frame.payload), message) << "message " << i;
    // The stream stays allocated between messages, at one constant size.
    const std::size_t held = server.extension->get().zlib_bytes_held();
    if (i == 0) held_after_first = held;
    EXPECT_EQ(held, held_after_first) << "message " << i;
  }
  EXPECT_GT(held_after_first, std::size_t{1} << (kWindowBits + 2));
  // The budget holds the kept compressor for the connection.
  EXPECT_EQ(server.extension->get().reserved_bytes(), plugin.plugin().budget().reserved());
  EXPECT_GE(server.extension->get().reserved_bytes(), held_after_first);
}

// A fragmented message still starts from an empty window, and the reset
// happens only after its final frame: frames of one message share history.
TEST(NoContextTakeover, FragmentedMessagesResetAfterTheFinalFrameOnly) {
  TestPlugin plugin(server_config(kMemLevel));
  Negotiation server = server_negotiate(plugin, "server_no_context_takeover");
  ASSERT_EQ(server.status, WSX_OK) << server.message;
  const Bytes half = json_message(5);
  Bytes whole = half;
  whole.insert(whole.end(), half.begin(), half.end());
  for (int round = 0; round < 3; ++round) {
    const Result first = encode(*server.extension, {WSX_OPCODE_TEXT, false, 0, half});
    const Result last = encode(*server.extension, {WSX_OPCODE_CONTINUATION, true, 0, half});
    ASSERT_EQ(first.status, WSX_OK);
    ASSERT_EQ(last.status, WSX_OK);
    EXPECT_EQ(first.frame.rsv, WSX_RSV1);
    EXPECT_EQ(last.frame.rsv, 0);
    Bytes wire = first.frame.payload;
    wire.insert(wire.end(), last.frame.payload.begin(), last.frame.payload.end());
    // The second half refers back into the first: far smaller than it.
    EXPECT_LT(last.frame.payload.size() * 3, first.frame.payload.size());
    EXPECT_EQ(fresh_inflate(wire), whole) << "round " << round;
  }
}

// client_no_context_takeover: what the peer sends, each message from a fresh
// zlib stream, is decoded by the server's reset (not recreated) inflater.
TEST(NoContextTakeover, ResetInflaterDecodesMessagesOfFreshStreams) {
  TestPlugin plugin(server_config(kMemLevel));
  Negotiation server = server_negotiate(plugin, "client_no_context_takeover");
  ASSERT_EQ(server.status, WSX_OK) << server.message;
  std::size_t held_after_first = 0;
  for (std::size_t i = 0; i < 60; ++i) {
    const Bytes message = json_message(i + 100);
    // Alternate memLevels: the receiver's window is all that must match.
    const Bytes wire = fresh_deflate(message, i % 2 == 0 ? 8 : 5);
    const Result received = decode(*server.extension, {WSX_OPCODE_TEXT, true, WSX_RSV1, wire});
    ASSERT_EQ(received.status, WSX_OK) << received.message;
    EXPECT_EQ(received.frame.rsv, 0);
    EXPECT_EQ(received.frame.payload, message) << "message " << i;
    const std::size_t held = server.extension->get().zlib_bytes_held();
    if (i == 0) held_after_first = held;
    EXPECT_EQ(held, held_after_first) << "message " << i;
  }
  EXPECT_GT(held_after_first, std::size_t{1} << kWindowBits);
}

// Round trips between two plugin instances with no takeover both ways.
TEST(NoContextTakeover, RoundTripsBothWays) {
  TestPlugin server_plugin(server_config(kMemLevel));
  TestPlugin client_plugin({{"server_no_context_takeover", true},
                            {"client_no_context_takeover", true},
                            {"min_size", std::int64_t{0}}});
  Pair pair = negotiate_pair(server_plugin, client_plugin);
  ASSERT_TRUE(pair.server && pair.client);
  for (std::size_t i = 0; i < 40; ++i) {
    const Bytes message = json_message(i);
    for (auto [from, to] :
         {std::pair{&*pair.server, &*pair.client}, std::pair{&*pair.client, &*pair.server}}) {
      const Result sent = encode(*from, {WSX_OPCODE_TEXT, true, 0, message});
      ASSERT_EQ(sent.status, WSX_OK) << sent.message;
      EXPECT_EQ(sent.frame.rsv, WSX_RSV1);
      EXPECT_EQ(fresh_inflate(sent.frame.payload), message);
      const Result received = decode(*to, sent.frame);
      ASSERT_EQ(received.status, WSX_OK) << received.message;
      EXPECT_EQ(received.frame.payload, message);
    }
  }
}

}  // namespace
}  // namespace wsx::pmd::test
