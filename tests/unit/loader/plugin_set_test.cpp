// The registry built from a Config: order, roles, duplicates, disabled
// entries, and the factories the core negotiates with.
#include <gtest/gtest.h>

#include <cstring>

#include "core/extensions/byte_buffer.hpp"
#include "core/extensions/extension_params.hpp"
#include "loader/plugin_error.hpp"
#include "loader/plugin_set.hpp"
#include "test_support.hpp"

namespace wsx::loader {
namespace {

using test::expect_contains;

config::PluginEntry entry(const char* file, std::uint32_t line, bool enabled = true) {
  config::PluginEntry out;
  out.path = file;
  out.enabled = enabled;
  out.where = {"wsx.toml", line, 8};
  return out;
}

config::Config config_of(std::vector<config::PluginEntry> plugins) {
  config::Config config;
  config.file = "wsx.toml";
  config.plugins = std::move(plugins);
  return config;
}

std::string load_error(const config::Config& config, const Logger& logger) {
  try {
    (void)PluginSet::load(config, logger);
  } catch (const PluginError& error) {
    return error.what();
  }
  ADD_FAILURE() << "the set loaded, but a refusal was expected";
  return {};
}

TEST(PluginSetTest, EmptyConfigGivesNoFactories) {
  test::RecordingLog log;
  const PluginSet set = PluginSet::load(config_of({}), log.logger());
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.server_factories().empty());
  EXPECT_TRUE(set.client_factories().empty());
}

TEST(PluginSetTest, FactoriesFollowConfigOrderAndRoles) {
  test::RecordingLog log;
  const PluginSet set = PluginSet::load(
      config_of({entry(WSX_TEST_PLUGIN_VALID, 2), entry(WSX_TEST_PLUGIN_PASS, 5)}), log.logger());
  ASSERT_EQ(set.size(), 2u);
  ASSERT_EQ(set.manifests().size(), 2u);
  EXPECT_EQ(set.manifests()[0].name, "test-variant");
  EXPECT_EQ(set.manifests()[1].name, "test-pass");

  ASSERT_EQ(set.server_factories().size(), 2u);
  EXPECT_EQ(set.server_factories()[0]->token, "x-test-variant");
  EXPECT_EQ(set.server_factories()[1]->token, "x-test-pass");
  EXPECT_EQ(set.server_factories()[1]->plugin_name, "test-pass");
  EXPECT_EQ(set.server_factories()[1]->rsv_bits, 0u);
  EXPECT_NE(set.server_factories()[1]->keepalive, nullptr);
  // test-variant is server-only; test-pass provides both roles.
  ASSERT_EQ(set.client_factories().size(), 1u);
  EXPECT_EQ(set.client_factories()[0]->token, "x-test-pass");
  EXPECT_TRUE(log.contains("loaded plugin test-pass 1.2.3 (ABI 1)"));
}

TEST(PluginSetTest, ServerFactoryNegotiatesWithTheConfiguredInstance) {
  test::RecordingLog log;
  config::PluginEntry pass = entry(WSX_TEST_PLUGIN_PASS, 2);
  pass.params.push_back({"level", std::int64_t{7}, {"wsx.toml", 3, 1}});
  const PluginSet set = PluginSet::load(config_of({pass}), log.logger());
  ASSERT_EQ(set.server_factories().size(), 1u);
  const core::ExtensionFactory& factory = *set.server_factories()[0];

  wsx_params_out response;
  wsx_server_offer offer{};
  offer.struct_size = sizeof offer;
  offer.token = {"x-test-pass", 11};
  offer.response = &response;
  core::ByteBuffer message;
  wsx_error error{sizeof(wsx_error), WSX_CLOSE_INTERNAL_ERROR, message.handle()};
  void* extension = nullptr;
  ASSERT_EQ(factory.def.server_negotiate(factory.plugin, &offer, &extension, &error), WSX_OK);
  ASSERT_NE(extension, nullptr);
  // The plugin answers with the level it was configured with.
  ASSERT_EQ(response.params.size(), 1u);
  EXPECT_EQ(response.params[0], (core::ExtensionParam{"level", "7"}));
  factory.def.destroy_extension(extension);
}

TEST(PluginSetTest, RefusesTheSameTokenForTheSameRoleNamingBothFiles) {
  test::RecordingLog log;
  const std::string message = load_error(
      config_of({entry(WSX_TEST_PLUGIN_DUP_SERVER_A, 2), entry(WSX_TEST_PLUGIN_DUP_SERVER_B, 6)}),
      log.logger());
  EXPECT_EQ(message.rfind("plugin \"" WSX_TEST_PLUGIN_DUP_SERVER_B "\"", 0), 0u) << message;
  expect_contains(message, "at wsx.toml:6:8");
  expect_contains(message, "provides extension token \"x-test-dup\" for the server role");
  expect_contains(message, "plugin \"" WSX_TEST_PLUGIN_DUP_SERVER_A "\"");
  expect_contains(message, "at wsx.toml:2:8");
}

TEST(PluginSetTest, RefusesTheSamePluginListedTwice) {
  test::RecordingLog log;
  const std::string message = load_error(
      config_of({entry(WSX_TEST_PLUGIN_PASS, 2), entry(WSX_TEST_PLUGIN_PASS, 6)}), log.logger());
  expect_contains(message, "\"x-test-pass\" for the server+client role");
}

TEST(PluginSetTest, AllowsTheSameTokenForDifferentRoles) {
  test::RecordingLog log;
  const PluginSet set = PluginSet::load(
      config_of({entry(WSX_TEST_PLUGIN_DUP_SERVER_A, 2), entry(WSX_TEST_PLUGIN_DUP_CLIENT, 6)}),
      log.logger());
  ASSERT_EQ(set.server_factories().size(), 1u);
  ASSERT_EQ(set.client_factories().size(), 1u);
  EXPECT_EQ(set.server_factories()[0]->token, "x-test-dup");
  EXPECT_EQ(set.client_factories()[0]->token, "x-test-dup");
  EXPECT_NE(set.server_factories()[0]->plugin, set.client_factories()[0]->plugin);
}

TEST(PluginSetTest, SkipsDisabledPluginsWithoutTouchingTheirFiles) {
  test::RecordingLog log;
  const PluginSet set = PluginSet::load(
      config_of({entry("/nonexistent/disabled.so", 2, false), entry(WSX_TEST_PLUGIN_PASS, 5)}),
      log.logger());
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.manifests()[0].name, "test-pass");
  EXPECT_TRUE(log.contains("\"/nonexistent/disabled.so\" is disabled in wsx.toml:2:8"));
}

