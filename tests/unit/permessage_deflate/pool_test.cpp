// The per-I/O-thread compressor pool (compressor_pool.hpp, issue 13 item 2):
// connections share a few deflate streams message by message. What must hold:
// no connection ever continues a stream another connection wrote into
// mid-message; every message, compressed or sent plain for lack of a stream,
// decodes to exactly what was sent with a real zlib inflater that keeps its
// window across messages (the peer's side of context takeover, RFC 7692
// §7.1.1.1); and a host that passes no thread context still gets a working
// extension.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "permessage_deflate/compressor_pool.hpp"
#include "permessage_deflate/deflater.hpp"
#include "permessage_deflate/inflater.hpp"
#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// The default compressor (window 10, mem_level 2): what one pooled stream
// costs of the pool's budget.
std::uint64_t default_stream_bytes() {
  const DeflateConfig defaults;
  return Deflater::memory_bound(
      {defaults.compress_window_bits, false, defaults.compress_level, defaults.mem_level});
}

std::vector<ConfigValue> pool_config(std::size_t streams) {
  return {{"compressor_pool_memory", std::to_string(streams * default_stream_bytes())},
          {"min_size", std::int64_t{0}}};
}

CompressorPool& pool_of(const TestThreadContext& context) {
  return *static_cast<CompressorPool*>(context.get());
}

// Text that compresses well against itself and against its sender's earlier
// messages, and differs between connections, so a stream carrying another
// connection's history would decode to visibly wrong bytes.
Bytes message_of(std::size_t connection, std::size_t index) {
  std::string out = "conn " + std::to_string(connection) + " msg " + std::to_string(index) + ":";
  const std::size_t parts = 4 + (connection * 7 + index * 3) % 40;
  for (std::size_t i = 0; i < parts; ++i) {
    out += " {\"from\":\"user-" + std::to_string(connection) +
           "\",\"seq\":" + std::to_string(index * 100 + i) + ",\"tag\":\"" +
           std::string(1 + (connection + i) % 5, static_cast<char>('a' + connection % 26)) + "\"}";
  }
  return bytes(out);
}

// The receiving peer of one connection: a raw zlib inflater that keeps its
// window across messages, as a peer with context takeover does (RFC 7692
// §7.2.2), and checks each message against what was sent.
class Receiver {
 public:
  explicit Receiver(int window_bits) { EXPECT_EQ(inflateInit2(&stream_, -window_bits), Z_OK); }
  ~Receiver() { inflateEnd(&stream_); }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // One frame as it would go on the wire; returns the message once its
  // final frame arrived (empty optional before).
  std::optional<Bytes> receive(const Frame& frame) {
    if (frame.opcode != WSX_OPCODE_CONTINUATION) {
      compressed_ = (frame.rsv & WSX_RSV1) != 0;
      wire_.clear();
    } else {
      EXPECT_EQ(frame.rsv & WSX_RSV1, 0) << "RSV1 on a continuation frame";
    }
    wire_.insert(wire_.end(), frame.payload.begin(), frame.payload.end());
    if (!frame.fin) return std::nullopt;
    if (!compressed_) {
      ++plain;
      return wire_;
    }
    ++compressed;
    wire_.insert(wire_.end(), {0x00, 0x00, 0xff, 0xff});  // §7.2.2
    Bytes out;
    stream_.next_in = wire_.data();
    stream_.avail_in = static_cast<uInt>(wire_.size());
    std::uint8_t chunk[4096];
    int status = Z_OK;
    do {
      stream_.next_out = chunk;
      stream_.avail_out = sizeof chunk;
      status = inflate(&stream_, Z_SYNC_FLUSH);
      out.insert(out.end(), chunk, chunk + (sizeof chunk - stream_.avail_out));
    } while (status == Z_OK && (stream_.avail_in != 0 || stream_.avail_out == 0));
    EXPECT_TRUE(status == Z_OK || status == Z_BUF_ERROR) << "inflate: " << status;
    EXPECT_EQ(stream_.avail_in, 0u);
    return out;
  }

  std::size_t plain = 0;
  std::size_t compressed = 0;

 private:
  z_stream stream_{};
  bool compressed_ = false;
  Bytes wire_;
};

