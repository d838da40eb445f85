// Wire bytes per message of the small-message echo (issue 13, item 1): what
// each server sends back for wsx-bench's own text corpus (the load tool's
// corpus.cpp, seed 1: the messages echo sends, and more), compressed the way each
// server compresses, and the CPU that costs on one core.
//
// The load tool cannot see frame bytes on the wire, so this replays the
// compression exactly:
//  - wsx: system zlib, raw deflate, Z_SYNC_FLUSH per message with the
//    00 00 ff ff tail removed (RFC 7692 §7.2.1), messages under min_size
//    (64 bytes) sent plain; with context takeover the stream continues,
//    without it (server_no_context_takeover, or a pooled stream another
//    connection took meanwhile) it is deflateReset before each message. The
//    plugin's output is byte-for-byte this (BM_DeflateEncodePlugin checks).
//  - Beast 1.74 (boost/beast/websocket/detail/impl_base.hpp, deflate()):
//    its own C++ port of zlib, Flush::none over the message, then
//    Flush::block and Flush::full, the 4-byte marker removed, every message
//    compressed whatever its size. A full flush lets no later message refer
//    back, so Beast's ratio is that of independent messages even though it
//    announces context takeover.
// wire_B/msg adds the frame header a server sends (2 bytes up to 125 bytes
// of payload, else 4); ratio = raw bytes / payload bytes. Messages are dealt
// to 64 connections round robin, as wsx-bench's echo does, each with its own
// stream, so the context a connection keeps holds its own earlier messages.
//
// Argument: 0 wsx defaults (window 10, memLevel 2, level 3, takeover);
// 1 the same without takeover; 2 wsx 15/8/1 takeover; 3 15/8/1 without;
// 4 wsx at Beast's settings without takeover (equal work: 15/4/8);
// 5 Beast defaults (15/4/8, full flush); 6-11 see kConfigs.
#include <benchmark/benchmark.h>
#include <zlib.h>

#include <boost/beast/zlib/deflate_stream.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../load/corpus.hpp"