TEST(PluginSetTest, ErrorsStartWithTheConfigPositionOfThePlugin) {
  test::RecordingLog log;
  const std::string message = load_error(config_of({entry("/nonexistent/x.so", 4)}), log.logger());
  EXPECT_EQ(message.rfind("wsx.toml:4:8: plugin \"/nonexistent/x.so\": file does not exist", 0), 0u)
      << message;
  expect_contains(message, "resolved against the config file's folder");
}

TEST(PluginSetTest, ParamErrorsPointAtTheParam) {
  test::RecordingLog log;
  config::PluginEntry pass = entry(WSX_TEST_PLUGIN_PASS, 2);
  pass.params.push_back({"verbose", std::int64_t{1}, {"wsx.toml", 9, 3}});
  const std::string message = load_error(config_of({pass}), log.logger());
  EXPECT_EQ(message.rfind("wsx.toml:9:3: plugin \"", 0), 0u) << message;
  expect_contains(message, "parameter \"verbose\" must be a boolean, got an integer (1)");
}

TEST(PluginSetTest, CreateFailureNamesTheConfigPositionOfThePlugin) {
  test::RecordingLog log;
  config::PluginEntry pass = entry(WSX_TEST_PLUGIN_PASS, 11);
  pass.params.push_back({"level", std::int64_t{-1}, {"wsx.toml", 12, 1}});
  const std::string message = load_error(config_of({pass}), log.logger());
  EXPECT_EQ(message.rfind("wsx.toml:11:8: plugin \"", 0), 0u) << message;
  expect_contains(message, "create() failed: \"level must be 0-9, got -1\"");
}

}  // namespace
}  // namespace wsx::loader
