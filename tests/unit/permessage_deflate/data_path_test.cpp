// Frames through encode/decode (RFC 7692 §6, §7.2): round trips, per-message
// and per-direction choices, protocol errors, corrupt data, 8-bit windows.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <numeric>
#include <optional>

#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// Deterministic test data: JSON-ish text of varying size.
class MessageMaker {
 public:
  Bytes text_message(std::size_t index) {
    std::string out;
    const std::size_t records = next() % 12;
    for (std::size_t i = 0; i < records; ++i) {
      out += "{\"id\":" + std::to_string(index * 100 + i) +
             ",\"price\":" + std::to_string(next() % 100000) + ",\"side\":\"" +
             (next() % 2 ? "buy" : "sell") + "\",\"note\":\"" +
             std::string(next() % 40, static_cast<char>('a' + next() % 26)) + "\"}";
    }
    return bytes(out);
  }
  Bytes noise(std::size_t size) {
    Bytes out(size);
    for (auto& byte : out) byte = static_cast<std::uint8_t>(next() >> 24);
    return out;
  }

 private:
  std::uint32_t next() { return state_ = state_ * 1664525u + 1013904223u; }
  std::uint32_t state_ = 12345;
};

Frame data_frame(std::uint8_t opcode, Bytes payload, bool fin = true, std::uint8_t rsv = 0) {
  return {opcode, fin, rsv, std::move(payload)};
}

// Sends one message from `sender` to `receiver` in `fragments` frames and
// returns what arrives; also adds the bytes on the wire to `wire_bytes`.
Bytes send(TestExtension& sender, TestExtension& receiver, const Bytes& message,
           std::uint8_t opcode, std::size_t fragments, std::size_t& wire_bytes) {
  Bytes received;
  const std::size_t piece = std::max<std::size_t>(1, message.size() / fragments);
  std::size_t offset = 0;
  for (std::size_t i = 0; i < fragments; ++i) {
    const bool fin = i + 1 == fragments;
    const std::size_t end = fin ? message.size() : std::min(message.size(), offset + piece);
    Frame frame = data_frame(i == 0 ? opcode : WSX_OPCODE_CONTINUATION,
                             Bytes(message.begin() + static_cast<std::ptrdiff_t>(offset),
                                   message.begin() + static_cast<std::ptrdiff_t>(end)),
                             fin);
    offset = end;
    const Result encoded = encode(sender, frame);
    EXPECT_NE(encoded.status, WSX_FAIL) << encoded.message;
    wire_bytes += encoded.frame.payload.size();
    const Result decoded = decode(receiver, encoded.frame);
    EXPECT_NE(decoded.status, WSX_FAIL) << decoded.message;
    EXPECT_EQ(decoded.frame.rsv, 0);
    EXPECT_EQ(decoded.frame.opcode, frame.opcode);
    received.insert(received.end(), decoded.frame.payload.begin(), decoded.frame.payload.end());
  }
  return received;
}

TEST(DataPath, ThreeHundredMessagesEachWayWithContextTakeover) {
  TestPlugin server_plugin({{"min_size", std::int64_t{0}}});
  TestPlugin client_plugin({{"min_size", std::int64_t{0}}});
  Pair pair = negotiate_pair(server_plugin, client_plugin);
  ASSERT_TRUE(pair.server && pair.client);
  MessageMaker maker;
  std::size_t raw_bytes = 0;
  std::size_t wire_bytes = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    const bool binary = i % 5 == 4;
    const Bytes message = binary ? maker.noise(i % 3 == 0 ? 0 : 50 + i) : maker.text_message(i);
    const std::uint8_t opcode = binary ? WSX_OPCODE_BINARY : WSX_OPCODE_TEXT;
    const std::size_t fragments = i % 7 == 0 ? 3 : 1;
    raw_bytes += 2 * message.size();
    EXPECT_EQ(send(*pair.client, *pair.server, message, opcode, fragments, wire_bytes), message)
        << "client->server message " << i;
    EXPECT_EQ(send(*pair.server, *pair.client, message, opcode, fragments, wire_bytes), message)
        << "server->client message " << i;
  }
  // Repetitive JSON with a shared window compresses far below half.
  EXPECT_LT(wire_bytes * 2, raw_bytes);
}

