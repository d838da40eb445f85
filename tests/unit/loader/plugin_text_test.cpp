// Small pure helpers of host/plugins: untrusted text, token comparison, and
// the manifest's rendering for the CLI.
#include <gtest/gtest.h>

#include "loader/host_services.hpp"
#include "loader/plugin_manifest.hpp"
#include "loader/plugin_text.hpp"
#include "test_support.hpp"

namespace wsx::loader {
namespace {

TEST(PluginTextTest, EscapesControlBytesSoALogLineStaysOneLine) {
  EXPECT_EQ(printable(std::string_view("a\nb\x1b[0m")), "a\\x0ab\\x1b[0m");
  EXPECT_EQ(printable(std::string_view("plain text")), "plain text");
}

TEST(PluginTextTest, CutsLongText) {
  EXPECT_EQ(printable(std::string(10, 'x'), 4), "xxxx...");
  EXPECT_EQ(printable(static_cast<const char*>(nullptr)), "(null)");
}

TEST(PluginTextTest, TokensCompareCaseInsensitively) {
  EXPECT_TRUE(tokens_equal("permessage-deflate", "PerMessage-Deflate"));
  EXPECT_FALSE(tokens_equal("x-a", "x-b"));
  EXPECT_FALSE(tokens_equal("x-a", "x-ab"));
}

TEST(PluginManifestTest, NamesRolesAndRsvBits) {
  EXPECT_EQ(roles_to_string(WSX_ROLE_SERVER), "server");
  EXPECT_EQ(roles_to_string(WSX_ROLE_CLIENT), "client");
  EXPECT_EQ(roles_to_string(WSX_ROLE_SERVER | WSX_ROLE_CLIENT), "server+client");
  EXPECT_EQ(rsv_to_string(0), "none");
  EXPECT_EQ(rsv_to_string(WSX_RSV1), "RSV1");
  EXPECT_EQ(rsv_to_string(WSX_RSV1 | WSX_RSV3), "RSV1|RSV3");
  EXPECT_EQ(param_type_name(WSX_PARAM_BOOLEAN), "boolean");
  EXPECT_EQ(param_type_name(9), "type 9");
}

TEST(PluginManifestTest, FormatsEveryDeclaredField) {
  PluginManifest manifest;
  manifest.file = "/p/x.so";
  manifest.name = "x";
  manifest.version = "2.0";
  manifest.description = "does x";
  manifest.abi_version = 1;
  manifest.tokens = {{"x-a", WSX_ROLE_SERVER, WSX_RSV1}};
  manifest.params = {{"level", WSX_PARAM_INTEGER, "how much"}};
  EXPECT_EQ(format_manifest(manifest),
            "plugin: /p/x.so\n"
            "  name: x\n"
            "  version: 2.0\n"
            "  description: does x\n"
            "  ABI: version 1 (host speaks 1..1)\n"
            "  token: x-a  roles: server  RSV: RSV1\n"
            "  param: level (integer) - how much\n");
}

TEST(HostServicesTest, PluginLogLinesAreTaggedFilteredAndEscaped) {
  test::RecordingLog log;
  log.logger().set_level(LogLevel::info);
  HostServices services(log.logger(), "x.so");
  services.rename("my-ext");
  const wsx_host_api* api = services.api();
  EXPECT_EQ(api->struct_size, sizeof(wsx_host_api));
  ASSERT_NE(api->buffer_append, nullptr);
  api->log(api->log_context, WSX_LOG_DEBUG, {"hidden", 6});
  api->log(api->log_context, WSX_LOG_WARNING, {"two\nlines", 9});
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "[my-ext] two\\x0alines");
}

TEST(HostServicesTest, MapsPluginLevelsOntoHostLevels) {
  EXPECT_EQ(to_log_level(WSX_LOG_DEBUG), LogLevel::debug);
  EXPECT_EQ(to_log_level(WSX_LOG_INFO), LogLevel::info);
  EXPECT_EQ(to_log_level(WSX_LOG_WARNING), LogLevel::warning);
  EXPECT_EQ(to_log_level(WSX_LOG_ERROR), LogLevel::error);
  EXPECT_EQ(to_log_level(35), LogLevel::warning);
  EXPECT_EQ(to_log_level(0), LogLevel::debug);
  EXPECT_EQ(to_log_level(99), LogLevel::error);
}

}  // namespace
}  // namespace wsx::loader
