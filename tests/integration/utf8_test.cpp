// Text messages must be UTF-8 (RFC 6455 sections 5.6 and 8.1): invalid
// UTF-8 fails the connection with 1007, also when the bad sequence spans
// fragments, while a valid code point split across fragments is fine.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "support/host_test.hpp"

namespace wsx::integration {
namespace {

using Utf8Test = PlainHostTest;

// U+1F600, 4 bytes: F0 9F 98 80.
constexpr std::string_view kGrinning = "\xF0\x9F\x98\x80";

TEST_F(Utf8Test, InvalidUtf8TextIsInvalidPayload) {
  WsClient good = open();
  // A stray continuation byte, an impossible byte, a truncated sequence, an
  // overlong encoding, a UTF-16 surrogate and a code point past U+10FFFF.
  for (const std::string_view bad_text :
       {std::string_view("\x80"), std::string_view("ok\xFF"), std::string_view("\xC3\x28"),
        std::string_view("\xC0\xAF"), std::string_view("\xED\xA0\x80"),
        std::string_view("\xF4\x90\x80\x80"), std::string_view("end\xE2\x82")}) {
    SCOPED_TRACE("text of " + std::to_string(bad_text.size()) + " bytes");
    WsClient bad = open();
    ASSERT_TRUE(bad.send_text(bad_text));
    EXPECT_TRUE(fails_with(bad, 1007));
    EXPECT_TRUE(echoes_text(good, "still here"));
  }
}

TEST_F(Utf8Test, InvalidUtf8SplitAcrossFragmentsIsInvalidPayload) {
  WsClient good = open();
  WsClient bad = open();
  // Fragment 1 starts a 3-byte sequence (E2 82, as in U+20AC) that
  // fragment 2 breaks with an ASCII byte.
  ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("ab\xE2\x82"), .fin = false}));
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = to_bytes("(cd")}));
  EXPECT_TRUE(fails_with(bad, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(Utf8Test, InvalidUtf8FailsBeforeTheMessageEnds) {
  WsClient good = open();
  WsClient bad = open();
  // 8.1 fails on the byte that cannot be UTF-8; the host does not wait for a
  // final fragment that never comes.
  ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("abc\xFF"), .fin = false}));
  EXPECT_TRUE(fails_with(bad, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

// 8.1 "fail at the first invalid byte" within ONE big frame too: a 16 MiB
// text frame whose 10th byte is invalid is refused with 1007 while the client
// has sent only its first 128 KiB; the rest is never needed.
class HugeTextTest : public HostTest {
 protected:
  [[nodiscard]] HostConfig host_config() const override { return {}; }  // 16 MiB messages
};

TEST_F(HugeTextTest, InvalidByteEarlyInAHugeFrameFailsWhileItArrives) {
  WsClient good = open();
  WsClient bad = open();
  Bytes text(16u << 20, 'a');
  text[9] = 0xFF;
  const Bytes wire = encode_frame({.opcode = opcode::text, .payload = std::move(text)});
  const std::span<const std::uint8_t> all(wire);
  // Two writes, so the server sees the frame in at least two reads.
  ASSERT_TRUE(bad.send_raw(all.first(64 * 1024)));
  ASSERT_TRUE(bad.send_raw(all.subspan(64 * 1024, 64 * 1024)));
  EXPECT_TRUE(fails_with(bad, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(Utf8Test, MessageEndingInsideCodePointIsInvalidPayload) {
  WsClient good = open();
  WsClient bad = open();
  ASSERT_TRUE(bad.send({.opcode = opcode::text, .payload = to_bytes("ab\xF0\x9F"), .fin = false}));
  ASSERT_TRUE(bad.send({.opcode = opcode::continuation, .payload = to_bytes("\x98")}));
  EXPECT_TRUE(fails_with(bad, 1007));
  EXPECT_TRUE(echoes_text(good, "still here"));
}

TEST_F(Utf8Test, CodePointSplitAcrossFragmentsIsEchoed) {
  WsClient client = open();
  const std::string whole = "smile " + std::string(kGrinning) + " ok";
  // Every split inside the 4-byte sequence (after its 1st, 2nd, 3rd byte).
  for (std::size_t cut = 1; cut < kGrinning.size(); ++cut) {
    SCOPED_TRACE("split after byte " + std::to_string(cut) + " of the code point");
    const std::size_t at = 6 + cut;
    ASSERT_TRUE(client.send(
        {.opcode = opcode::text, .payload = to_bytes(whole.substr(0, at)), .fin = false}));
    ASSERT_TRUE(
        client.send({.opcode = opcode::continuation, .payload = to_bytes(whole.substr(at))}));
    const auto message = client.read_message();
    ASSERT_TRUE(message) << client.history();
    EXPECT_EQ(message->opcode, opcode::text);
    EXPECT_EQ(to_string(message->payload), whole);
  }
}

TEST_F(Utf8Test, ThreeFragmentsEachHoldingPartOfACodePoint) {
  WsClient client = open();
  // U+20AC (E2 82 AC) spread one byte per fragment.
  ASSERT_TRUE(client.send({.opcode = opcode::text, .payload = to_bytes("\xE2"), .fin = false}));
  ASSERT_TRUE(
      client.send({.opcode = opcode::continuation, .payload = to_bytes("\x82"), .fin = false}));
  ASSERT_TRUE(client.send({.opcode = opcode::continuation, .payload = to_bytes("\xAC")}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(to_string(message->payload), "\xE2\x82\xAC");
}

TEST_F(Utf8Test, BinaryMessagesAreNotCheckedForUtf8) {
  WsClient client = open();
  const Bytes payload{0xFF, 0xC0, 0x80, 0xED, 0xA0, 0x80};
  ASSERT_TRUE(client.send({.opcode = opcode::binary, .payload = payload}));
  const auto message = client.read_message();
  ASSERT_TRUE(message) << client.history();
  EXPECT_EQ(message->opcode, opcode::binary);
  EXPECT_EQ(message->payload, payload);
}

}  // namespace
}  // namespace wsx::integration