// RFC 7692 §7.1.1: each direction's context takeover is its own.
TEST(DataPath, ContextTakeoverIsChosenPerDirection) {
  const Bytes message = MessageMaker().text_message(3);
  ASSERT_GT(message.size(), 100u);
  for (const bool server_resets : {true, false}) {
    TestPlugin server_plugin(
        {{server_resets ? "server_no_context_takeover" : "client_no_context_takeover", true},
         {"keep_compression_context", true}});
    TestPlugin client_plugin({{"keep_compression_context", true}});
    Pair pair = negotiate_pair(server_plugin, client_plugin);
    ASSERT_TRUE(pair.server && pair.client);
    TestExtension& resetting = server_resets ? *pair.server : *pair.client;
    TestExtension& keeping = server_resets ? *pair.client : *pair.server;
    TestExtension& resetting_peer = server_resets ? *pair.client : *pair.server;
    TestExtension& keeping_peer = server_resets ? *pair.server : *pair.client;

    const Result reset_first = encode(resetting, data_frame(WSX_OPCODE_TEXT, message));
    const Result reset_second = encode(resetting, data_frame(WSX_OPCODE_TEXT, message));
    EXPECT_EQ(reset_first.frame.payload, reset_second.frame.payload);
    EXPECT_EQ(decode(resetting_peer, reset_first.frame).frame.payload, message);
    EXPECT_EQ(decode(resetting_peer, reset_second.frame).frame.payload, message);

    const Result keep_first = encode(keeping, data_frame(WSX_OPCODE_TEXT, message));
    const Result keep_second = encode(keeping, data_frame(WSX_OPCODE_TEXT, message));
    EXPECT_LT(keep_second.frame.payload.size() * 4, keep_first.frame.payload.size());
    EXPECT_EQ(decode(keeping_peer, keep_first.frame).frame.payload, message);
    EXPECT_EQ(decode(keeping_peer, keep_second.frame).frame.payload, message);
  }
}

TEST(DataPath, FragmentedMessageSetsRsv1OnTheFirstFrameOnly) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  TestExtension& extension = *server.extension;
  const Result first = encode(extension, data_frame(WSX_OPCODE_BINARY, bytes("abc"), false));
  EXPECT_EQ(first.status, WSX_OK);
  EXPECT_EQ(first.frame.rsv, WSX_RSV1);
  // A control frame in the middle of a fragmented message passes untouched.
  const Result ping = encode(extension, data_frame(WSX_OPCODE_PING, bytes("p")));
  EXPECT_EQ(ping.status, WSX_UNCHANGED);
  const Result middle = encode(extension, data_frame(WSX_OPCODE_CONTINUATION, bytes("def"), false));
  EXPECT_EQ(middle.status, WSX_OK);
  EXPECT_EQ(middle.frame.rsv, 0);
  const Result last = encode(extension, data_frame(WSX_OPCODE_CONTINUATION, bytes("ghi")));
  EXPECT_EQ(last.status, WSX_OK);
  EXPECT_EQ(last.frame.rsv, 0);

  // Non-final frames keep their sync-flush tail; only the final one drops it.
  auto ends_with_tail = [](const Bytes& data) {
    return data.size() >= 4 && Bytes(data.end() - 4, data.end()) == hex("00 00 ff ff");
  };
  EXPECT_TRUE(ends_with_tail(first.frame.payload));
  EXPECT_TRUE(ends_with_tail(middle.frame.payload));
  EXPECT_FALSE(ends_with_tail(last.frame.payload));

  Bytes all = first.frame.payload;
  all.insert(all.end(), middle.frame.payload.begin(), middle.frame.payload.end());
  all.insert(all.end(), last.frame.payload.begin(), last.frame.payload.end());
  all.insert(all.end(), {0x00, 0x00, 0xff, 0xff});
  EXPECT_EQ(text(raw_inflate(all, 15)), "abcdefghi");
}

