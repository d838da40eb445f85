// RFC 6455 sections 5.5.1 and 7.4: close codes and Close payloads.
#include <gtest/gtest.h>

#include "core/close/close_status.hpp"
#include "test_support.hpp"

namespace wsx::core {
namespace {

using test::Bytes;
using test::close_payload;

TEST(CloseCode, TableOfSection7_4) {
  for (std::uint32_t code = 0; code <= 0xFFFF; ++code) {
    const bool expected = code == 1000 || code == 1001 || code == 1002 || code == 1003 ||
                          (code >= 1007 && code <= 1011) ||                // 7.4.1
                          code == 1012 || code == 1013 || code == 1014 ||  // IANA registry
                          (code >= 3000 && code <= 4999);                  // 7.4.2
    EXPECT_EQ(is_sendable_close_code(static_cast<std::uint16_t>(code)), expected) << code;
  }
}

TEST(CloseParse, EmptyPayloadMeansNoStatus) {
  const CloseParse result = parse_close_payload({});
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.info.code, 1005);
  EXPECT_TRUE(result.info.reason.empty());
}

TEST(CloseParse, CodeAndReason) {
  const Bytes payload = close_payload(1001, "going away");
  const CloseParse result = parse_close_payload(payload);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.info.code, 1001);
  EXPECT_EQ(result.info.reason, "going away");
}

TEST(CloseParse, OneBytePayloadIsAProtocolError) {
  const CloseParse result = parse_close_payload(Bytes{0x03});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error_code, 1002);
}

TEST(CloseParse, InvalidCodesAreProtocolErrors) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    const CloseParse result = parse_close_payload(close_payload(code));
    EXPECT_FALSE(result.ok) << code;
    EXPECT_EQ(result.error_code, 1002) << code;
  }
}

TEST(CloseParse, ReasonMustBeUtf8) {
  const CloseParse bad = parse_close_payload(close_payload(1000, "bad \xC0\xAF reason"));
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error_code, 1007);
  const Bytes payload = close_payload(4000, "κόσμε");
  const CloseParse good = parse_close_payload(payload);
  ASSERT_TRUE(good.ok);
  EXPECT_EQ(good.info.code, 4000);
  EXPECT_EQ(good.info.reason, "κόσμε");
}

TEST(CloseReason, FitsIn123BytesOnACharacterBoundary) {
  const std::string ascii(200, 'a');
  EXPECT_EQ(fit_close_reason(ascii).size(), 123u);
  // 61 two-byte characters = 122 bytes; a 62nd would end at byte 124.
  std::string greek;
  for (int i = 0; i < 70; ++i) greek += "\xCE\xBA";
  EXPECT_EQ(fit_close_reason(greek).size(), 122u);
  EXPECT_EQ(fit_close_reason("short"), "short");
  // Stops before invalid UTF-8.
  EXPECT_EQ(fit_close_reason("ok\xFFnot"), "ok");
}

TEST(CloseWrite, LayoutIsCodeThenReason) {
  std::uint8_t out[125];
  const std::size_t size = write_close_payload(1002, "bad frame", out);
  EXPECT_EQ(Bytes(out, out + size), close_payload(1002, "bad frame"));
  EXPECT_EQ(write_close_payload(1005, "ignored", out), 0u);
  EXPECT_EQ(write_close_payload(1000, std::string(300, 'x'), out), 125u);
}

}  // namespace
}  // namespace wsx::core
