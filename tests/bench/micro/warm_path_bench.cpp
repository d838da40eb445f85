// The whole receive path of a warm server connection (DESIGN.md "One message,
// end to end"): Connection::receive parses each frame header, unmasks the
// payload in place, runs the extension chain's decode, assembles fragmented
// messages and validates text as UTF-8, then hands the message to the
// handler. Time is per message; the counter allocs/frame is the number of
// operator new calls per frame once warm, which DESIGN.md says must be 0.
//
// Argument 0 picks the chain: 0 = none, 1 = one pass-through plugin
// extension, 2 = permessage-deflate (context takeover; client frames are
// compressed with zlib beforehand). One message in four is sent as three
// fragments, so assembly and incremental UTF-8 validation are on the path.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <vector>

#include "allocation_counter.hpp"
#include "core/connection/connection.hpp"
#include "core/framing/frame.hpp"
#include "core/framing/mask.hpp"
#include "corpus.hpp"
#include "loaded_plugins.hpp"
#include "zlib_reference.hpp"

namespace wsx::bench {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t corpus_messages = 256;
constexpr std::size_t fragments_per_fragmented_message = 3;

enum class ChainKind { none, pass, deflate };

constexpr std::array<const char*, 3> chain_labels{"no extensions", "1 pass-through plugin",
                                                  "permessage-deflate"};

// One client message on the wire: its frames, masked (section 5.3).
struct WireMessage {
  Bytes bytes;
  std::size_t frames = 0;
};

// Appends one masked client frame to `wire`.
void append_frame(Bytes& wire, std::uint8_t opcode, bool fin, std::uint8_t rsv,
                  std::span<const std::uint8_t> payload, SeededRandom& random) {
  core::FrameHeader header;
  header.fin = fin;
  header.rsv = rsv;
  header.opcode = opcode;
  header.masked = true;
  header.payload_length = payload.size();
  header.mask_key = core::to_mask_key(static_cast<std::uint32_t>(random.next()));
  std::uint8_t head[core::max_frame_header_size];
  const std::size_t head_size = core::write_frame_header(header, head);
  const std::size_t at = wire.size();
  wire.resize(at + head_size + payload.size());
  std::memcpy(wire.data() + at, head, head_size);
  core::mask_copy(wire.data() + at + head_size, payload.data(), payload.size(), header.mask_key);
}

// Every corpus message as a client would send it to this chain.
std::vector<WireMessage> client_wire(const TextCorpus& corpus, ChainKind kind) {
  SeededRandom random(7692);
  std::optional<RawDeflater> deflater;
  if (kind == ChainKind::deflate) deflater.emplace(DeflateSettings{});
  std::vector<WireMessage> out;
  for (std::size_t i = 0; i < corpus.messages.size(); ++i) {
    std::span<const std::uint8_t> payload = as_bytes(corpus.messages[i]);
    // RFC 7692 section 6: RSV1 on the first frame marks a compressed message.
    const std::uint8_t rsv = deflater ? WSX_RSV1 : 0;
    if (deflater) payload = deflater->compress(payload);
    WireMessage message;
    if (i % 4 == 3 && payload.size() >= fragments_per_fragmented_message) {
      // Section 5.4: TEXT (FIN clear), CONTINUATION, CONTINUATION (FIN set).
      const std::size_t piece = payload.size() / fragments_per_fragmented_message;
      for (std::size_t f = 0; f < fragments_per_fragmented_message; ++f) {
        const bool last = f + 1 == fragments_per_fragmented_message;
        const auto part = payload.subspan(f * piece, last ? payload.size() - f * piece : piece);
        append_frame(message.bytes, f == 0 ? WSX_OPCODE_TEXT : WSX_OPCODE_CONTINUATION, last,
                     f == 0 ? rsv : 0, part, random);
      }
      message.frames = fragments_per_fragmented_message;
    } else {
      append_frame(message.bytes, WSX_OPCODE_TEXT, true, rsv, payload, random);
      message.frames = 1;
    }
    out.push_back(std::move(message));
  }
  return out;
}

class CountingHandler : public core::ConnectionHandler {
 public:
  void on_message(std::uint8_t, std::span<const std::uint8_t> payload) override {
    ++messages;
    bytes += payload.size();
  }
  void on_protocol_error(std::uint16_t, std::string_view) override { ++errors; }
  std::size_t messages = 0;
  std::size_t bytes = 0;
  std::size_t errors = 0;
};

void BM_WarmReceive(benchmark::State& state) {
  const auto kind = static_cast<ChainKind>(state.range(0));
  try {
    const TextCorpus corpus = make_corpus(TextKind::mixed, corpus_messages);
    const std::vector<WireMessage> wire = client_wire(corpus, kind);

    // The fixture outlives the connection, which owns the chain.
    std::optional<PluginFixture> fixture;
    core::ExtensionChain chain;
    if (kind == ChainKind::pass) {
      fixture.emplace(pass_plugin_path());
      chain = negotiate_chain(fixture->server_factories(), "x-test-pass");
    } else if (kind == ChainKind::deflate) {
      fixture.emplace(permessage_deflate_plugin_path());
      chain = negotiate_chain(fixture->server_factories(), "permessage-deflate");
    }
    core::Connection server(core::Role::server, std::move(chain));
    CountingHandler handler;
    Bytes buffer;
    for (const WireMessage& message : wire)
      buffer.resize(std::max(buffer.size(), message.bytes.size()));

    // receive() unmasks in place, so each message is copied into the read
    // buffer first, as a socket read would put it there.
    const auto receive = [&](const WireMessage& message) {
      std::memcpy(buffer.data(), message.bytes.data(), message.bytes.size());
      server.receive({buffer.data(), message.bytes.size()}, handler);
    };
    for (const WireMessage& message : wire) receive(message);  // warm up
    if (handler.errors != 0 || handler.bytes != corpus.joined.size())
      throw std::runtime_error("the server did not receive the corpus intact");

    std::size_t next = 0;
    std::size_t frames = 0;
    const std::size_t messages_before = handler.messages;
    std::size_t allocations = 0;
    {
      const test::AllocationCount count;
      for (auto _ : state) {
        receive(wire[next]);
        frames += wire[next].frames;
        next = next + 1 == wire.size() ? 0 : next + 1;
      }
      allocations = count.count();
    }
    if (handler.errors != 0 ||
        handler.messages - messages_before != static_cast<std::size_t>(state.iterations()))
      throw std::runtime_error("the server failed or lost messages during the run");

    state.counters["allocs/frame"] =
        frames == 0 ? 0 : static_cast<double>(allocations) / static_cast<double>(frames);
    state.counters["frames/msg"] =
        static_cast<double>(frames) /
        static_cast<double>(std::max<std::int64_t>(state.iterations(), 1));
    state.counters["msgs"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.SetLabel(chain_labels[static_cast<std::size_t>(kind)]);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}
BENCHMARK(BM_WarmReceive)->DenseRange(0, 2);

}  // namespace
}  // namespace wsx::bench
