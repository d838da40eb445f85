// DESIGN.md: "nothing on this path allocates per frame once a connection is
// warm", with the compressor pool in use too (issue 13's target). This
// binary links tests/support's allocation counter, which replaces the global
// operator new (so it is its own executable), and counts zlib's own
// allocations through the plugin's counting allocator (MemoryGauge), since
// zlib calls malloc, not operator new.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "allocation_counter.hpp"
#include "core/extensions/byte_buffer.hpp"
#include "permessage_deflate/compressor_pool.hpp"
#include "test_host.hpp"

namespace wsx::pmd::test {
namespace {

// Drives one extension through the C ABI with buffers it keeps, as the
// host's connection does once warm (test_host's encode() makes new ones).
class Lane {
 public:
  explicit Lane(TestExtension& extension) : extension_(extension) {}

  // Encodes (or decodes) one frame; the result stays in payload() until the
  // next call.
  wsx_status run(bool encoding, std::uint8_t opcode, bool fin, std::uint8_t rsv,
                 std::span<const std::uint8_t> data) {
    payload_.clear();
    message_.clear();
    const wsx_frame in{
        sizeof(wsx_frame), opcode, static_cast<std::uint8_t>(fin), rsv, {data.data(), data.size()}};
    out_ = {sizeof(wsx_frame_out), opcode, static_cast<std::uint8_t>(fin), rsv, payload_.handle()};
    wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message_.handle()};
    const wsx_extension_def& def = extension_.def();
    status_ = encoding ? def.encode(extension_.handle(), &in, &out_, &error)
                       : def.decode(extension_.handle(), &in, &out_, UINT64_MAX, &error);
    data_ = status_ == WSX_UNCHANGED ? data : payload_.bytes();
    return status_;
  }
  [[nodiscard]] std::span<const std::uint8_t> payload() const noexcept { return data_; }
  [[nodiscard]] std::uint8_t rsv() const noexcept { return out_.rsv; }

 private:
  TestExtension& extension_;
  core::ByteBuffer payload_;
  core::ByteBuffer message_;
  wsx_frame_out out_{};
  wsx_status status_ = WSX_FAIL;
  std::span<const std::uint8_t> data_;
};

TEST(PoolAllocations, NoAllocationPerWarmFrameWithThePoolInUse) {
  constexpr std::size_t kConnections = 6;
  const DeflateConfig defaults;
  const std::uint64_t stream = Deflater::memory_bound(
      {defaults.compress_window_bits, false, defaults.compress_level, defaults.mem_level});
  // Two streams for six connections: streams change hands (deflateReset)
  // all the time, which is the path to prove allocation-free.
  TestPlugin server_plugin({{"compressor_pool_memory", std::to_string(2 * stream)}});
  TestPlugin client_plugin;
  const TestThreadContext context(server_plugin);
  const auto& pool = *static_cast<const CompressorPool*>(context.get());

  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < kConnections; ++i) {
    pairs.push_back(negotiate_pair(server_plugin, client_plugin, context.get()));
    ASSERT_TRUE(pairs.back().server && pairs.back().client);
    ASSERT_TRUE(pairs.back().server->get().pooled());
  }
  std::vector<std::array<Lane, 2>> lanes;  // server encodes, client decodes
  lanes.reserve(kConnections);
  for (Pair& pair : pairs) lanes.push_back({Lane(*pair.server), Lane(*pair.client)});

  std::vector<Bytes> messages;
  for (std::size_t i = 0; i < 16; ++i) {
    std::string text;
    for (std::size_t j = 0; j < 3 + i; ++j) {
      text += "{\"id\":" + std::to_string(i * 100 + j) + ",\"name\":\"item-" + std::to_string(j) +
              "\",\"ok\":true}";
    }
    messages.push_back(bytes(text));
  }

  std::size_t errors = 0;
  const auto decoded = [&](const Lane& lane, const std::uint8_t* from, std::size_t size) {
    const auto got = lane.payload();
    if (got.size() != size || !std::equal(got.begin(), got.end(), from)) ++errors;
  };
  const auto round = [&](std::size_t r) {
    for (std::size_t c = 0; c < kConnections; ++c) {
      const Bytes& message = messages[(r + c) % messages.size()];
      auto& [server, client] = lanes[c];
      // One message in three goes as two frames, so a stream stays lent
      // across calls while other connections send.
      const bool split = (r + c) % 3 == 0;
      const std::size_t half = split ? message.size() / 2 : message.size();
      if (server.run(true, WSX_OPCODE_TEXT, !split, 0, {message.data(), half}) == WSX_FAIL)
        ++errors;
      if (client.run(false, WSX_OPCODE_TEXT, !split, server.rsv(), server.payload()) == WSX_FAIL)
        ++errors;
      decoded(client, message.data(), half);
      if (split) {
        if (server.run(true, WSX_OPCODE_CONTINUATION, true, 0,
                       {message.data() + half, message.size() - half}) == WSX_FAIL)
          ++errors;
        if (client.run(false, WSX_OPCODE_CONTINUATION, true, server.rsv(), server.payload()) ==
            WSX_FAIL)
          ++errors;
        decoded(client, message.data() + half, message.size() - half);
      }
    }
  };

  for (std::size_t r = 0; r < 100; ++r) round(r);  // warm-up
  const std::size_t takeovers_before = pool.takeovers();
  const std::size_t zlib_before =
      server_plugin.plugin().gauge().allocations() + client_plugin.plugin().gauge().allocations();
  std::size_t allocations = 0;
  {
    const wsx::test::AllocationCount count;
    for (std::size_t r = 0; r < 500; ++r) round(r);
    allocations = count.count();
  }
  const std::size_t zlib_after =
      server_plugin.plugin().gauge().allocations() + client_plugin.plugin().gauge().allocations();

  EXPECT_EQ(errors, 0u);
  EXPECT_EQ(allocations, 0u) << "operator new calls in 500 warm rounds";
  EXPECT_EQ(zlib_after - zlib_before, 0u) << "zlib allocations in 500 warm rounds";
  EXPECT_GT(pool.takeovers() - takeovers_before, 500u) << "the streams did not change hands";
  EXPECT_EQ(pool.streams(), 2u);
}

}  // namespace
}  // namespace wsx::pmd::test