// Splits `message` into `pieces` frames (TEXT, then CONTINUATION).
std::vector<Frame> frames_of(const Bytes& message, std::size_t pieces) {
  std::vector<Frame> frames;
  const std::size_t step = message.size() / pieces + 1;
  for (std::size_t at = 0; at < message.size() || frames.empty(); at += step) {
    const std::size_t end = std::min(message.size(), at + step);
    frames.push_back(
        {frames.empty() ? std::uint8_t{WSX_OPCODE_TEXT} : std::uint8_t{WSX_OPCODE_CONTINUATION},
         end == message.size(), 0,
         Bytes(message.begin() + static_cast<std::ptrdiff_t>(at),
               message.begin() + static_cast<std::ptrdiff_t>(end))});
  }
  return frames;
}

// A fresh inflater (no history) must decode `wire` to `message`: what a
// stream that was reset before the message produces.
void expect_independent(const Bytes& wire, const Bytes& message) {
  Bytes input = wire;
  input.insert(input.end(), {0x00, 0x00, 0xff, 0xff});
  int status = Z_ERRNO;
  EXPECT_EQ(raw_inflate(input, 15, &status), message);
  EXPECT_TRUE(status == Z_OK || status == Z_BUF_ERROR) << status;
}

Negotiation pooled_connection(TestPlugin& plugin, const TestThreadContext& context) {
  Negotiation made = server_negotiate(plugin, "client_max_window_bits", {}, context.get());
  EXPECT_EQ(made.status, WSX_OK) << made.message;
  if (made.extension) {
    EXPECT_TRUE(made.extension->get().pooled());
  }
  return made;
}

// Many connections, each with a message in progress, their frames
// interleaved, through a pool of three streams: a connection that starts a
// message while all three are lent sends it plain; one that starts when a
// stream was given back takes it (reset, unless it was its own). Every
// message of every connection must decode exactly.
TEST(CompressorPool, InterleavedMessagesOfManyConnectionsDecodeExactly) {
  constexpr std::size_t kConnections = 24;
  constexpr std::size_t kMessages = 30;
  constexpr std::size_t kStreams = 3;
  TestPlugin plugin(pool_config(kStreams));
  const TestThreadContext context(plugin);
  ASSERT_NE(context.get(), nullptr);
  CompressorPool& pool = pool_of(context);

  struct Connection {
    std::optional<TestExtension> extension;
    std::unique_ptr<Receiver> receiver;
    std::size_t sent = 0;  // messages started
    std::vector<Frame> frames;
    std::size_t next_frame = 0;
    Bytes message;
  };
  std::vector<Connection> connections(kConnections);
  for (Connection& connection : connections) {
    connection.extension = std::move(pooled_connection(plugin, context).extension);
    ASSERT_TRUE(connection.extension);
    connection.receiver = std::make_unique<Receiver>(15);  // the agreed server window
  }

  // A fixed pseudo-random schedule (an LCG): which connection sends its
  // next frame. Bounded: every step sends one frame.
  std::uint64_t state = 12345;
  std::size_t delivered = 0;
  for (std::size_t step = 0; step < 200000 && delivered < kConnections * kMessages; ++step) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    Connection& connection = connections[(state >> 33) % kConnections];
    const std::size_t index = static_cast<std::size_t>(&connection - connections.data());
    if (connection.next_frame == connection.frames.size()) {
      if (connection.sent == kMessages) continue;
      connection.message = message_of(index, connection.sent);
      connection.frames = frames_of(connection.message, 1 + (state >> 40) % 4);
      connection.next_frame = 0;
      ++connection.sent;
    }
    const Frame& frame = connection.frames[connection.next_frame++];
    const Result sent = encode(*connection.extension, frame);
    ASSERT_NE(sent.status, WSX_FAIL) << sent.message;
    ASSERT_LE(pool.streams(), kStreams);
    ASSERT_LE(pool.lent(), kStreams);
    if (const std::optional<Bytes> got = connection.receiver->receive(sent.frame)) {
      ASSERT_EQ(*got, connection.message)
          << "connection " << index << " message " << connection.sent - 1 << " decoded wrong";
      ++delivered;
    }
  }
  ASSERT_EQ(delivered, kConnections * kMessages);

  std::size_t plain = 0;
  std::size_t compressed = 0;
  for (const Connection& connection : connections) {
    plain += connection.receiver->plain;
    compressed += connection.receiver->compressed;
  }
  // The schedule keeps more than three connections mid-message at once, so
  // both outcomes occur, and streams change hands between connections.
  EXPECT_GT(plain, 0u);
  EXPECT_GT(compressed, kConnections * kMessages / 10);
  EXPECT_EQ(pool.refusals(), plain);
  EXPECT_GT(pool.takeovers(), 0u);
  EXPECT_EQ(pool.lent(), 0u);
}

