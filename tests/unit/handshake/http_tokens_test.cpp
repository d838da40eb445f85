// RFC 7230 list handling and the helpers that quote peer text in messages.
#include "core/handshake/http_tokens.hpp"

#include <gtest/gtest.h>

namespace wsx::core {
namespace {

TEST(HttpTokens, SplitListTrimsAndDropsEmptyElements) {
  EXPECT_EQ(split_list(" a ,b,\t, c\t,"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_TRUE(split_list("").empty());
  EXPECT_TRUE(split_list(" , ,").empty());
}

TEST(HttpTokens, ListContainsIgnoresCase) {
  EXPECT_TRUE(list_contains("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(list_contains("WebSocket", "websocket"));
  EXPECT_FALSE(list_contains("websockets", "websocket"));
  EXPECT_FALSE(list_contains("web socket", "websocket"));
  EXPECT_FALSE(list_contains("", "upgrade"));
}

TEST(HttpTokens, Iequals) {
  EXPECT_TRUE(iequals("Sec-WebSocket-Key", "sec-websocket-key"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_FALSE(iequals("[", "{"));  // differ by 0x20 but are not letters
}

TEST(HttpTokens, PrintableEscapesAndCuts) {
  EXPECT_EQ(printable("ok text"), "ok text");
  EXPECT_EQ(printable("a\r\nb\x7F\xC3"), "a\\x0D\\x0Ab\\x7F\\xC3");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace wsx::core