namespace wsx::bench {
namespace {

constexpr std::size_t kConnections = 64;
// More than the 8192 echo cycles through, so that in a timed run no connection
// sees a message again while the last copy is still in its window.
constexpr std::size_t kCorpusSize = 65536;

struct WireConfig {
  const char* label;
  bool beast;
  int window_bits;
  int mem_level;
  int level;
  bool takeover;
  std::size_t min_size;
  // Streams the 64 connections use: 64 (one each), or 1 (what a pool gives
  // when every message takes the one hot stream). With takeover, 1 is no
  // valid server (connections would share history): it is the cache
  // reference of issue 13's 1(b), "one stream does 83k".
  std::size_t streams = kConnections;
};

constexpr std::array<WireConfig, 14> kConfigs{{
    {"wsx defaults 10/2/3 takeover", false, 10, 2, 3, true, 64},
    {"wsx 10/2/3 no takeover", false, 10, 2, 3, false, 64},
    {"wsx 15/8/1 takeover", false, 15, 8, 1, true, 64},
    {"wsx 15/8/1 no takeover", false, 15, 8, 1, false, 64},
    {"wsx 15/4/8 no takeover (equal work)", false, 15, 4, 8, false, 64},
    {"Beast 1.74 defaults 15/4/8 full flush", true, 15, 4, 8, true, 0},
    {"wsx 15/8/1 no takeover, 1 pooled stream", false, 15, 8, 1, false, 64, 1},
    {"wsx 15/8/6 takeover", false, 15, 8, 6, true, 64},
    {"15/8/6 takeover, 1 stream (cache reference)", false, 15, 8, 6, true, 64, 1},
    {"wsx 15/5/1 takeover", false, 15, 5, 1, true, 64},
    {"wsx 12/4/1 takeover", false, 12, 4, 1, true, 64},
    {"wsx 10/2/1 takeover", false, 10, 2, 1, true, 64},
    {"wsx 15/8/6 no takeover", false, 15, 8, 6, false, 64},
    {"wsx 15/8/6 no takeover, 1 pooled stream", false, 15, 8, 6, false, 64, 1},
}};

// One connection's compressor of either kind; returns the payload size.
class Compressor {
 public:
  explicit Compressor(const WireConfig& config) : config_(config) {
    if (config.beast) {
      beast_.reset(config.level, config.window_bits, config.mem_level,
                   boost::beast::zlib::Strategy::normal);
    } else if (deflateInit2(&zlib_, config.level, Z_DEFLATED, -config.window_bits, config.mem_level,
                            Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~Compressor() {
    if (!config_.beast) deflateEnd(&zlib_);
  }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  std::size_t compress(const std::string& message, std::vector<std::uint8_t>& out) {
    if (message.size() < config_.min_size) return message.size();
    out.resize(message.size() + 64);
    if (config_.beast) return beast_compress(message, out);
    if (!config_.takeover) deflateReset(&zlib_);
    zlib_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    zlib_.avail_in = static_cast<uInt>(message.size());
    zlib_.next_out = out.data();
    zlib_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zlib_, Z_SYNC_FLUSH) != Z_OK || zlib_.avail_in != 0)
      throw std::runtime_error("deflate failed");
    return out.size() - zlib_.avail_out - 4;  // §7.2.1: the tail is not sent
  }

 private:
  // As beast::websocket::detail::impl_base::deflate for one whole message.
  std::size_t beast_compress(const std::string& message, std::vector<std::uint8_t>& out) {
    boost::beast::zlib::z_params zs;
    zs.next_in = message.data();
    zs.avail_in = message.size();
    zs.next_out = out.data();
    zs.avail_out = out.size();
    boost::beast::error_code ec;
    beast_.write(zs, boost::beast::zlib::Flush::none, ec);
    beast_.write(zs, boost::beast::zlib::Flush::block, ec);
    if (ec == boost::beast::zlib::error::need_buffers) ec = {};
    beast_.write(zs, boost::beast::zlib::Flush::full, ec);
    if (ec || zs.avail_in != 0) throw std::runtime_error("beast deflate failed");
    return zs.total_out - 4;  // "remove flush marker"
  }

  WireConfig config_;
  z_stream zlib_{};
  boost::beast::zlib::deflate_stream beast_;
};

void BM_EchoWireBytes(benchmark::State& state) {
  const WireConfig& config = kConfigs.at(static_cast<std::size_t>(state.range(0)));
  // Built once for every row (immutable after that): generating it is most
  // of a short run's time.
  static const std::vector<std::string> corpus = make_text_corpus(1, kCorpusSize);
  std::vector<std::unique_ptr<Compressor>> connections;
  for (std::size_t i = 0; i < config.streams; ++i)
    connections.push_back(std::make_unique<Compressor>(config));
  std::vector<std::uint8_t> out;
  std::size_t next = 0;
  std::uint64_t raw = 0;
  std::uint64_t payload = 0;
  std::uint64_t wire = 0;
  std::uint64_t messages = 0;
  for (auto _ : state) {
    const std::string& message = corpus[next];
    const std::size_t size = connections[next % config.streams]->compress(message, out);
    benchmark::DoNotOptimize(out.data());
    raw += message.size();
    payload += size;
    wire += size + (size < 126 ? 2 : 4);
    ++messages;
    next = next + 1 == corpus.size() ? 0 : next + 1;
  }
  state.counters["raw_B/msg"] = static_cast<double>(raw) / static_cast<double>(messages);
  state.counters["wire_B/msg"] = static_cast<double>(wire) / static_cast<double>(messages);
  state.counters["ratio"] = static_cast<double>(raw) / static_cast<double>(payload);
  state.SetLabel(config.label);
}
BENCHMARK(BM_EchoWireBytes)->DenseRange(0, static_cast<int>(kConfigs.size()) - 1);

}  // namespace
}  // namespace wsx::bench