// One connection alone keeps its stream and its history: byte for byte the
// output of a connection with a compressor of its own (context takeover).
TEST(CompressorPool, AConnectionAloneKeepsItsContext) {
  TestPlugin plugin(pool_config(4));
  const TestThreadContext context(plugin);
  Negotiation pooled = pooled_connection(plugin, context);
  Negotiation own = server_negotiate(plugin, "client_max_window_bits");
  ASSERT_TRUE(pooled.extension && own.extension);
  EXPECT_FALSE(own.extension->get().pooled());
  for (std::size_t i = 0; i < 20; ++i) {
    const Frame frame{WSX_OPCODE_TEXT, true, 0, message_of(1, i)};
    const Result a = encode(*pooled.extension, frame);
    const Result b = encode(*own.extension, frame);
    ASSERT_EQ(a.status, WSX_OK);
    EXPECT_EQ(a.frame.payload, b.frame.payload) << "message " << i;
  }
  EXPECT_EQ(pool_of(context).takeovers(), 0u);
  EXPECT_EQ(pool_of(context).streams(), 1u);
}

// A pool of one stream and two connections taking turns: each message gets
// the stream after the other connection used it, so each must be what a
// fresh stream makes, decodable with no history at all.
TEST(CompressorPool, AStreamTakenFromAnotherConnectionStartsFresh) {
  TestPlugin plugin(pool_config(1));
  const TestThreadContext context(plugin);
  Negotiation a = pooled_connection(plugin, context);
  Negotiation b = pooled_connection(plugin, context);
  for (std::size_t i = 0; i < 10; ++i) {
    for (auto* connection : {&a, &b}) {
      const Bytes message = message_of(connection == &a ? 1 : 2, i);
      const Result sent = encode(*connection->extension, {WSX_OPCODE_TEXT, true, 0, message});
      ASSERT_EQ(sent.status, WSX_OK);
      EXPECT_NE(sent.frame.rsv & WSX_RSV1, 0);
      expect_independent(sent.frame.payload, message);
    }
  }
  EXPECT_EQ(pool_of(context).streams(), 1u);
  EXPECT_EQ(pool_of(context).takeovers(), 19u);  // all but the very first message
}

// While the only stream is lent mid-message, another connection's message
// goes out plain (RSV1 clear, payload as given); once it is back, compressed.
TEST(CompressorPool, NoStreamLeftSendsPlain) {
  TestPlugin plugin(pool_config(1));
  const TestThreadContext context(plugin);
  Negotiation a = pooled_connection(plugin, context);
  Negotiation b = pooled_connection(plugin, context);
  const Bytes first = message_of(1, 0);
  const Result start = encode(*a.extension, {WSX_OPCODE_TEXT, false, 0, first});
  ASSERT_EQ(start.status, WSX_OK);
  EXPECT_NE(start.frame.rsv & WSX_RSV1, 0);

  const Bytes other = message_of(2, 0);
  const Result plain = encode(*b.extension, {WSX_OPCODE_TEXT, true, 0, other});
  EXPECT_EQ(plain.status, WSX_UNCHANGED);
  EXPECT_EQ(plain.frame.rsv & WSX_RSV1, 0);
  EXPECT_EQ(plain.frame.payload, other);
  EXPECT_EQ(pool_of(context).refusals(), 1u);

  const Result end = encode(*a.extension, {WSX_OPCODE_CONTINUATION, true, 0, first});
  ASSERT_EQ(end.status, WSX_OK);
  Bytes whole = start.frame.payload;
  whole.insert(whole.end(), end.frame.payload.begin(), end.frame.payload.end());
  Bytes twice = first;
  twice.insert(twice.end(), first.begin(), first.end());
  expect_independent(whole, twice);

  const Result again = encode(*b.extension, {WSX_OPCODE_TEXT, true, 0, other});
  ASSERT_EQ(again.status, WSX_OK);
  EXPECT_NE(again.frame.rsv & WSX_RSV1, 0);
  expect_independent(again.frame.payload, other);
}