TEST(DataPath, ControlFramesAreNeverTouched) {
  TestPlugin plugin({{"min_size", std::int64_t{0}}});
  Negotiation server = server_negotiate(plugin, "");
  for (const std::uint8_t opcode : {WSX_OPCODE_PING, WSX_OPCODE_PONG, WSX_OPCODE_CLOSE}) {
    const Frame frame = data_frame(opcode, bytes("payload payload payload"));
    const Result sent = encode(*server.extension, frame);
    EXPECT_EQ(sent.status, WSX_UNCHANGED);
    EXPECT_EQ(sent.frame.rsv, 0);
    EXPECT_EQ(sent.frame.payload, frame.payload);
    const Result received = decode(*server.extension, frame);
    EXPECT_EQ(received.status, WSX_UNCHANGED);
    EXPECT_EQ(received.frame.payload, frame.payload);
  }
}

// RFC 7692 §6: RSV1 only on the first frame of a data message.
TEST(DataPath, Rsv1OnAControlFrameIsAProtocolError) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  const Result result = decode(*server.extension, data_frame(WSX_OPCODE_PING, {}, true, WSX_RSV1));
  EXPECT_EQ(result.status, WSX_FAIL);
  EXPECT_EQ(result.close_code, WSX_CLOSE_PROTOCOL_ERROR);
  EXPECT_EQ(result.message, "RSV1 set on a control frame");
}

TEST(DataPath, Rsv1OnAContinuationFrameIsAProtocolError) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  ASSERT_EQ(decode(*server.extension, data_frame(WSX_OPCODE_TEXT, hex("f2 48 cd"), false, WSX_RSV1))
                .status,
            WSX_OK);
  const Result result = decode(
      *server.extension, data_frame(WSX_OPCODE_CONTINUATION, hex("c9 c9 07 00"), true, WSX_RSV1));
  EXPECT_EQ(result.status, WSX_FAIL);
  EXPECT_EQ(result.close_code, WSX_CLOSE_PROTOCOL_ERROR);
  EXPECT_EQ(result.message, "RSV1 set on a continuation frame");
}

// RFC 7692 §6: the sender chooses per message.
TEST(DataPath, UncompressedMessagesFromThePeerPassThrough) {
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "");
  const Result whole = decode(*server.extension, data_frame(WSX_OPCODE_TEXT, bytes("plain")));
  EXPECT_EQ(whole.status, WSX_UNCHANGED);
  EXPECT_EQ(text(whole.frame.payload), "plain");
  EXPECT_EQ(decode(*server.extension, data_frame(WSX_OPCODE_BINARY, bytes("a"), false)).status,
            WSX_UNCHANGED);
  EXPECT_EQ(decode(*server.extension, data_frame(WSX_OPCODE_CONTINUATION, bytes("b"))).status,
            WSX_UNCHANGED);
  // And the next compressed one still decodes.
  EXPECT_EQ(text(decode(*server.extension,
                        data_frame(WSX_OPCODE_TEXT, hex("f2 48 cd c9 c9 07 00"), true, WSX_RSV1))
                     .frame.payload),
            "Hello");
}

TEST(DataPath, MessagesBelowMinSizeGoOutUncompressed) {
  TestPlugin plugin;  // min_size 64
  Negotiation server = server_negotiate(plugin, "");
  const Result short_one = encode(*server.extension, data_frame(WSX_OPCODE_TEXT, Bytes(63, 'a')));
  EXPECT_EQ(short_one.status, WSX_UNCHANGED);
  EXPECT_EQ(short_one.frame.rsv, 0);
  const Result long_one = encode(*server.extension, data_frame(WSX_OPCODE_TEXT, Bytes(64, 'a')));
  EXPECT_EQ(long_one.status, WSX_OK);
  EXPECT_EQ(long_one.frame.rsv, WSX_RSV1);
  EXPECT_LT(long_one.frame.payload.size(), 64u);
  // A fragmented message's size is unknown at its first frame: compressed.
  const Result fragment =
      encode(*server.extension, data_frame(WSX_OPCODE_TEXT, Bytes(3, 'a'), false));
  EXPECT_EQ(fragment.status, WSX_OK);
  EXPECT_EQ(fragment.frame.rsv, WSX_RSV1);
  EXPECT_EQ(encode(*server.extension, data_frame(WSX_OPCODE_CONTINUATION, Bytes(3, 'a'))).status,
            WSX_OK);
  // An uncompressed fragmented message stays uncompressed to its end.
  TestPlugin big_min({{"min_size", std::int64_t{1'000'000}}});
  Negotiation other = server_negotiate(big_min, "");
  EXPECT_EQ(encode(*other.extension, data_frame(WSX_OPCODE_TEXT, Bytes(100, 'a'))).status,
            WSX_UNCHANGED);
}

