// Fragmented messages (RFC 6455 section 5.4) in both directions: the host
// reassembles what the client fragments, and fragments what it sends at the
// configured max_frame_size.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

class FragmentationTest : public HostTest {
 protected:
  static constexpr std::size_t kMaxFrameSize = 16 * 1024;

  [[nodiscard]] HostConfig host_config() const override {
    HostConfig config;
    config.max_message_size = "1 MiB";
    config.max_frame_size = "16 KiB";
    return config;
  }
};

TEST_F(FragmentationTest, FragmentedMessageIsEchoedWhole) {
  WsClient client = open();
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = to_bytes("frag"), .fin = false}));
  // 5.4: an empty fragment is still a fragment.
  ASSERT_TRUE(client.send({.opcode = opcode::continuation, .payload = {}, .fin = false}));
  ASSERT_TRUE(
      client.send({.opcode = opcode::continuation, .payload = to_bytes("men"), .fin = false}));
  ASSERT_TRUE(client.send({.opcode = opcode::continuation, .payload = to_bytes("ted")}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(message->opcode, opcode::text);
  EXPECT_EQ(to_string(message->payload), "fragmented");
}

TEST_F(FragmentationTest, FramesSplitAcrossWritesAreReassembled) {
  WsClient client = open();
  // One frame delivered a byte at a time: TCP owes us no frame boundaries.
  const Bytes wire = encode_frame({.opcode = opcode::text, .payload = to_bytes("byte by byte")});
  for (const std::uint8_t byte : wire) ASSERT_TRUE(client.send_raw(Bytes{byte}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(to_string(message->payload), "byte by byte");
  EXPECT_TRUE(echoes_text(client, "and then whole"));
}

TEST_F(FragmentationTest, SeveralFramesInOneWriteAreAllHandled) {
  WsClient client = open();
  Bytes wire;
  for (const char* text : {"one", "two", "three"}) {
    const Bytes frame = encode_frame({.opcode = opcode::text, .payload = to_bytes(text)});
    wire.insert(wire.end(), frame.begin(), frame.end());
  }
  ASSERT_TRUE(client.send_raw(wire));
  for (const char* text : {"one", "two", "three"}) {
    const auto message = client.read_message();
    ASSERT_TRUE(message) << client.history();
    EXPECT_EQ(to_string(message->payload), text);
  }
}

TEST_F(FragmentationTest, LongMessageIsSentInFramesOfMaxFrameSize) {
  WsClient client = open();
  Bytes payload(2 * kMaxFrameSize + 100);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  ASSERT_TRUE(client.send({.opcode = opcode::binary, .payload = payload}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(message->payload, payload);
  ASSERT_EQ(message->frames.size(), 3u) << client.history();
  EXPECT_EQ(message->frames[0].opcode, opcode::binary);
  EXPECT_EQ(message->frames[1].opcode, opcode::continuation);
  EXPECT_EQ(message->frames[2].opcode, opcode::continuation);
  EXPECT_EQ(message->frames[0].payload.size(), kMaxFrameSize);
  EXPECT_EQ(message->frames[1].payload.size(), kMaxFrameSize);
  EXPECT_EQ(message->frames[2].payload.size(), 100u);
  EXPECT_FALSE(message->frames[0].fin);
  EXPECT_FALSE(message->frames[1].fin);
  EXPECT_TRUE(message->frames[2].fin);
}

}  // namespace
}  // namespace wsx::integration