// A connection that dies mid-message gives its half-used stream back; the
// next connection gets it reset.
TEST(CompressorPool, AConnectionGoneMidMessageLeavesNoHistory) {
  TestPlugin plugin(pool_config(1));
  const TestThreadContext context(plugin);
  Negotiation b = pooled_connection(plugin, context);
  {
    Negotiation a = pooled_connection(plugin, context);
    ASSERT_EQ(encode(*a.extension, {WSX_OPCODE_TEXT, false, 0, message_of(2, 0)}).status, WSX_OK);
    EXPECT_EQ(pool_of(context).lent(), 1u);
  }
  EXPECT_EQ(pool_of(context).lent(), 0u);
  const Bytes message = message_of(2, 0);  // the same text: no match into a's bytes
  const Result sent = encode(*b.extension, {WSX_OPCODE_TEXT, true, 0, message});
  ASSERT_EQ(sent.status, WSX_OK);
  EXPECT_NE(sent.frame.rsv & WSX_RSV1, 0);
  expect_independent(sent.frame.payload, message);
  EXPECT_EQ(pool_of(context).streams(), 1u);
}

// Without context takeover for what the server sends, a given-back stream
// is anyone's: every message is independent, and the streams are reused
// rather than multiplied (two connections, one stream each time).
TEST(CompressorPool, WithoutContextTakeoverEveryMessageIsIndependent) {
  auto config = pool_config(4);
  config.push_back({"keep_compression_context", false});
  TestPlugin plugin(config);
  const TestThreadContext context(plugin);
  Negotiation a = pooled_connection(plugin, context);
  Negotiation b = pooled_connection(plugin, context);
  for (std::size_t i = 0; i < 10; ++i) {
    for (auto* connection : {&a, &b}) {
      const Bytes message = message_of(7, i);
      const Result sent = encode(*connection->extension, {WSX_OPCODE_TEXT, true, 0, message});
      ASSERT_EQ(sent.status, WSX_OK);
      expect_independent(sent.frame.payload, message);
    }
  }
  EXPECT_EQ(pool_of(context).streams(), 1u);
  EXPECT_EQ(pool_of(context).takeovers(), 0u);
}

// ABI rule 7: thread_context may be NULL (a host without per-thread
// contexts, or thread_create's NULL), and an older host's wsx_server_offer
// ends before the field (rule 2: struct_size too small to hold it; whatever
// lies beyond must not be read). Either way the connection keeps a
// compressor of its own and works.
TEST(CompressorPool, WithoutAThreadContextAConnectionKeepsItsOwnCompressor) {
  TestPlugin server_plugin(pool_config(1));
  TestPlugin client_plugin;
  const TestThreadContext context(server_plugin);
  Negotiation null_context = server_negotiate(server_plugin, "client_max_window_bits");
  Negotiation old_host =
      server_negotiate(server_plugin, "client_max_window_bits", {}, context.get(),
                       offsetof(wsx_server_offer, thread_context));
  for (Negotiation* made : {&null_context, &old_host}) {
    ASSERT_EQ(made->status, WSX_OK) << made->message;
    EXPECT_FALSE(made->extension->get().pooled());
    Negotiation client = client_accept(client_plugin, to_string(made->response));
    ASSERT_EQ(client.status, WSX_OK) << client.message;
    for (std::size_t i = 0; i < 5; ++i) {
      const Bytes message = message_of(3, i);
      const Result sent = encode(*made->extension, {WSX_OPCODE_TEXT, true, 0, message});
      ASSERT_EQ(sent.status, WSX_OK);
      EXPECT_EQ(decode(*client.extension, sent.frame).frame.payload, message);
      const Result back = encode(*client.extension, {WSX_OPCODE_TEXT, true, 0, message});
      EXPECT_EQ(decode(*made->extension, back.frame).frame.payload, message);
    }
  }
  EXPECT_EQ(pool_of(context).streams(), 0u);
}