TEST(DataPath, CorruptDataIsInvalidPayload) {
  TestPlugin plugin;
  for (const char* payload : {"ff ff ff ff",                 // reserved block type 11
                              "f2 48 cd c9",                 // cut short
                              "00 05 00 fb ff 48 65 6c"}) {  // stored block with bad NLEN
    Negotiation server = server_negotiate(plugin, "");
    const Result result =
        decode(*server.extension, data_frame(WSX_OPCODE_TEXT, hex(payload), true, WSX_RSV1));
    EXPECT_EQ(result.status, WSX_FAIL) << payload;
    EXPECT_EQ(result.close_code, WSX_CLOSE_INVALID_PAYLOAD) << payload;
    EXPECT_NE(result.message.find("invalid compressed data"), std::string::npos) << result.message;
  }
}

// A raw inflater kept across messages, as an independent peer. In strict
// mode it takes one output byte per call, so everything it refers back to
// must come from its window: a distance longer than the window fails
// ("invalid distance too far back") instead of being served from the
// output buffer, as zlib otherwise allows.
class PeerInflater {
 public:
  PeerInflater(int window_bits, bool strict) : strict_(strict) {
    EXPECT_EQ(inflateInit2(&stream_, -window_bits), Z_OK);
  }
  ~PeerInflater() { inflateEnd(&stream_); }
  PeerInflater(const PeerInflater&) = delete;
  PeerInflater& operator=(const PeerInflater&) = delete;

  // RFC 7692 §7.2.2: append the tail, inflate. nullopt on a data error.
  std::optional<Bytes> message(Bytes payload) {
    payload.insert(payload.end(), {0x00, 0x00, 0xff, 0xff});
    Bytes out;
    stream_.next_in = payload.data();
    stream_.avail_in = static_cast<uInt>(payload.size());
    std::uint8_t chunk[4096];
    const uInt room = strict_ ? 1 : sizeof(chunk);
    for (;;) {
      stream_.next_out = chunk;
      stream_.avail_out = room;
      const int status = inflate(&stream_, Z_SYNC_FLUSH);
      if (status != Z_OK && status != Z_BUF_ERROR) return std::nullopt;
      out.insert(out.end(), chunk, chunk + (room - stream_.avail_out));
      if (stream_.avail_in == 0 && stream_.avail_out != 0) return out;
      if (status == Z_BUF_ERROR) return std::nullopt;
    }
  }

 private:
  z_stream stream_{};
  bool strict_;
};

// A raw deflater kept across messages (context takeover), as a peer.
class PeerDeflater {
 public:
  explicit PeerDeflater(int window_bits) {
    EXPECT_EQ(deflateInit2(&stream_, 6, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  }
  ~PeerDeflater() { deflateEnd(&stream_); }
  PeerDeflater(const PeerDeflater&) = delete;
  PeerDeflater& operator=(const PeerDeflater&) = delete;

  // RFC 7692 §7.2.1: sync flush, drop the tail.
  Bytes message(Bytes data) {
    Bytes out(deflateBound(&stream_, data.size()) + 16);
    stream_.next_in = data.data();
    stream_.avail_in = static_cast<uInt>(data.size());
    stream_.next_out = out.data();
    stream_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&stream_, Z_SYNC_FLUSH), Z_OK);
    out.resize(out.size() - stream_.avail_out - 4);
    return out;
  }

 private:
  z_stream stream_{};
};

// Data with repeats 300 bytes apart: within a 512-byte window, beyond 256.
Bytes repeats_300_bytes_apart() {
  MessageMaker maker;
  const Bytes block = maker.noise(300);
  Bytes data;
  for (int i = 0; i < 20; ++i) data.insert(data.end(), block.begin(), block.end());
  return data;
}