// Pool streams count against max_memory too: with room in the pool but
// max_memory spent by one stream, a second connection's message goes out
// plain while the first holds the stream, and the budget comes back when
// the pool is destroyed.
TEST(CompressorPool, StreamsAreCountedAgainstMaxMemory) {
  const std::uint64_t inflater = Inflater::memory_bound({11, false});
  auto config = pool_config(4);
  config.push_back({"max_memory", std::to_string(2 * inflater + default_stream_bytes())});
  TestPlugin plugin(config);
  {
    const TestThreadContext context(plugin);
    Negotiation a = pooled_connection(plugin, context);
    Negotiation b = pooled_connection(plugin, context);
    EXPECT_EQ(plugin.plugin().budget().reserved(), 2 * inflater);
    ASSERT_EQ(encode(*a.extension, {WSX_OPCODE_TEXT, false, 0, message_of(1, 0)}).status, WSX_OK);
    EXPECT_EQ(plugin.plugin().budget().reserved(), 2 * inflater + default_stream_bytes());
    const Result plain = encode(*b.extension, {WSX_OPCODE_TEXT, true, 0, message_of(2, 0)});
    EXPECT_EQ(plain.status, WSX_UNCHANGED);
    EXPECT_EQ(pool_of(context).streams(), 1u);
  }
  EXPECT_EQ(plugin.plugin().budget().reserved(), 0u);
}

// compressor_pool_memory = "0": no pool, and thread_create says so with a
// NULL context.
TEST(CompressorPool, OffMeansNoThreadContext) {
  TestPlugin plugin({{"compressor_pool_memory", std::string("0")}});
  const TestThreadContext context(plugin);
  EXPECT_EQ(context.get(), nullptr);
}

// A client connection made with a context uses the pool as well.
TEST(CompressorPool, ClientConnectionsUseThePoolToo) {
  TestPlugin server_plugin;
  TestPlugin client_plugin(pool_config(2));
  const TestThreadContext context(client_plugin);
  const ClientOffer offer = client_offer(client_plugin);
  Negotiation server = server_negotiate(server_plugin, to_string(offer.params));
  ASSERT_EQ(server.status, WSX_OK);
  Negotiation client = client_accept(client_plugin, to_string(server.response), {}, context.get());
  ASSERT_EQ(client.status, WSX_OK) << client.message;
  EXPECT_TRUE(client.extension->get().pooled());
  for (std::size_t i = 0; i < 5; ++i) {
    const Bytes message = message_of(4, i);
    const Result sent = encode(*client.extension, {WSX_OPCODE_TEXT, true, 0, message});
    EXPECT_EQ(decode(*server.extension, sent.frame).frame.payload, message);
  }
  EXPECT_EQ(pool_of(context).streams(), 1u);
}

// The point of the pool: idle connections hold their decompressor only.
// 200 connections, each having sent and received one message, with a pool
// of 4 streams: the zlib memory of them all is the pool plus 200 inflaters.
TEST(CompressorPool, IdleConnectionsHoldNoCompressorBeyondThePool) {
  constexpr std::size_t kConnections = 200;
  constexpr std::size_t kStreams = 4;
  TestPlugin server_plugin(pool_config(kStreams));
  TestPlugin client_plugin;
  const TestThreadContext context(server_plugin);
  std::vector<Pair> pairs;
  pairs.reserve(kConnections);
  for (std::size_t i = 0; i < kConnections; ++i) {
    pairs.push_back(negotiate_pair(server_plugin, client_plugin, context.get()));
    Pair& pair = pairs.back();
    ASSERT_TRUE(pair.server && pair.client);
    const Bytes message = message_of(i, 0);
    const Result down = encode(*pair.server, {WSX_OPCODE_TEXT, true, 0, message});
    ASSERT_EQ(decode(*pair.client, down.frame).frame.payload, message);
    const Result up = encode(*pair.client, {WSX_OPCODE_TEXT, true, 0, message});
    ASSERT_EQ(decode(*pair.server, up.frame).frame.payload, message);
  }
  // Everything the server's instance holds in zlib: the pool's streams and
  // one 11-bit inflater per connection (the window asked of the client).
  const std::size_t server_total = server_plugin.plugin().gauge().in_use();
  const std::uint64_t pool_bytes = pool_of(context).bytes_in_streams();
  EXPECT_LE(pool_of(context).streams(), kStreams);
  EXPECT_LE(pool_bytes, pool_of(context).budget());
  EXPECT_LE(server_total, pool_bytes + kConnections * Inflater::memory_bound({11, false}));
  std::cout << "[pool] " << kConnections << " idle connections, pool of " << kStreams
            << " streams (" << pool_bytes << " bytes): " << server_total / kConnections
            << " zlib bytes per connection\n";
}

}  // namespace
}  // namespace wsx::pmd::test