TEST(DataPath, ServerWindowOf8IsHonouredForAReal256ByteInflater) {
  const Bytes data = repeats_300_bytes_apart();
  // The strict 8-bit peer has teeth: data that refers 300 bytes back (a
  // 15-bit compressor's) fails there, and decodes with a 15-bit window.
  {
    PeerDeflater wide(15);
    const Bytes payload = wide.message(data);
    PeerInflater narrow(8, true);
    EXPECT_EQ(narrow.message(payload), std::nullopt);
    PeerInflater enough(15, true);
    EXPECT_EQ(enough.message(payload), data);
  }

  // memLevel 5: at the default 2, zlib ends a block every 256 symbols, and
  // the stored blocks it then chooses for this noise grow it by 2%.
  // This noise repeats itself 300 bytes apart, the case the incompressible
  // guess gets wrong (incompressible.hpp): turn it off to test the window.
  TestPlugin plugin({{"mem_level", std::int64_t{5}}, {"skip_incompressible", false}});
  Negotiation server = server_negotiate(plugin, "server_max_window_bits=8");
  ASSERT_EQ(server.status, WSX_OK) << server.message;
  EXPECT_EQ(to_string(server.response), "server_max_window_bits=8");
  PeerInflater peer(8, true);
  for (int message = 0; message < 3; ++message) {  // with context takeover
    const Result sent = encode(*server.extension, data_frame(WSX_OPCODE_BINARY, data));
    ASSERT_EQ(sent.status, WSX_OK);
    EXPECT_LT(sent.frame.payload.size(), data.size());
    EXPECT_EQ(peer.message(sent.frame.payload), data) << "message " << message;
  }
}

TEST(DataPath, ClientWindowOf8AcceptsWhatNodeSends) {
  // Node.js turns a raw 8-bit window into 9: a peer asked for 8 may send
  // 9-bit data. We inflate with at least 9 bits.
  const Bytes data = repeats_300_bytes_apart();
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "client_max_window_bits=8");
  ASSERT_EQ(server.status, WSX_OK);
  EXPECT_EQ(to_string(server.response), "client_max_window_bits=8");
  PeerDeflater node_like(9);
  for (int message = 0; message < 3; ++message) {
    const Result received = decode(
        *server.extension, data_frame(WSX_OPCODE_BINARY, node_like.message(data), true, WSX_RSV1));
    ASSERT_EQ(received.status, WSX_OK) << received.message;
    EXPECT_EQ(received.frame.payload, data);
  }
}

TEST(DataPath, APeerBreakingItsWindowPromiseIsInvalidPayload) {
  // The client promised a 10-bit window, then refers 5000 bytes back into
  // its previous message.
  const Bytes block = MessageMaker().noise(5000);
  TestPlugin plugin;
  Negotiation server = server_negotiate(plugin, "client_max_window_bits=10");
  PeerDeflater liar(15);
  const Result first =
      decode(*server.extension, data_frame(WSX_OPCODE_BINARY, liar.message(block), true, WSX_RSV1));
  ASSERT_EQ(first.status, WSX_OK) << first.message;
  const Result second =
      decode(*server.extension, data_frame(WSX_OPCODE_BINARY, liar.message(block), true, WSX_RSV1));
  EXPECT_EQ(second.status, WSX_FAIL);
  EXPECT_EQ(second.close_code, WSX_CLOSE_INVALID_PAYLOAD);
  EXPECT_NE(second.message.find("too far back"), std::string::npos) << second.message;
}

TEST(DataPath, LargeMessageInManyFrames) {
  TestPlugin server_plugin;
  TestPlugin client_plugin;
  Pair pair = negotiate_pair(server_plugin, client_plugin);
  MessageMaker maker;
  Bytes message;
  while (message.size() < (1u << 20)) {
    const Bytes part = maker.text_message(message.size());
    message.insert(message.end(), part.begin(), part.end());
    const Bytes noise = maker.noise(200);
    message.insert(message.end(), noise.begin(), noise.end());
  }
  std::size_t wire = 0;
  EXPECT_EQ(send(*pair.server, *pair.client, message, WSX_OPCODE_BINARY, 16, wire), message);
  EXPECT_EQ(send(*pair.client, *pair.server, message, WSX_OPCODE_BINARY, 1, wire), message);
}

}  // namespace
}  // namespace wsx::pmd::test
